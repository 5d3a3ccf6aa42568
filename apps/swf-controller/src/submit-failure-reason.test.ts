import { status } from '@grpc/grpc-js';
import { ApiException } from '@kubernetes/client-node';
import { KubeRequestTimeoutError } from './kube/deadline-http.js';
import { submitFailureReason } from './submit-failure-reason.js';

const grpcError = (code: number) => Object.assign(new Error(`${code} ${status[code]}: refused`), { code });
const withCode = (code: string, message = 'request failed') => Object.assign(new Error(message), { code });

describe('submitFailureReason', () => {
  it.each([
    ['create_run', grpcError(status.UNAUTHENTICATED), 'unauthenticated'],
    ['create_run', grpcError(status.PERMISSION_DENIED), 'permission_denied'],
    ['create_run', grpcError(status.UNAVAILABLE), 'unavailable'],
    ['create_run', grpcError(status.DEADLINE_EXCEEDED), 'deadline_exceeded'],
    ['create_run', grpcError(status.NOT_FOUND), 'not_found'],
    ['create_run', new Error('no code at all'), 'unknown'],
    ['workflow', new ApiException(401, 'Unauthorized', {}, {}), 'unauthenticated'],
    ['workflow', new ApiException(403, 'Forbidden', {}, {}), 'permission_denied'],
    ['workflow', new ApiException(404, 'Not Found', {}, {}), 'not_found'],
    ['workflow', new ApiException(422, 'Invalid', {}, {}), 'invalid_argument'],
    ['workflow', new ApiException(429, 'Too Many Requests', {}, {}), 'resource_exhausted'],
    ['workflow', new ApiException(503, 'Unavailable', {}, {}), 'unavailable'],
    ['workflow', new ApiException(507, 'Insufficient Storage', {}, {}), 'unavailable'],
    ['workflow', withCode('ECONNREFUSED'), 'unavailable'],
    ['workflow', new Error('fetch failed', { cause: withCode('ECONNRESET') }), 'unavailable'],
    ['workflow', withCode('ETIMEDOUT'), 'deadline_exceeded'],
    [
      'workflow',
      new KubeRequestTimeoutError('POST', 'https://k/apis/argoproj.io/v1alpha1/workflows', 30_000),
      'deadline_exceeded',
    ],
    ['workflow', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'cancelled'],
    ['workflow', new Error('something else'), 'unknown'],
  ] as const)('on the %s path, %p is %s', (path, error, reason) => {
    expect(submitFailureReason(path, error)).toBe(reason);
  });

  it('does not read an HTTP status as a gRPC code on the create_run path', () => {
    expect(submitFailureReason('create_run', new ApiException(403, 'Forbidden', {}, {}))).toBe('unknown');
  });
});
