/** A ScheduledWorkflow body, as the KFP API server creates one for a recurring run. */
export interface SampleSchedule {
  readonly apiVersion: 'kubeflow.org/v1beta1';
  readonly kind: 'ScheduledWorkflow';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

/** Name of the sample that runs through `RunService.CreateRun` (no embedded spec). */
export const LATEST_VERSION_SAMPLE = 'every-5s-latest-version';
/** Name of the sample that creates Argo Workflows from its embedded spec. */
export const EMBEDDED_SPEC_SAMPLE = 'every-3s-embedded-spec';

/** The KFP objects the latest-version sample refers to. */
export interface KfpReferences {
  readonly experimentId: string;
  readonly pipelineId: string;
}

/**
 * A recurring run that always uses the pipeline's latest version, every 5 s on a six-field cron
 * (seconds first, as KFP's): each run is a `CreateRun` call, which in multi-user mode must carry
 * the controller's identity.
 */
export function latestVersionSample(namespace: string, refs: KfpReferences): SampleSchedule {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: LATEST_VERSION_SAMPLE, namespace },
    spec: {
      description: 'Sample of the local stack: latest pipeline version through the KFP API',
      enabled: true,
      maxConcurrency: 10,
      trigger: { cronSchedule: { cron: '*/5 * * * * *' } },
      experimentId: refs.experimentId,
      pipelineId: refs.pipelineId,
      pipelineVersionId: '',
      serviceAccount: 'pipeline-runner',
      workflow: { parameters: [{ name: 'message', value: '"hello from a recurring run"' }] },
    },
  };
}

/**
 * A recurring run every 3 s on a periodic trigger with an embedded Argo spec: each run is a
 * Workflow the controller creates itself, its parameters filled from KFP's macros.
 */
export function embeddedSpecSample(namespace: string): SampleSchedule {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: EMBEDDED_SPEC_SAMPLE, namespace },
    spec: {
      description: 'Sample of the local stack: embedded Argo Workflow spec',
      enabled: true,
      maxConcurrency: 10,
      trigger: { periodicSchedule: { intervalSecond: 3 } },
      workflow: {
        parameters: [
          { name: 'scheduled', value: '[[ScheduledTime]]' },
          { name: 'index', value: '[[Index]]' },
        ],
        spec: {
          entrypoint: 'main',
          arguments: {
            parameters: [
              { name: 'scheduled', value: '' },
              { name: 'index', value: '' },
            ],
          },
          templates: [
            {
              name: 'main',
              container: {
                image: 'busybox',
                command: ['echo', 'run {{workflow.parameters.index}} for {{workflow.parameters.scheduled}}'],
              },
            },
          ],
        },
      },
    },
  };
}
