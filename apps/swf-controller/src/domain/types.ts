/**
 * The `ScheduledWorkflow` resource (`kubeflow.org/v1beta1`) as it is stored: field names and JSON
 * shapes as in KFP's Go types (`backend/src/crd/pkg/apis/scheduledworkflow/v1beta1/types.go`).
 * Times are RFC 3339 strings, as Kubernetes serialises `metav1.Time`.
 */

export { SWF_API_VERSION, SWF_GROUP, SWF_KIND, SWF_PLURAL, SWF_VERSION } from '@swf/contract';

/** The subset of Kubernetes `ObjectMeta` the controller reads and writes. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
}

/** A Kubernetes owner reference. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** A workflow parameter; `value` may hold `[[...]]` macros that are filled in at each run. */
export interface Parameter {
  name?: string;
  value?: string;
}

/** What to run: an embedded Argo spec (or whole Workflow), or, when `spec` is absent, parameters for CreateRun. */
export interface WorkflowResource {
  parameters?: Parameter[];
  pipelineRoot?: string;
  /** A bare Argo WorkflowSpec, a whole Workflow object, or a JSON/YAML string of either. */
  spec?: unknown;
}

/** Cron trigger in robfig/cron v1 syntax. */
export interface CronSchedule {
  startTime?: string;
  endTime?: string;
  cron?: string;
}

/** Fixed-interval trigger. */
export interface PeriodicSchedule {
  startTime?: string;
  endTime?: string;
  intervalSecond?: number;
}

/** At most one of the two is set; neither means a one-off run. */
export interface Trigger {
  cronSchedule?: CronSchedule;
  periodicSchedule?: PeriodicSchedule;
}

/** `spec` of a ScheduledWorkflow. `Trigger` is inlined in Go, so it appears as `trigger` in JSON. */
export interface ScheduledWorkflowSpec {
  enabled?: boolean;
  maxConcurrency?: number;
  noCatchup?: boolean;
  maxHistory?: number;
  trigger?: Trigger;
  workflow?: WorkflowResource;
  experimentId?: string;
  pipelineId?: string;
  pipelineVersionId?: string;
  pipelineName?: string;
  serviceAccount?: string;
  pluginsInput?: Record<string, unknown>;
}

/** Condition types, as upstream. */
export type ConditionType = 'Enabled' | 'Disabled' | 'Running' | 'Succeeded' | 'Error';

/** One status condition. */
export interface ScheduledWorkflowCondition {
  type?: ConditionType;
  status?: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** `status.trigger`. */
export interface TriggerStatus {
  lastTriggeredTime?: string;
  nextTriggeredTime?: string;
  lastWorkflowIndex?: number;
}

/** One workflow in the history. */
export interface WorkflowStatus {
  name?: string;
  namespace?: string;
  selfLink?: string;
  uid?: string;
  phase?: string;
  message?: string;
  createdAt?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  scheduledAt?: string | null;
  index?: number;
}

/** `status.workflowHistory`. */
export interface WorkflowHistory {
  active?: WorkflowStatus[];
  completed?: WorkflowStatus[];
}

/** `status` of a ScheduledWorkflow. */
export interface ScheduledWorkflowStatus {
  conditions?: ScheduledWorkflowCondition[];
  trigger?: TriggerStatus;
  workflowHistory?: WorkflowHistory;
}

/** A ScheduledWorkflow resource. */
export interface ScheduledWorkflow {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: ScheduledWorkflowSpec;
  status?: ScheduledWorkflowStatus;
}
