export { type ControllerPod, multiUserControllerPod, multiUserInstallConfig } from './controller-pod.js';
export { main } from './main.js';
export { parseOptions, StackOptionError, type StackOptions, USAGE } from './options.js';
export { jsonLines, liveView, type Output } from './output.js';
export { type EnvEntry, mergeEnv, PodEnvError, type PodEnvSources, resolveEnv } from './pod-env.js';
export * from './runs.js';
export {
  EMBEDDED_SPEC_SAMPLE,
  embeddedSpecSample,
  type KfpReferences,
  LATEST_VERSION_SAMPLE,
  latestVersionSample,
  type SampleSchedule,
} from './samples.js';
export {
  LOCAL_EXPERIMENT_ID,
  LOCAL_IDENTITY,
  LOCAL_WORKFLOW_RUN_SECONDS,
  type Stack,
  startStack,
} from './stack.js';
export { Teardown } from './teardown.js';
export { lateness, renderView, runEvent, type Screen, type StackInfo, type ViewState } from './view.js';
export { type ResourceRef, type Watching, watchResource } from './watch.js';
