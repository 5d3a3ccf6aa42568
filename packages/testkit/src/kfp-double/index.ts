export type {
  AccessDecision,
  AccessRequest,
  AccessReviewer,
  TokenReviewResult,
} from './access-reviewer.js';
export {
  AUTHORIZATION_HEADER,
  type AuthSettings,
  authenticate,
  authorize,
  BEARER_PREFIX,
  DEFAULT_TOKEN_REVIEW_AUDIENCE,
  type MetadataValues,
  RUNS_RESOURCE,
} from './auth.js';
export {
  type CallFailure,
  type CallOutcome,
  DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT,
  KfpApiDouble,
  type KfpApiDoubleOptions,
  KfpDoubleConfigError,
  type RecordedCall,
  SERVICE_UNAVAILABLE,
} from './kfp-api-double.js';
export { externalMessageOf, KfpStatusError, STATUS_DETAILS_KEY } from './kfp-status.js';
export { KubeAccessReviewer } from './kube-access-reviewer.js';
export { recurringRunRunId } from './run-ids.js';
export { type AnsweredReview, StaticAccessReviewer, type StaticGrant } from './static-access-reviewer.js';
