/**
 * Names, labels and paths the generated objects share with the upstream Kubeflow Pipelines manifests,
 * so the objects replace upstream's one for one.
 */

/** Name of the ServiceAccount, the Deployment and its container, and the value of the `app` label. */
export const CONTROLLER_NAME = 'ml-pipeline-scheduledworkflow';
/** Name of the Role and of the ClusterRole (upstream uses one name for both). */
export const CONTROLLER_ROLE_NAME = 'ml-pipeline-scheduledworkflow-role';
/** Name of the RoleBinding and of the ClusterRoleBinding. */
export const CONTROLLER_BINDING_NAME = 'ml-pipeline-scheduledworkflow-binding';

/** API group, kind and plural of the custom resource. */
export const SWF_GROUP = 'kubeflow.org';
/** The one version served and stored. */
export const SWF_VERSION = 'v1beta1';
/** Kind of the custom resource. */
export const SWF_KIND = 'ScheduledWorkflow';
/** Plural of the custom resource, used in resource paths and RBAC rules. */
export const SWF_PLURAL = 'scheduledworkflows';
/** `metadata.name` of the CustomResourceDefinition. */
export const SWF_CRD_NAME = `${SWF_PLURAL}.${SWF_GROUP}`;

/** Port of the controller's metrics and health endpoints (upstream's `--metricsPort` default). */
export const METRICS_PORT = 9090;
/** Name of the container port, used by Services and ServiceMonitors. */
export const METRICS_PORT_NAME = 'metrics';

/** Audience the KFP API server's TokenReview expects. */
export const TOKEN_AUDIENCE = 'pipelines.kubeflow.org';
/** Name of the projected token volume and of the token file inside it. */
export const TOKEN_VOLUME_NAME = 'scheduledworkflow-sa-token';
/** Where the token volume is mounted; the controller's `--apiTokenFile` default lives here. */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubeflow/tokens';
/** Lifetime requested for the projected token; kubelet rotates it at 80 % of this. */
export const TOKEN_EXPIRATION_SECONDS = 3600;
