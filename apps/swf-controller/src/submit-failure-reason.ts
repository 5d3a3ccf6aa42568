import { status } from '@grpc/grpc-js';
import { statusCode } from './kube/kube-api.js';

/** How a run is submitted: an Argo Workflow from the embedded spec, or `CreateRun` on the KFP API server. */
export type SubmitPath = 'workflow' | 'create_run';

/**
 * The reason label of a failed submit: a gRPC status name in lower case (`unauthenticated`,
 * `permission_denied`, `unavailable`, ...), for both paths, so one alert and one runbook entry serve
 * each cause. A Kubernetes answer is mapped the way gRPC gateways map HTTP statuses; a connection
 * that failed is `unavailable`; anything else is `unknown`.
 */
export type SubmitFailureReason = Lowercase<keyof typeof status>;

const HTTP_STATUS_REASONS: Readonly<Record<number, SubmitFailureReason>> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  422: 'invalid_argument',
  429: 'resource_exhausted',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
  504: 'deadline_exceeded',
};

/** Node and fetch error codes of a request that never got an answer. */
const NETWORK_ERROR_REASONS: Readonly<Record<string, SubmitFailureReason>> = {
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  EHOSTUNREACH: 'unavailable',
  ENETUNREACH: 'unavailable',
  ENOTFOUND: 'unavailable',
  EAI_AGAIN: 'unavailable',
  EPIPE: 'unavailable',
  ETIMEDOUT: 'deadline_exceeded',
  UND_ERR_CONNECT_TIMEOUT: 'deadline_exceeded',
  UND_ERR_HEADERS_TIMEOUT: 'deadline_exceeded',
  UND_ERR_SOCKET: 'unavailable',
};

/** The reason label for `error`, thrown while submitting a run on `path`. */
export function submitFailureReason(path: SubmitPath, error: unknown): SubmitFailureReason {
  if (path === 'create_run') {
    const code = (error as { code?: unknown } | null)?.code;
    const name = typeof code === 'number' ? status[code] : undefined;
    if (typeof name === 'string') return name.toLowerCase() as SubmitFailureReason;
  } else {
    const http = statusCode(error);
    if (http !== undefined && HTTP_STATUS_REASONS[http]) return HTTP_STATUS_REASONS[http];
    if (http !== undefined && http >= 500) return 'unavailable';
  }
  return networkReason(error) ?? (isAbort(error) ? 'cancelled' : 'unknown');
}

function networkReason(error: unknown): SubmitFailureReason | undefined {
  for (let cause = error, depth = 0; cause && depth < 3; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_REASONS[code]) return NETWORK_ERROR_REASONS[code];
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
