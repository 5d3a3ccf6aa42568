/**
 * Label and annotation keys shared with KFP's API server, persistence agent and UI, spelled as
 * upstream (`backend/src/common/util/consts.go`, the controller's `util/const.go`, Argo's
 * `workflow/common`). Other components select on them, so they are part of the contract.
 */

const SWF_LABEL_PREFIX = 'scheduledworkflows.kubeflow.org';

/** On a Workflow: name of the ScheduledWorkflow that created it. */
export const LABEL_SCHEDULED_WORKFLOW_NAME = `${SWF_LABEL_PREFIX}/scheduledWorkflowName`;
/** On a Workflow: the epoch (seconds) it was scheduled for. */
export const LABEL_WORKFLOW_EPOCH = `${SWF_LABEL_PREFIX}/workflowEpoch`;
/** On a Workflow: its 1-based index among the runs of its ScheduledWorkflow. */
export const LABEL_WORKFLOW_INDEX = `${SWF_LABEL_PREFIX}/workflowIndex`;
/** On a Workflow: `"true"` when a ScheduledWorkflow owns it. */
export const LABEL_IS_OWNED_BY_SCHEDULED_WORKFLOW = `${SWF_LABEL_PREFIX}/isOwnedByScheduledWorkflow`;
/**
 * On a Workflow the controller makes for a `run-now` request: the value it honours. Its
 * `workflowEpoch` is the time it started, not a tick, so this is how the retry after a crash
 * recognises the run as that request's (and a tick's decision as not its own).
 */
export const ANNOTATION_WORKFLOW_RUN_NOW = `${SWF_LABEL_PREFIX}/run-now`;
/** On a Workflow and its pods: the KFP run ID. */
export const LABEL_RUN_ID = 'pipeline/runid';
/** On a ScheduledWorkflow: `"true"` or `"false"`, from `spec.enabled`. */
export const LABEL_SCHEDULED_WORKFLOW_ENABLED = `${SWF_LABEL_PREFIX}/enabled`;
/** On a ScheduledWorkflow: the type of its condition (`Enabled`, `Disabled`, `Running`, ...). */
export const LABEL_SCHEDULED_WORKFLOW_STATUS = `${SWF_LABEL_PREFIX}/status`;
/** Set by Argo on a Workflow to `"true"` once it has finished. */
export const LABEL_ARGO_COMPLETED = 'workflows.argoproj.io/completed';
/** Pod-metadata label or annotation marking a KFP v2 component. */
export const V2_COMPONENT_KEY = 'pipelines.kubeflow.org/v2_component';
/** Workflow label or annotation marking a KFP v2 pipeline. */
export const V2_PIPELINE_KEY = 'pipelines.kubeflow.org/v2_pipeline';

/**
 * Label selector of the Workflows a ScheduledWorkflow made (upstream's
 * `GetWorkflowsOwnedByScheduledWorkflowSelector` minus the name): the Workflow informer watches only these.
 */
export const OWNED_WORKFLOW_SELECTOR = `${LABEL_IS_OWNED_BY_SCHEDULED_WORKFLOW}=true`;

/**
 * On a Workflow the KFP API server creates in `CreateRun`: the run's display name (for a recurring
 * run, the controller's `nextResourceName`), by which a made run is recognised before calling again.
 */
export const ANNOTATION_RUN_NAME = 'pipelines.kubeflow.org/run_name';
