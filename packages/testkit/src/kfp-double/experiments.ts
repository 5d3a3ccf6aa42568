import { Experiment, Experiment_StorageState } from '@swf/kfp-api';

/** An experiment of the double, given with its display name; see {@link KfpApiDoubleOptions.experiments}. */
export interface ExperimentFixture {
  /** The namespace it belongs to; empty only in single-user mode. */
  readonly namespace: string;
  /** Its display name, which KFP also names it by in the SubjectAccessReview. @default its ID */
  readonly displayName?: string;
}

/** An experiment as the double stores it (KFP's experiments table, minus what the double never reads). */
export interface StoredExperiment {
  readonly id: string;
  readonly displayName: string;
  readonly namespace: string;
  /** When the double started, in whole seconds, as KFP stores times. */
  readonly createdAtSec: number;
}

/**
 * The experiments table from the option: an entry is the namespace alone (the display name is then
 * the ID) or an {@link ExperimentFixture}.
 */
export function experimentTable(
  entries: Readonly<Record<string, string | ExperimentFixture>>,
  createdAtSec: number,
): ReadonlyMap<string, StoredExperiment> {
  return new Map(
    Object.entries(entries).map(([id, entry]) => {
      const { namespace, displayName } = typeof entry === 'string' ? { namespace: entry } : entry;
      return [id, { id, displayName: displayName || id, namespace, createdAtSec }];
    }),
  );
}

/**
 * KFP's `toApiExperiment`: every field set, the storage state AVAILABLE (the double archives
 * nothing), and the creation time of the experiment's newest run, 0 before its first.
 */
export function toApiExperiment(experiment: StoredExperiment, lastRunCreatedAtSec: number): Experiment {
  return Experiment.fromPartial({
    experimentId: experiment.id,
    displayName: experiment.displayName,
    description: '',
    createdAt: { seconds: experiment.createdAtSec, nanos: 0 },
    namespace: experiment.namespace,
    storageState: Experiment_StorageState.AVAILABLE,
    lastRunCreatedAt: { seconds: lastRunCreatedAtSec, nanos: 0 },
  });
}
