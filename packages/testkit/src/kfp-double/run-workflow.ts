/**
 * The Argo Workflow KFP's `RunService.CreateRun` creates, as its v2 template and resource manager
 * build it (`template/v2_template.go` RunWorkflow, `resource/resource_manager.go` CreateRun,
 * `common/util/workflow.go` SetOwnerReferences and SetCannonicalLabels). The compiled pipeline is
 * left out of the spec, as in the recording; everything the controller and KFP's other components
 * select or read on is there.
 */

/** Label and annotation keys KFP puts on a run's Workflow (`backend/src/common/util/consts.go`). */
export const RUN_WORKFLOW_KEYS = Object.freeze({
  runId: 'pipeline/runid',
  runName: 'pipelines.kubeflow.org/run_name',
  scheduledWorkflowName: 'scheduledworkflows.kubeflow.org/scheduledWorkflowName',
  workflowEpoch: 'scheduledworkflows.kubeflow.org/workflowEpoch',
  workflowIndex: 'scheduledworkflows.kubeflow.org/workflowIndex',
  isOwnedByScheduledWorkflow: 'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow',
  v2Component: 'pipelines.kubeflow.org/v2_component',
});

/** The parts of a ScheduledWorkflow that KFP reads when it creates a run for it. */
export interface ScheduledWorkflowObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly uid?: string };
  readonly status?: { readonly trigger?: { readonly lastWorkflowIndex?: number } };
}

/** A Kubernetes object owner reference. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller: boolean;
  readonly blockOwnerDeletion: boolean;
}

/** An Argo Workflow as the double creates it. */
export interface RunWorkflowObject {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Workflow';
  readonly metadata: {
    readonly generateName: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly OwnerReference[];
  };
  readonly spec: Record<string, unknown>;
}

/** What the Workflow of one run is built from. */
export interface RunWorkflowInputs {
  /** The run's ID, which KFP assigns before it builds the Workflow. */
  readonly runId: string;
  /** The run's display name. */
  readonly displayName: string;
  /** The run's namespace (its experiment's). */
  readonly namespace: string;
  /** The pipeline's name (its compiled spec's `pipelineInfo.name`). */
  readonly pipelineName: string;
  /** Service account the run's pods run as. */
  readonly serviceAccount: string;
  /** The second KFP created the run (`CreatedAtInSec`): the `workflowEpoch` label, not the scheduled second. */
  readonly createdAtSec: number;
  /** The ScheduledWorkflow of the recurring run the run belongs to; `null` for a run of its own. */
  readonly owner: ScheduledWorkflowObject | null;
}

/**
 * The Workflow for a run: named by `generateName` from the pipeline name, labelled with the run ID
 * and annotated with the run name; for a recurring run also owned by its ScheduledWorkflow and given
 * the labels the controller tracks runs by, the index being `status.trigger.lastWorkflowIndex` + 1.
 */
export function runWorkflow(inputs: RunWorkflowInputs): RunWorkflowObject {
  const { runId, owner } = inputs;
  const k = RUN_WORKFLOW_KEYS;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${lastPathSegment(inputs.pipelineName)}-`,
      namespace: inputs.namespace,
      labels: {
        [k.runId]: runId,
        ...(owner && {
          [k.scheduledWorkflowName]: owner.metadata.name ?? '',
          [k.workflowEpoch]: String(inputs.createdAtSec),
          [k.workflowIndex]: String(nextWorkflowIndex(owner)),
          [k.isOwnedByScheduledWorkflow]: 'true',
        }),
      },
      annotations: { [k.runName]: inputs.displayName },
      ...(owner && { ownerReferences: [controllerReference(owner)] }),
    },
    spec: {
      entrypoint: 'entrypoint',
      serviceAccountName: inputs.serviceAccount,
      podMetadata: {
        annotations: { [k.v2Component]: 'true' },
        labels: { [k.runId]: runId, [k.v2Component]: 'true' },
      },
      arguments: { parameters: [] },
      templates: [],
    },
  };
}

/** The index KFP gives the next run of `swf`: its `lastWorkflowIndex` + 1, or 1 before the first. */
export function nextWorkflowIndex(swf: ScheduledWorkflowObject): number {
  return (swf.status?.trigger?.lastWorkflowIndex ?? 0) + 1;
}

/** `metav1.NewControllerRef(swf, kubeflow.org/v1beta1 ScheduledWorkflow)`. */
function controllerReference(swf: ScheduledWorkflowObject): OwnerReference {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    name: swf.metadata.name ?? '',
    uid: swf.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** KFP's compiler keeps what follows the last `/` of a pipeline name (`namespace/x/pipeline/y` gives `y`). */
function lastPathSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
