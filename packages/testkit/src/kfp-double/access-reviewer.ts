/** What a TokenReview said about a bearer token. */
export interface TokenReviewResult {
  /** `status.authenticated`. */
  readonly authenticated: boolean;
  /** `status.user.username`; KFP uses it as the identity and ignores the groups. */
  readonly user?: string;
  /** `status.audiences`; KFP requires every audience it asked for to be in this list. */
  readonly audiences?: readonly string[];
  /** `status.error`. */
  readonly error?: string;
}

/**
 * `spec.resourceAttributes` of the SubjectAccessReview KFP sends, plus its `spec.user`.
 * KFP sends neither groups, UID nor extra, even when the identity came from a TokenReview.
 */
export interface AccessRequest {
  readonly user: string;
  readonly namespace: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** The object's name, when KFP names one (an experiment's display name); absent for runs. */
  readonly name?: string;
}

/** What a SubjectAccessReview decided. */
export interface AccessDecision {
  /** `status.allowed`. */
  readonly allowed: boolean;
  /** `status.reason`, quoted by KFP in its PERMISSION_DENIED message. */
  readonly reason?: string;
}

/**
 * The two Kubernetes reviews the KFP API server asks for in multi-user mode. A rejected promise
 * stands for a failed API call (KFP answers UNAUTHENTICATED for a TokenReview, INTERNAL for a
 * SubjectAccessReview).
 */
export interface AccessReviewer {
  /** Creates a TokenReview of `token` for `audiences`. */
  tokenReview(token: string, audiences: readonly string[]): Promise<TokenReviewResult>;
  /** Creates a SubjectAccessReview. */
  subjectAccessReview(request: AccessRequest): Promise<AccessDecision>;
}
