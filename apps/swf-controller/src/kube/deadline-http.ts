import {
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  type RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

/**
 * A Kubernetes call that got no whole answer within its deadline. It has no HTTP status: it
 * counts as a network error, and its outcome is unknown (a write may have been made).
 */
export class KubeRequestTimeoutError extends Error {
  override readonly name = 'KubeRequestTimeoutError';
  readonly code = 'ETIMEDOUT';

  constructor(method: string, url: string, timeoutMs: number) {
    super(
      `${method} ${new URL(url).pathname}: no answer from the Kubernetes API server within ${timeoutMs / 1000} s (--kubeRequestTimeoutSeconds)`,
    );
  }
}

/**
 * client-node's HTTP library with a deadline on every request, body included.
 *
 * client-node sets no timeout, and over a kept-alive connection that went dead without a reset (a
 * lost conntrack entry, a middlebox), a call waits for ever and pins the worker that made it.
 * Here the whole exchange, up to the last byte of the body, must end within `timeoutMs`; at the
 * deadline node-fetch aborts the request, which destroys its socket, so a dead connection leaves
 * the keep-alive pool with the call that found it.
 */
export function deadlineHttpLibrary(timeoutMs: number): HttpLibrary {
  const fetchLibrary = new IsomorphicFetchHttpLibrary();
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      const given = request.getSignal();
      request.setSignal(given ? AbortSignal.any([given, deadline.signal]) : deadline.signal);
      try {
        const response = await fetchLibrary.send(request).toPromise();
        // Read within the deadline: the generated client reads the body after `send` returns.
        const body = await response.body.binary();
        return new ResponseContext(response.httpStatusCode, response.headers, {
          text: async () => body.toString('utf8'),
          binary: async () => body,
        });
      } catch (error) {
        if (deadline.signal.aborted) {
          throw new KubeRequestTimeoutError(request.getHttpMethod(), request.getUrl(), timeoutMs);
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
