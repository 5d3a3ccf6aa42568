export { type ControlPlaneBinaries, cacheDir, ensureBinaries } from './control-plane/binaries.js';
export {
  type ControlPlane,
  type ControlPlaneOptions,
  freePorts,
  SERVICE_ACCOUNT_ISSUER,
  startControlPlane,
} from './control-plane/control-plane.js';
export { SupervisedProcess } from './control-plane/supervised-process.js';
export * from './kfp-double/index.js';
export { waitFor } from './wait-for.js';
