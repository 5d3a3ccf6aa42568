import { status } from '@grpc/grpc-js';
import { ApiException } from '@kubernetes/client-node';
import { ExperimentReadError } from '../kfp/experiment-namespaces.js';
import { KubeRequestTimeoutError } from '../kube/deadline-http.js';
import { failedCall, submitFailureReason } from './submit-failure-reason.js';

const grpcError = (code: number, details = 'refused') =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });

// The real KFP API server's INTERNAL answers (kubeflow/pipelines 7b70c7b, recorded 2026-12-07).
const DELETED_PIPELINE =
  'Failed to create a new run: InternalServerError: Failed to create a run due to error fetching manifest: ' +
  'Failed to fetch a template due to error retrieving pipeline version: Failed to fetch a pipeline version ' +
  'and its manifest from pipeline 99999999-9999-9999-9999-999999999999: Failed to get the latest pipeline ' +
  'version as pipeline was not found: ResourceNotFoundError: Pipeline 99999999-9999-9999-9999-999999999999 not found';
const NO_JOB_ROW =
  'Failed to create a new run: InternalServerError: Failed to create a run due to invalid recurring run id: ' +
  "Invalid input error: RecurringRunId doesn't exist: 71ec97c4-13ba-4618-8f3d-056f560f0ee3";
const EMPTY_NAME =
  'CreateJob(job.ToV2())Failed to create a run due to conversion error: InternalServerError: Failed to convert ' +
  'a API run detail to its internal representation: Invalid input error: Run name cannot be empty';
const withCode = (code: string, message = 'request failed') => Object.assign(new Error(message), { code });

describe('submitFailureReason', () => {
  it.each([
    ['create_run', grpcError(status.UNAUTHENTICATED), 'unauthenticated'],
    ['create_run', grpcError(status.PERMISSION_DENIED), 'permission_denied'],
    ['create_run', grpcError(status.UNAVAILABLE), 'unavailable'],
    ['create_run', grpcError(status.DEADLINE_EXCEEDED), 'deadline_exceeded'],
    ['create_run', grpcError(status.NOT_FOUND), 'not_found'],
    ['create_run', grpcError(status.INTERNAL, DELETED_PIPELINE), 'not_found'],
    ['create_run', grpcError(status.INTERNAL, NO_JOB_ROW), 'not_found'],
    ['create_run', grpcError(status.INTERNAL, EMPTY_NAME), 'internal'],
    ['create_run', grpcError(status.INTERNAL, 'database is locked'), 'internal'],
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

describe('failedCall', () => {
  it('names the experiment read, not CreateRun, when the read before it failed', () => {
    const error = new ExperimentReadError('exp-a', grpcError(status.UNAUTHENTICATED, 'no identity header'));

    expect(failedCall('RunService.CreateRun', error)).toEqual({
      field: 'ExperimentService.GetExperiment',
      rule: 'experiment exp-a: 16 UNAUTHENTICATED: no identity header',
    });
  });

  it("names the submit's own call for its own failure", () => {
    expect(failedCall('RunService.CreateRun', grpcError(status.UNAVAILABLE))).toEqual({
      field: 'RunService.CreateRun',
      rule: '14 UNAVAILABLE: refused',
    });
  });
});
