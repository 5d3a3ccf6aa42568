import type { AccessReviewer } from './access-reviewer.js';
import {
  aggregateMessage,
  badRequest,
  internalServerError,
  KfpStatusError,
  permissionDenied,
  unauthenticated,
} from './kfp-status.js';

/** Metadata key KFP reads the bearer token from (compared lower-cased, quoted as written). */
export const AUTHORIZATION_HEADER = 'Authorization';
/** Prefix KFP requires on the bearer token and strips before the TokenReview. */
export const BEARER_PREFIX = 'Bearer ';
/** KFP's default TokenReview audience (`TOKEN_REVIEW_AUDIENCE`). */
export const DEFAULT_TOKEN_REVIEW_AUDIENCE = 'pipelines.kubeflow.org';
/** API group, version and resource KFP authorizes run calls against. */
export const RUNS_RESOURCE = {
  group: 'pipelines.kubeflow.org',
  version: 'v1beta1',
  resource: 'runs',
} as const;

/** API group, version and resource KFP authorizes experiment calls against. */
export const EXPERIMENTS_RESOURCE = { ...RUNS_RESOURCE, resource: 'experiments' } as const;

/** What a call asks to do, as KFP puts it in the SubjectAccessReview's resource attributes. */
export interface KfpAccess {
  readonly namespace: string;
  readonly verb: string;
  /** {@link RUNS_RESOURCE} or {@link EXPERIMENTS_RESOURCE}. */
  readonly on: typeof RUNS_RESOURCE | typeof EXPERIMENTS_RESOURCE;
  /** The object's name: KFP names the experiment (its display name) and no run. @default '' */
  readonly name?: string;
}

/** The identity settings of a KFP API server (its `KUBEFLOW_USERID_*` and `TOKEN_REVIEW_AUDIENCE` env). */
export interface AuthSettings {
  /** Metadata key that carries the user identity. */
  readonly userIdHeader: string;
  /** Prefix the identity value must start with; stripped. */
  readonly userIdPrefix: string;
  /** Audience every TokenReview asks for. */
  readonly tokenReviewAudience: string;
}

/**
 * The values a call carries under a metadata key (lower-case), one entry per occurrence; empty when
 * the key is absent.
 */
export type MetadataValues = (key: string) => readonly string[];

const IDENTITY_HEADER_MISSING = 'Request header error: there is no user identity header.';

type Authenticator = (
  values: MetadataValues,
  settings: AuthSettings,
  reviewer: AccessReviewer,
) => Promise<string>;

/** KFP's HTTPHeaderAuthenticator: the identity key, exactly once, with the prefix stripped. */
const headerAuthenticator: Authenticator = async (values, settings) =>
  singlePrefixedValue(values, settings.userIdHeader, settings.userIdPrefix);

/** KFP's TokenReviewAuthenticator: `authorization: Bearer <token>`, exactly once, reviewed. */
const tokenReviewAuthenticator: Authenticator = async (values, settings, reviewer) => {
  const token = singlePrefixedValue(values, AUTHORIZATION_HEADER, BEARER_PREFIX);
  return reviewToken(token, [settings.tokenReviewAudience], reviewer);
};

/**
 * The identity of a call, found as the KFP API server finds it: the identity key first, then the
 * bearer token; the first authenticator that succeeds wins.
 *
 * @throws KfpStatusError UNAUTHENTICATED with KFP's text, quoting every authenticator's failure.
 */
export async function authenticate(
  values: MetadataValues,
  settings: AuthSettings,
  reviewer: AccessReviewer,
): Promise<string> {
  const failures: string[] = [];
  for (const authenticator of [headerAuthenticator, tokenReviewAuthenticator]) {
    try {
      const identity = await authenticator(values, settings, reviewer);
      // KFP stops at the first success even when it yields an empty identity (value == prefix).
      if (identity !== '') return identity;
      break;
    } catch (error) {
      if (!(error instanceof KfpStatusError)) throw error;
      failures.push(error.message);
    }
  }
  throw unauthenticated(
    'Failed to check authorization. User identity is empty in the request header',
    aggregateMessage(failures),
  );
}

/**
 * Asks the reviewer whether `user` may do `access`, with the SubjectAccessReview KFP sends.
 *
 * @throws KfpStatusError PERMISSION_DENIED when denied, INTERNAL when the review itself fails.
 */
export async function authorize(user: string, access: KfpAccess, reviewer: AccessReviewer): Promise<void> {
  const { namespace, verb, on, name = '' } = access;
  const attributes = { namespace, verb, ...on, ...(name === '' ? {} : { name }) };
  const request = `(request: ${formatResourceAttributes({ ...attributes, name })})`;
  const decision = await reviewer.subjectAccessReview({ user, ...attributes }).catch((error: unknown) => {
    throw internalServerError(
      `Failed to create SubjectAccessReview for user '${user}' ${request}`,
      errorText(error),
    );
  });
  if (!decision.allowed) {
    throw permissionDenied(
      `User '${user}' is not authorized with reason: ${decision.reason ?? ''} ${request}`,
      'Unauthorized access',
    );
  }
}

function singlePrefixedValue(values: MetadataValues, header: string, prefix: string): string {
  const found = values(header.toLowerCase());
  if (found.length === 0) throw unauthenticated(IDENTITY_HEADER_MISSING, IDENTITY_HEADER_MISSING);
  if (found.length !== 1) {
    throw badRequest(
      `Request header error: unexpected number of '${header}' headers. Expect 1 got ${found.length}`,
    );
  }
  const value = found[0] as string;
  if (!value.startsWith(prefix)) {
    throw badRequest(`Header '${header}' is incorrectly formatted. Expected prefix '${prefix}'`);
  }
  return value.slice(prefix.length);
}

async function reviewToken(
  token: string,
  audiences: readonly string[],
  reviewer: AccessReviewer,
): Promise<string> {
  const failure = (external: string, cause: string) =>
    unauthenticated(external, cause).wrap('Authentication failure');
  const review = await reviewer.tokenReview(token, audiences).catch((error: unknown) => {
    throw failure('Request header error: Failed to review the token provided', errorText(error));
  });
  if (!review.authenticated) {
    throw failure(
      `Review.Status.Authenticated is false. Error ${review.error ?? ''}`,
      'Failed to authenticate token review',
    );
  }
  const granted = new Set(review.audiences ?? []);
  if (!audiences.every((audience) => granted.has(audience))) {
    throw failure(
      `Failed to find all of '${goList(audiences)}' in audience: ${goList(review.audiences ?? [])}`,
      'Failed to authenticate token review',
    );
  }
  return review.user ?? '';
}

/** What Go's `err.Error()` would print for a rejected review call. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Go's `%v` of a `[]string`. */
function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** Go's `%+v` of a `*authorizationv1.ResourceAttributes` (its generated String()), as k8s.io/api v0.36 prints it. */
function formatResourceAttributes(a: {
  namespace: string;
  verb: string;
  group: string;
  version: string;
  resource: string;
  name: string;
}): string {
  return (
    `&ResourceAttributes{Namespace:${a.namespace},Verb:${a.verb},Group:${a.group},Version:${a.version},` +
    `Resource:${a.resource},Subresource:,Name:${a.name},FieldSelector:nil,LabelSelector:nil,}`
  );
}
