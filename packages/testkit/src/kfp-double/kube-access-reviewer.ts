import { AuthenticationV1Api, AuthorizationV1Api, KubeConfig } from '@kubernetes/client-node';
import type { AccessDecision, AccessRequest, AccessReviewer, TokenReviewResult } from './access-reviewer.js';

/** {@link AccessReviewer} backed by a real kube-apiserver's TokenReview and SubjectAccessReview APIs. */
export class KubeAccessReviewer implements AccessReviewer {
  readonly #authentication: AuthenticationV1Api;
  readonly #authorization: AuthorizationV1Api;

  /** Reviews with the credentials of `kubeConfig`, which must be allowed to create both reviews. */
  constructor(kubeConfig: KubeConfig) {
    this.#authentication = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.#authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  /** A reviewer using the kubeconfig file at `path` (its current context). */
  static fromFile(path: string): KubeAccessReviewer {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(path);
    return new KubeAccessReviewer(kubeConfig);
  }

  async tokenReview(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    const review = await this.#authentication.createTokenReview({
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, audiences: [...audiences] },
      },
    });
    return {
      authenticated: review.status?.authenticated === true,
      user: review.status?.user?.username ?? '',
      audiences: review.status?.audiences ?? [],
      error: review.status?.error ?? '',
    };
  }

  async subjectAccessReview({ user, ...resourceAttributes }: AccessRequest): Promise<AccessDecision> {
    const review = await this.#authorization.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user, resourceAttributes },
      },
    });
    return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? '' };
  }
}
