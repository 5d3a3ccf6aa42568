import { status } from '@grpc/grpc-js';
import type { AccessReviewer } from './access-reviewer.js';
import {
  type AuthSettings,
  authenticate,
  authorize,
  EXPERIMENTS_RESOURCE,
  type MetadataValues,
  RUNS_RESOURCE,
} from './auth.js';
import { KfpStatusError } from './kfp-status.js';
import { StaticAccessReviewer } from './static-access-reviewer.js';

const SETTINGS: AuthSettings = {
  userIdHeader: 'kubeflow-userid',
  userIdPrefix: 'accounts.google.com:',
  tokenReviewAudience: 'pipelines.kubeflow.org',
};
const SA_USER = 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow';

const metadata =
  (entries: Record<string, string[]>): MetadataValues =>
  (key) =>
    entries[key] ?? [];

// Texts KFP builds from pkg/errors wraps (`outer: inner`) and apimachinery's aggregate (`[a, b]`).
const NO_IDENTITY = 'Request header error: there is no user identity header.';
const MISSING = `Unauthenticated: ${NO_IDENTITY}: ${NO_IDENTITY}`;
const EMPTY_IDENTITY =
  'Unauthenticated: Failed to check authorization. User identity is empty in the request header';
const badRequest = (text: string) => `BadRequestError: ${text}: ${text}`;
const tokenFailure = (text: string, cause: string) =>
  `Authentication failure: Unauthenticated: ${text}: ${cause}`;

async function failureOf(promise: Promise<unknown>): Promise<KfpStatusError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof KfpStatusError)) throw new Error(`expected a KfpStatusError, got ${String(error)}`);
  return error;
}

describe('authenticate', () => {
  const reviewer = new StaticAccessReviewer({ tokens: { 'good-token': SA_USER } });

  it.each([
    [
      'strips the identity prefix',
      { 'kubeflow-userid': ['accounts.google.com:alice@example.com'] },
      'alice@example.com',
    ],
    [
      'prefers the identity key over a bearer token',
      { 'kubeflow-userid': ['accounts.google.com:alice@example.com'], authorization: ['Bearer good-token'] },
      'alice@example.com',
    ],
    ['falls back to the TokenReview user', { authorization: ['Bearer good-token'] }, SA_USER],
    [
      'falls back to the token when the identity lacks the prefix',
      { 'kubeflow-userid': ['alice@example.com'], authorization: ['Bearer good-token'] },
      SA_USER,
    ],
  ])('%s', async (_name, entries, expected) => {
    await expect(authenticate(metadata(entries), SETTINGS, reviewer)).resolves.toBe(expected);
  });

  it('asks the TokenReview for the configured audience, with the Bearer prefix stripped', async () => {
    const own = new StaticAccessReviewer({ tokens: { t: SA_USER } });
    await authenticate(metadata({ authorization: ['Bearer t'] }), SETTINGS, own);
    expect(own.reviews).toEqual([{ kind: 'TokenReview', token: 't', audiences: ['pipelines.kubeflow.org'] }]);
  });

  it.each([
    ['no identity and no token', {}, MISSING],
    [
      'an identity without the prefix',
      { 'kubeflow-userid': ['alice@example.com'] },
      `[${badRequest("Header 'kubeflow-userid' is incorrectly formatted. Expected prefix 'accounts.google.com:'")}, ${MISSING}]`,
    ],
    [
      'the identity key twice',
      { 'kubeflow-userid': ['accounts.google.com:a', 'accounts.google.com:b'] },
      `[${badRequest("Request header error: unexpected number of 'kubeflow-userid' headers. Expect 1 got 2")}, ${MISSING}]`,
    ],
    [
      'a token without the Bearer prefix',
      { authorization: ['good-token'] },
      `[${MISSING}, ${badRequest("Header 'Authorization' is incorrectly formatted. Expected prefix 'Bearer '")}]`,
    ],
    [
      'a token the TokenReview rejects',
      { authorization: ['Bearer stolen'] },
      `[${MISSING}, ${tokenFailure('Review.Status.Authenticated is false. Error invalid bearer token', 'Failed to authenticate token review')}]`,
    ],
  ])('rejects %s with KFP UNAUTHENTICATED text', async (_name, entries, cause) => {
    const error = await failureOf(authenticate(metadata(entries), SETTINGS, reviewer));
    expect(error).toMatchObject({
      code: status.UNAUTHENTICATED,
      message: `${EMPTY_IDENTITY}: ${cause}`,
      external: 'Failed to check authorization. User identity is empty in the request header',
    });
  });

  it.each<[string, AccessReviewer['tokenReview'], string]>([
    [
      'misses the audience',
      async () => ({ authenticated: true, user: SA_USER, audiences: ['api', 'other'] }),
      tokenFailure(
        "Failed to find all of '[pipelines.kubeflow.org]' in audience: [api other]",
        'Failed to authenticate token review',
      ),
    ],
    [
      'cannot be made',
      async () => {
        throw new Error('connection refused');
      },
      tokenFailure('Request header error: Failed to review the token provided', 'connection refused'),
    ],
  ])('rejects a token whose review %s', async (_name, tokenReview, cause) => {
    const failing: AccessReviewer = { tokenReview, subjectAccessReview: async () => ({ allowed: true }) };
    const error = await failureOf(authenticate(metadata({ authorization: ['Bearer t'] }), SETTINGS, failing));
    expect(error.message).toBe(`${EMPTY_IDENTITY}: [${MISSING}, ${cause}]`);
  });

  it('rejects an identity that is only the prefix, with no cause to quote', async () => {
    const entries = { 'kubeflow-userid': ['accounts.google.com:'] };
    const error = await failureOf(authenticate(metadata(entries), SETTINGS, reviewer));
    expect(error).toMatchObject({ code: status.UNAUTHENTICATED, message: EMPTY_IDENTITY });
  });
});

