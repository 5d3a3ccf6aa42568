export type {
  AccessDecision,
  AccessRequest,
  AccessReviewer,
  TokenReviewResult,
} from './access-reviewer.js';
export {
  installKfpApiServerIdentity,
  KFP_API_SERVER_IDENTITY,
  KFP_API_SERVER_NAMESPACE,
  KFP_API_SERVER_SERVICE_ACCOUNT,
  type KfpApiServerIdentity,
  type KfpApiServerIdentityOptions,
  kfpApiServerRbacObjects,
} from './api-server-identity.js';
export {
  AUTHORIZATION_HEADER,
  type AuthSettings,
  authenticate,
  authorize,
  BEARER_PREFIX,
  DEFAULT_TOKEN_REVIEW_AUDIENCE,
  EXPERIMENTS_RESOURCE,
  type KfpAccess,
  type MetadataValues,
  RUNS_RESOURCE,
} from './auth.js';
export type { ExperimentFixture } from './experiments.js';
export {
  type CallFailure,
  type CallOutcome,
  type CallSteps,
  DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT,
  KfpApiDouble,
  type KfpApiDoubleOptions,
  KfpDoubleConfigError,
  type RecordedCall,
  type RecordedExperimentCall,
  SERVICE_UNAVAILABLE,
} from './kfp-api-double.js';
export { externalMessageOf, KfpStatusError, STATUS_DETAILS_KEY } from './kfp-status.js';
export { KubeAccessReviewer } from './kube-access-reviewer.js';
export {
  type LatestVersionScheduledWorkflow,
  type LatestVersionScheduledWorkflowOptions,
  latestVersionScheduledWorkflow,
} from './latest-version-fixture.js';
export {
  RECORDED_CREATE_RUN_AUTH_CASES,
  RECORDED_CREATE_RUN_WORKFLOW,
  RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW,
  type RecordedAuthCase,
} from './recordings.js';
export { type CreatedWorkflow, KubeRunCluster, type RunCluster } from './run-cluster.js';
export { recurringRunRunId } from './run-ids.js';
export {
  nextWorkflowIndex,
  type OwnerReference,
  RUN_WORKFLOW_KEYS,
  type RunWorkflowInputs,
  type RunWorkflowObject,
  runWorkflow,
  type ScheduledWorkflowObject,
} from './run-workflow.js';
export { type AnsweredReview, StaticAccessReviewer, type StaticGrant } from './static-access-reviewer.js';
