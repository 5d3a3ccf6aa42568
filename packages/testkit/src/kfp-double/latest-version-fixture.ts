import { KfpDoubleConfigError } from './kfp-api-double.js';

/** What a latest-version recurring run is made of; each field is one the KFP API server writes. */
export interface LatestVersionScheduledWorkflowOptions {
  readonly name: string;
  readonly namespace: string;
  readonly experimentId: string;
  readonly pipelineId: string;
  /**
   * A cron trigger (six fields, seconds first, as KFP's); give this or {@link intervalSecond}.
   * @default undefined
   */
  readonly cron?: string;
  /**
   * A periodic trigger every so many seconds; give this or {@link cron}.
   * @default undefined
   */
  readonly intervalSecond?: number;
  /** @default 10, as recorded */
  readonly maxConcurrency?: number;
  /** @default true */
  readonly enabled?: boolean;
  /** @default true, as recorded */
  readonly noCatchup?: boolean;
  /**
   * Parameter values by name, each any JSON value; KFP stores each as JSON text (a string keeps its quotes).
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * `metadata.uid`, the recurring run ID; for an object that never reaches a kube-apiserver.
   * @default undefined: the kube-apiserver assigns it on creation
   */
  readonly uid?: string;
  /**
   * `metadata.generateName`, which KFP derives from the recurring run's name (the recorded name is it plus five characters).
   * @default undefined
   */
  readonly generateName?: string;
}

/** A ScheduledWorkflow in the shape {@link latestVersionScheduledWorkflow} builds. */
export interface LatestVersionScheduledWorkflow {
  readonly apiVersion: 'kubeflow.org/v1beta1';
  readonly kind: 'ScheduledWorkflow';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generateName?: string;
    readonly uid?: string;
  };
  readonly spec: {
    readonly enabled: boolean;
    readonly experimentId: string;
    readonly maxConcurrency: number;
    readonly noCatchup: boolean;
    readonly pipelineId: string;
    readonly trigger:
      | { readonly cronSchedule: { readonly cron: string } }
      | { readonly periodicSchedule: { readonly intervalSecond: number } };
    readonly workflow: {
      readonly parameters?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
    };
  };
  readonly status: { readonly trigger: Record<string, never> };
}

/**
 * The ScheduledWorkflow the KFP API server writes for `CreateRecurringRun` with only a pipeline ID
 * ("always use the latest version"), in the recorded shape: no workflow spec, no labels, no
 * ownerReferences, parameter values as JSON text, `status: {trigger: {}}`. Fields KFP leaves empty
 * are absent, as Go's `omitempty` leaves them.
 *
 * @throws KfpDoubleConfigError unless exactly one of `cron` and `intervalSecond` is given.
 */
export function latestVersionScheduledWorkflow(
  options: LatestVersionScheduledWorkflowOptions,
): LatestVersionScheduledWorkflow {
  const parameters = Object.entries(options.parameters ?? {}).map(([name, value]) => ({
    name,
    value: JSON.stringify(value),
  }));
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: {
      ...(options.generateName !== undefined && { generateName: options.generateName }),
      name: options.name,
      namespace: options.namespace,
      ...(options.uid !== undefined && { uid: options.uid }),
    },
    spec: {
      enabled: options.enabled ?? true,
      experimentId: options.experimentId,
      maxConcurrency: options.maxConcurrency ?? 10,
      noCatchup: options.noCatchup ?? true,
      pipelineId: options.pipelineId,
      trigger: trigger(options),
      workflow: parameters.length > 0 ? { parameters } : {},
    },
    status: { trigger: {} },
  };
}

function trigger({
  cron,
  intervalSecond,
}: LatestVersionScheduledWorkflowOptions): LatestVersionScheduledWorkflow['spec']['trigger'] {
  if (cron !== undefined && intervalSecond === undefined) return { cronSchedule: { cron } };
  if (intervalSecond !== undefined && cron === undefined) return { periodicSchedule: { intervalSecond } };
  throw new KfpDoubleConfigError('cron, intervalSecond', 'give exactly one of the two');
}
