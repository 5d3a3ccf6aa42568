/**
 * Coordinates of the `ScheduledWorkflow` custom resource, as KFP defines it
 * (`backend/src/crd/pkg/apis/scheduledworkflow/v1beta1`): the controller watches and writes it, the
 * install's CRD and RBAC name it.
 */

/** API group of the resource. */
export const SWF_GROUP = 'kubeflow.org';
/** Served and stored version. */
export const SWF_VERSION = 'v1beta1';
/** `apiVersion` of the resource. */
export const SWF_API_VERSION = `${SWF_GROUP}/${SWF_VERSION}`;
/** Kind. */
export const SWF_KIND = 'ScheduledWorkflow';
/** Plural used in resource paths and RBAC rules. */
export const SWF_PLURAL = 'scheduledworkflows';
