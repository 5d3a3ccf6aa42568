import { type ApiConstructor, type ApiType, KubeConfig } from '@kubernetes/client-node';
import { makeKeepAliveApiClient } from '@swf/controller/keep-alive';

/**
 * A kubeconfig whose API clients reuse their connections, as Go clients (the KFP API server's,
 * `kubectl`) do. client-node opens a new TLS connection per request, which would make the API
 * server double's SubjectAccessReviews, and the bulk creation, cost far more than the real thing.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  /** A copy of `source` (its clusters, users and current context). */
  static from(source: KubeConfig): KeepAliveKubeConfig {
    const copy = new KeepAliveKubeConfig();
    copy.loadFromString(source.exportConfig());
    return copy;
  }

  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    return makeKeepAliveApiClient(this, apiClientType);
  }
}
