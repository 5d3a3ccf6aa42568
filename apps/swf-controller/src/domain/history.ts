/**
 * The run history in a ScheduledWorkflow's status, from the Argo Workflows it owns, as upstream's
 * workflow client (`crd/controller/scheduledworkflow/client/workflow_client.go`) and the label
 * selectors it lists with (`util/label.go`).
 */

import { formatKubeTime } from '@swf/go-time';
import { type ArgoWorkflow, controllerUid } from './argo.js';
import {
  ANNOTATION_RUN_NAME,
  LABEL_ARGO_COMPLETED,
  LABEL_SCHEDULED_WORKFLOW_NAME,
  LABEL_WORKFLOW_EPOCH,
  LABEL_WORKFLOW_INDEX,
} from './labels.js';
import { minIndex, nextIndex, nextResourceName } from './names.js';
import type { ScheduledWorkflow, WorkflowStatus } from './types.js';

/** Active and completed runs of one ScheduledWorkflow, unsorted. */
export interface WorkflowRuns {
  active: WorkflowStatus[];
  completed: WorkflowStatus[];
}

/** Go's `strconv.ParseInt(value, 10, 64)`, limited to safe integers; undefined when it fails. */
export function parseLabelInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?[0-9]+$/.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** Drops what Go's `omitempty` drops from a WorkflowStatus: empty strings and a zero index. */
function withoutEmpty(status: WorkflowStatus): WorkflowStatus {
  return Object.fromEntries(
    Object.entries(status).filter(([, value]) => value !== '' && value !== 0 && value !== undefined),
  ) as WorkflowStatus;
}

/**
 * One history entry. `scheduledAt` comes from the epoch label, falling back to the creation time
 * when the label is missing or unparsable; `index` from the index label, 0 otherwise. Times a
 * Workflow lacks are null, as Kubernetes serialises a zero `metav1.Time`.
 */
export function workflowStatusFromWorkflow(workflow: ArgoWorkflow): WorkflowStatus {
  const { metadata, status } = workflow;
  const labels = metadata.labels ?? {};
  const createdAt = metadata.creationTimestamp ?? null;
  const epoch = parseLabelInteger(labels[LABEL_WORKFLOW_EPOCH]);
  return withoutEmpty({
    name: metadata.name,
    namespace: metadata.namespace,
    selfLink: metadata.selfLink,
    uid: metadata.uid,
    phase: status?.phase,
    message: status?.message,
    createdAt,
    startedAt: status?.startedAt ?? null,
    finishedAt: status?.finishedAt ?? null,
    scheduledAt: epoch === undefined ? createdAt : formatKubeTime(epoch),
    index: parseLabelInteger(labels[LABEL_WORKFLOW_INDEX]) ?? 0,
  });
}

/** Argo has finished the Workflow: only its completed label says so (the phase alone does not). */
export function isCompleted(workflow: ArgoWorkflow): boolean {
  return workflow.metadata.labels?.[LABEL_ARGO_COMPLETED] === 'true';
}

/** A Kubernetes `key>bound` requirement: the label must exist, parse as an integer and exceed the bound. */
function indexAbove(workflow: ArgoWorkflow, bound: number): boolean {
  const index = parseLabelInteger(workflow.metadata.labels?.[LABEL_WORKFLOW_INDEX]);
  return index !== undefined && index > bound;
}

/**
 * Whether `workflow` is a run of `swf`: in its namespace, named after it by the
 * scheduledWorkflowName label, and, when the Workflow names a controller owner, owned by this
 * object (its uid) and not by an earlier ScheduledWorkflow of the same name whose Workflows the
 * garbage collector has not removed yet.
 */
export function isRunOf(swf: ScheduledWorkflow, workflow: ArgoWorkflow): boolean {
  const { namespace, labels = {} } = workflow.metadata;
  if (namespace !== swf.metadata.namespace || labels[LABEL_SCHEDULED_WORKFLOW_NAME] !== swf.metadata.name)
    return false;
  const owner = controllerUid(workflow);
  return owner === '' || !swf.metadata.uid || owner === swf.metadata.uid;
}

/**
 * The history entries of `swf` among `workflows` (for example, an informer's whole cache), selected
 * as upstream's label selectors do: named after `swf` by the scheduledWorkflowName label; active
 * unless Argo's completed label is `"true"`; active ones with an index above 0 and completed ones
 * with an index above `minIndex(swf)`. Upstream lists across all namespaces and whatever their
 * owner; only runs of this object ({@link isRunOf}) are taken here, so same-named
 * ScheduledWorkflows in two namespaces do not share a history, and one created again under a
 * deleted one's name neither shows its runs nor is held back by them (`maxConcurrency`).
 */
export function workflowRuns(swf: ScheduledWorkflow, workflows: Iterable<ArgoWorkflow>): WorkflowRuns {
  const runs: WorkflowRuns = { active: [], completed: [] };
  const completedAbove = minIndex(swf);
  for (const workflow of workflows) {
    if (!isRunOf(swf, workflow)) continue;
    const completed = isCompleted(workflow);
    if (!indexAbove(workflow, completed ? completedAbove : 0)) continue;
    (completed ? runs.completed : runs.active).push(workflowStatusFromWorkflow(workflow));
  }
  return runs;
}

/**
 * The run index `workflow` carries as a run of `swf`: the next index when it is annotated with the
 * next run's display name (what the KFP API server's `CreateRun` writes), else its index label.
 */
export function runIndexOf(swf: ScheduledWorkflow, workflow: ArgoWorkflow): number | undefined {
  const { labels = {}, annotations = {} } = workflow.metadata;
  if (annotations[ANNOTATION_RUN_NAME] === nextResourceName(swf)) return nextIndex(swf);
  return parseLabelInteger(labels[LABEL_WORKFLOW_INDEX]);
}

/**
 * The Workflow of the next run of `swf`, if it was made already: a run of `swf` ({@link isRunOf})
 * that carries the next index ({@link runIndexOf}). Finding it means the run exists and must be
 * recorded, not started again.
 */
export function nextRunWorkflow(
  swf: ScheduledWorkflow,
  workflows: Iterable<ArgoWorkflow>,
): ArgoWorkflow | undefined {
  const index = nextIndex(swf);
  for (const workflow of workflows) {
    if (isRunOf(swf, workflow) && runIndexOf(swf, workflow) === index) return workflow;
  }
  return undefined;
}
