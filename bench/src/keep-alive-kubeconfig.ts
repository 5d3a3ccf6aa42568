import { type ApiConstructor, type ApiType, KubeConfig } from '@kubernetes/client-node';
import { makeKeepAliveApiClient } from '@swf/controller/keep-alive';

/**
 * A kubeconfig whose API clients reuse their connections, as Go clients (the KFP API server's,
 * `kubectl`) do. client-node opens a new TLS connection per request, which would make the API
 * server double's SubjectAccessReviews, and the bulk creation, cost far more than the real thing.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  /** Deadline of each request; generous, since the bench's bulk calls run while the machine is loaded. */
  static readonly REQUEST_TIMEOUT_MS = 120_000;

  /** A copy of `source` (its clusters, users and current context). */
  static from(source: KubeConfig): KeepAliveKubeConfig {
    const copy = new KeepAliveKubeConfig();
    copy.loadFromString(source.exportConfig());
    return copy;
  }

  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    return makeKeepAliveApiClient(this, apiClientType, KeepAliveKubeConfig.REQUEST_TIMEOUT_MS);
  }
}
