/**
 * Names, labels and paths the generated objects share with the upstream Kubeflow Pipelines manifests,
 * so the objects replace upstream's one for one. What the controller must agree with comes from
 * `@swf/contract`, spelled once.
 */

import {
  API_TOKEN_AUDIENCE,
  API_TOKEN_DIR,
  API_TOKEN_FILE_NAME,
  SWF_GROUP,
  SWF_PLURAL,
  settingSpec,
} from '@swf/contract';

/** Name of the ServiceAccount, the Deployment and its container, and the value of the `app` label. */
export const CONTROLLER_NAME = 'ml-pipeline-scheduledworkflow';
/** Labels of the controller's pods (its Deployment's selector, as upstream's) and of the objects that find them. */
export const CONTROLLER_LABELS: Readonly<Record<string, string>> = Object.freeze({ app: CONTROLLER_NAME });
/** Name of the Role and of the ClusterRole (upstream uses one name for both). */
export const CONTROLLER_ROLE_NAME = 'ml-pipeline-scheduledworkflow-role';
/** Name of the RoleBinding and of the ClusterRoleBinding. */
export const CONTROLLER_BINDING_NAME = 'ml-pipeline-scheduledworkflow-binding';

export { SWF_GROUP, SWF_KIND, SWF_PLURAL, SWF_VERSION } from '@swf/contract';

/** `metadata.name` of the CustomResourceDefinition. */
export const SWF_CRD_NAME = `${SWF_PLURAL}.${SWF_GROUP}`;

/** Port of the controller's metrics and health endpoints: the controller's `--metricsPort` default. */
export const METRICS_PORT = Number(settingSpec('metricsPort').default);
/** Name of the container port, used by Services and ServiceMonitors. */
export const METRICS_PORT_NAME = 'metrics';

/** Audience the KFP API server's TokenReview expects. */
export const TOKEN_AUDIENCE = API_TOKEN_AUDIENCE;
/** Name of the projected token volume and of the token file inside it (the `--apiTokenFile` default's). */
export const TOKEN_VOLUME_NAME = API_TOKEN_FILE_NAME;
/** Where the token volume is mounted: the folder of the controller's `--apiTokenFile` default. */
export const TOKEN_MOUNT_PATH = API_TOKEN_DIR;
/** Lifetime requested for the projected token; kubelet rotates it at 80 % of this. */
export const TOKEN_EXPIRATION_SECONDS = 3600;
