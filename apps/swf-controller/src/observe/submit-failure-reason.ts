import { status } from '@grpc/grpc-js';
import { errorText } from '../error-text.js';
import { statusCode } from '../kube/kube-api.js';

/** How a run is submitted: an Argo Workflow from the embedded spec, or `CreateRun` on the KFP API server. */
export type SubmitPath = 'workflow' | 'create_run';

/**
 * The reason label of a failed submit: a gRPC status name in lower case (`unauthenticated`,
 * `permission_denied`, `unavailable`, ...), for both paths, so one alert and one runbook entry serve
 * each cause. A Kubernetes answer is mapped the way gRPC gateways map HTTP statuses; a connection
 * that failed is `unavailable`; anything else is `unknown`. The KFP API server answers INTERNAL
 * when what a recurring run names is gone (see {@link GONE_BEHIND_INTERNAL}): that is `not_found`.
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

/**
 * What the KFP API server (kubeflow/pipelines 7b70c7b) says inside an INTERNAL answer when something
 * the recurring run names does not exist: its pipeline (`... pipeline was not found:
 * ResourceNotFoundError: Pipeline <id> not found`, and so for a version), or the recurring run itself
 * (a ScheduledWorkflow not made through KFP, or whose recurring run KFP deleted: `RecurringRunId
 * doesn't exist: <uid>`). An operator must then fix or delete the resource, as for NOT_FOUND, not
 * look into the server.
 */
const GONE_BEHIND_INTERNAL = /ResourceNotFoundError: |RecurringRunId doesn't exist: /;

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
    if (code === status.INTERNAL && GONE_BEHIND_INTERNAL.test(errorText(error))) return 'not_found';
    if (typeof name === 'string') return name.toLowerCase() as SubmitFailureReason;
  } else {
    const http = statusCode(error);
    if (http !== undefined && HTTP_STATUS_REASONS[http]) return HTTP_STATUS_REASONS[http];
    if (http !== undefined && http >= 500) return 'unavailable';
  }
  return networkReason(error) ?? (isAbort(error) ? 'cancelled' : 'unknown');
}

/** An error that names the call that failed (say, a read made before the submit) apart from what went wrong. */
export interface NamedCallFailure {
  /** The call, e.g. `ExperimentService.GetExperiment`. */
  readonly call: string;
  /** What went wrong, without the call's name. */
  readonly detail: string;
}

/**
 * The call a failed submit names in its `SubmitFailed` condition (`<field>: <rule>`), and what went
 * wrong: the call `error` names when it is a {@link NamedCallFailure}, else `target`, the submit's
 * own call, with the error's text.
 */
export function failedCall(target: string, error: unknown): { field: string; rule: string } {
  const { call, detail } = (error ?? {}) as Partial<NamedCallFailure>;
  if (typeof call === 'string' && typeof detail === 'string') return { field: call, rule: detail };
  return { field: target, rule: errorText(error) };
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