describe('authorize', () => {
  const CREATE_RUN = { namespace: 'team-a', verb: 'create', on: RUNS_RESOURCE } as const;
  const ATTRIBUTES =
    '&ResourceAttributes{Namespace:team-a,Verb:create,Group:pipelines.kubeflow.org,Version:v1beta1,' +
    'Resource:runs,Subresource:,Name:,FieldSelector:nil,LabelSelector:nil,}';

  it('sends the SubjectAccessReview KFP sends for creating a run', async () => {
    const reviewer = new StaticAccessReviewer({
      grants: [{ user: 'alice', namespace: 'team-a', verb: 'create' }],
    });
    await authorize('alice', CREATE_RUN, reviewer);
    expect(reviewer.reviews).toEqual([
      {
        kind: 'SubjectAccessReview',
        request: {
          user: 'alice',
          namespace: 'team-a',
          verb: 'create',
          group: 'pipelines.kubeflow.org',
          version: 'v1beta1',
          resource: 'runs',
        },
      },
    ]);
  });

  it('names the experiment in the SubjectAccessReview KFP sends for reading one', async () => {
    const reviewer = new StaticAccessReviewer();
    const access = { namespace: 'team-b', verb: 'get', on: EXPERIMENTS_RESOURCE, name: 'nightly' } as const;
    const error = await failureOf(authorize('alice', access, reviewer));
    expect(reviewer.reviews).toEqual([
      {
        kind: 'SubjectAccessReview',
        request: {
          user: 'alice',
          namespace: 'team-b',
          verb: 'get',
          group: 'pipelines.kubeflow.org',
          version: 'v1beta1',
          resource: 'experiments',
          name: 'nightly',
        },
      },
    ]);
    expect(error.message).toBe(
      "PermissionDenied: User 'alice' is not authorized with reason:  (request: &ResourceAttributes{" +
        'Namespace:team-b,Verb:get,Group:pipelines.kubeflow.org,Version:v1beta1,Resource:experiments,' +
        'Subresource:,Name:nightly,FieldSelector:nil,LabelSelector:nil,}): Unauthorized access',
    );
  });

  it('denies with PERMISSION_DENIED quoting the reason and the request', async () => {
    const reviewer: AccessReviewer = {
      tokenReview: async () => ({ authenticated: false }),
      subjectAccessReview: async () => ({ allowed: false, reason: 'no binding' }),
    };
    const error = await failureOf(authorize('bob', CREATE_RUN, reviewer));
    expect(error).toMatchObject({
      code: status.PERMISSION_DENIED,
      message: `PermissionDenied: User 'bob' is not authorized with reason: no binding (request: ${ATTRIBUTES}): Unauthorized access`,
    });
  });

  it('answers INTERNAL when the review cannot be made', async () => {
    const reviewer: AccessReviewer = {
      tokenReview: async () => ({ authenticated: false }),
      subjectAccessReview: async () => {
        throw new Error('apiserver down');
      },
    };
    const error = await failureOf(authorize('bob', CREATE_RUN, reviewer));
    expect(error).toMatchObject({
      code: status.INTERNAL,
      message: `InternalServerError: Failed to create SubjectAccessReview for user 'bob' (request: ${ATTRIBUTES}): apiserver down`,
      external: 'Internal Server Error',
    });
  });
});
