import type { AccessDecision, AccessRequest, AccessReviewer, TokenReviewResult } from './access-reviewer.js';
import { RUNS_RESOURCE } from './auth.js';

/**
 * A grant: `user` may `verb` (any verb when omitted) on `resource` of group pipelines.kubeflow.org
 * (`runs`, `experiments`; any of them when omitted) in `namespace`.
 */
export interface StaticGrant {
  readonly user: string;
  readonly namespace: string;
  readonly verb?: string;
  readonly resource?: string;
}

/** A review the {@link StaticAccessReviewer} answered, in order. */
export type AnsweredReview =
  | { readonly kind: 'TokenReview'; readonly token: string; readonly audiences: readonly string[] }
  | { readonly kind: 'SubjectAccessReview'; readonly request: AccessRequest };

/** What a {@link StaticAccessReviewer} answers from. */
interface StaticTables {
  /** Bearer token to user name. */
  readonly tokens?: Readonly<Record<string, string>>;
  readonly grants?: readonly StaticGrant[];
}

/**
 * An {@link AccessReviewer} answering from fixed tables, for tests that need no kube-apiserver:
 * known tokens authenticate as their user for whatever audiences were asked; a SubjectAccessReview
 * is allowed when a grant matches (whatever object name it asks for), and denied with an empty
 * reason otherwise, as RBAC does.
 */
export class StaticAccessReviewer implements AccessReviewer {
  readonly #tables: StaticTables;
  readonly #answered: AnsweredReview[] = [];

  constructor(tables: StaticTables = {}) {
    this.#tables = tables;
  }

  /** Every review answered so far, oldest first. */
  get reviews(): readonly AnsweredReview[] {
    return this.#answered;
  }

  async tokenReview(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    this.#answered.push({ kind: 'TokenReview', token, audiences });
    const user = this.#tables.tokens?.[token];
    return user === undefined
      ? { authenticated: false, error: 'invalid bearer token' }
      : { authenticated: true, user, audiences };
  }

  async subjectAccessReview(request: AccessRequest): Promise<AccessDecision> {
    this.#answered.push({ kind: 'SubjectAccessReview', request });
    const allowed = (this.#tables.grants ?? []).some(
      (grant) =>
        request.group === RUNS_RESOURCE.group &&
        grant.user === request.user &&
        grant.namespace === request.namespace &&
        (grant.verb ?? request.verb) === request.verb &&
        (grant.resource ?? request.resource) === request.resource,
    );
    return { allowed, reason: '' };
  }
}
