export { BaseChart } from './base-chart.js';
export {
  CONTROLLER_UID,
  ControllerDeployment,
  type ControllerDeploymentProps,
} from './controller-deployment.js';
export { ControllerRbac, type ControllerRbacProps } from './controller-rbac.js';
export { ScheduledWorkflowCrd } from './crd.js';
export { SCHEDULED_WORKFLOW_SCHEMA, type StructuralSchema } from './crd-schema.js';
export { ManifestPropsError } from './errors.js';
export { multiUserInstallObjects } from './install-objects.js';
export { ensureKustomize, type KustomizeOptions, kustomizeBuild, kustomizePath } from './kustomize.js';
export {
  BASE_LAYER_DIR,
  type KubeObject,
  type Kustomization,
  layerObjects,
  type ManifestFile,
  type ManifestLayer,
  MULTI_USER_LABELS,
  MULTI_USER_LAYER_DIR,
  synthBase,
  synthMultiUser,
} from './layers.js';
export { MultiUserChart } from './multi-user-chart.js';
export { MultiUserDeploymentPatch, multiUserEnv, USER_IDENTITY_VALUE } from './multi-user-patch.js';
export * from './names.js';
export { DIST_BASE_DIR, DIST_DIR, DIST_MULTI_USER_DIR, KUSTOMIZE_MODULE_DIR } from './paths.js';
export {
  type ConfigMapKeys,
  type ControllerResources,
  DEFAULT_IMAGE,
  DEFAULT_PROPS,
  type ManifestProps,
  type ResolvedManifestProps,
  resolveManifestProps,
} from './props.js';
export { CONTROLLER_RULES, LEADER_ELECTION_RULES, type PolicyRule } from './rbac-rules.js';
export {
  checkStructural,
  pruningObjects,
  type SchemaViolation,
  structuralProblems,
} from './schema-check.js';
export { toYaml, writeDist, writeLayer } from './write.js';
