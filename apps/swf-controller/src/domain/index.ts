export { formatGoTime, formatKubeTime, RFC3339_LAYOUT, StrftimePatternError, strftime } from '@swf/go-time';
export {
  ANNOTATION_RUN_NOW,
  ANNOTATION_RUN_NOW_HONOURED,
  ANNOTATION_STARTING_DEADLINE_SECONDS,
  ANNOTATION_TIME_ZONE,
  annotationField,
  MAX_RUN_NOW_LENGTH,
  parseStartingDeadlineSeconds,
  parseTimeZone,
  pendingRunNow,
  readAnnotations,
  type ScheduleAnnotations,
  withRunNowHonoured,
} from './annotations.js';
export {
  ARGO_API_VERSION,
  ARGO_GROUP,
  ARGO_VERSION,
  ARGO_WORKFLOW_KIND,
  ARGO_WORKFLOW_PLURAL,
  type ArgoObjectMeta,
  type ArgoWorkflow,
  type ArgoWorkflowStatus,
  controllerUid,
} from './argo.js';
export { scheduledWorkflowAsCached, workflowAsCached } from './cached.js';
export {
  AnnotationError,
  RunRequestError,
  ScheduledWorkflowSpecError,
  WorkflowSpecError,
} from './errors.js';
export {
  isCompleted,
  nextRunWorkflow,
  type WorkflowRuns,
  workflowRuns,
  workflowStatusFromWorkflow,
} from './history.js';
export type { JsonObject } from './json.js';
export {
  ANNOTATION_RUN_NAME,
  ANNOTATION_WORKFLOW_RUN_NOW,
  LABEL_ARGO_COMPLETED,
  LABEL_IS_OWNED_BY_SCHEDULED_WORKFLOW,
  LABEL_RUN_ID,
  LABEL_SCHEDULED_WORKFLOW_ENABLED,
  LABEL_SCHEDULED_WORKFLOW_NAME,
  LABEL_SCHEDULED_WORKFLOW_STATUS,
  LABEL_WORKFLOW_EPOCH,
  LABEL_WORKFLOW_INDEX,
  OWNED_WORKFLOW_SELECTOR,
  V2_COMPONENT_KEY,
  V2_PIPELINE_KEY,
} from './labels.js';
export {
  fnv32a,
  lastIndex,
  minIndex,
  nextIndex,
  nextResourceName,
} from './names.js';
export { DEFAULT_MACRO_TIME_LAYOUT, formatMacros, formatParameters, type MacroValues } from './parameters.js';
export { planReconcile, type ReconcilePlan, type Requeue, type SkipReport } from './reconcile-plan.js';
export { KFP_RUN_ID_NAMESPACE, recurringRunRunId } from './run-id.js';
export {
  buildRunRequest,
  type RunInput,
  type RunRequest,
  type RunRuntimeConfig,
  type RunTimes,
} from './run-request.js';
export * from './schedule/index.js';
export {
  CONDITION_MESSAGES,
  type ComputedStatus,
  computeStatus,
  INVALID_SPEC_REASON,
  needsStatusWrite,
  type SpecProblem,
  type StatusInputs,
} from './status.js';
export * from './types.js';
export {
  behindMessage,
  CLOCK_SKEW_SECONDS,
  createdForTick,
  type NextRunInputs,
  type NextRunPlan,
  planNextRun,
  planRun,
  type RunIntent,
  type RunPlan,
  type RunsBeyond,
  type UnrecordedRun,
  unrecordedRuns,
} from './unrecorded-runs.js';
export { embedsV2Pipeline, isV1PipelinesBlocked, shouldBlockV1, type V1BlockSettings } from './v1-block.js';
export {
  buildWorkflow,
  controllerReference,
  WORKFLOW_SPEC_FIELD,
  WORKFLOW_UID_PLACEHOLDER,
  type WorkflowRunValues,
  workflowFromStoredSpec,
} from './workflow.js';
