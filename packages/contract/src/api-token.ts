/**
 * The projected service-account token the controller sends to the KFP API server as a bearer
 * token: the install mounts a volume here, the controller's `--apiTokenFile` defaults to the file.
 * Paths as upstream's multi-user manifests use them.
 */

/** Folder the token volume is mounted at. */
export const API_TOKEN_DIR = '/var/run/secrets/kubeflow/tokens';
/** Name of the token file inside the volume (and of the volume). */
export const API_TOKEN_FILE_NAME = 'scheduledworkflow-sa-token';
/** Audience the KFP API server's TokenReview expects of the token. */
export const API_TOKEN_AUDIENCE = 'pipelines.kubeflow.org';
