/**
 * A ScheduledWorkflow's spec breaks a rule, so no run can be started from it until the resource is
 * edited. Retrying does not help: the controller reports it in the status (condition `Error`) and
 * waits for a change.
 */
export class ScheduledWorkflowSpecError extends Error {
  override readonly name: string = 'ScheduledWorkflowSpecError';

  constructor(
    /** Path of the offending field, e.g. `spec.workflow.parameters[0].value`. */
    readonly field: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
    /** Reason of the `Error` condition and the Warning event, for a rule that has its own. @default `InvalidSpec` */
    readonly reason?: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

/** The embedded workflow (`spec.workflow.spec`) cannot be turned into an Argo Workflow. */
export class WorkflowSpecError extends ScheduledWorkflowSpecError {
  override readonly name = 'WorkflowSpecError';
}

/** The spec cannot be turned into a KFP `CreateRun` request (parameters, plugins input). */
export class RunRequestError extends ScheduledWorkflowSpecError {
  override readonly name = 'RunRequestError';
}

/**
 * A `scheduledworkflows.kubeflow.org/` annotation of the ScheduledWorkflow has a value that breaks
 * its rule; `field` names the annotation as `metadata.annotations["<key>"]`.
 */
export class AnnotationError extends ScheduledWorkflowSpecError {
  override readonly name = 'AnnotationError';
}
