export { ArgoStandIn, type ArgoStandInOptions } from './argo/argo-stand-in.js';
export {
  ARGO_COMPLETED_LABEL,
  ARGO_PHASE_LABEL,
  ARGO_WORKFLOWS,
  markWorkflowSucceeded,
} from './argo/workflow-completion.js';
export {
  type ControlPlaneBinaries,
  cacheDir,
  ensureBinaries,
  ensureGoBinary,
  type GoBinary,
} from './control-plane/binaries.js';
export {
  type ControlPlane,
  type ControlPlaneOptions,
  freePorts,
  SERVICE_ACCOUNT_ISSUER,
  startControlPlane,
} from './control-plane/control-plane.js';
export {
  ARGO_WORKFLOW_CRD,
  applyObjects,
  mintServiceAccountToken,
  type TokenOptions,
  toClientModel,
} from './control-plane/install.js';
export { SupervisedProcess } from './control-plane/supervised-process.js';
export { FreezingProxy } from './freezing-proxy.js';
export * from './kfp-double/index.js';
export { ProjectedVolume } from './projected-volume.js';
export { waitFor } from './wait-for.js';
