/**
 * Where the benchmark sees each run made, and when: the KFP API double's answer to `CreateRun` on
 * the latest-version path, a new Workflow on the embedded-spec path.
 */

import type { ObservedCall } from './analysis.js';
import type { RunPath } from './args.js';
import type { BenchCluster } from './cluster.js';
import { ObjectWatch, type ObservedChange } from './object-watch.js';

/** Collection path of Argo Workflows in every namespace. */
const WORKFLOWS_PATH = '/apis/argoproj.io/v1alpha1/workflows';

/** The runs made so far, as calls the analysis matches to fires. */
export interface RunObserver {
  /** Every run seen so far, oldest first. */
  observed(): ObservedCall[];
  /** How a run is seen, for the report. */
  readonly source: string;
  /** Times the watch was restarted and had to start afresh (embedded path). */
  readonly watch: { readonly restarts: number; readonly gaps: number } | null;
  stop(): void;
}

/**
 * Starts observing runs on `path`. The embedded path watches Workflows from now on: each one the
 * controller creates is named `<swf>-<index>-<hash>`, like a display name in `CreateRun`, and is
 * timed when its ADDED event arrives here; a Workflow seen twice (after a watch gap) counts as a
 * repeat.
 */
export async function observeRuns(path: RunPath, cluster: BenchCluster): Promise<RunObserver> {
  if (path === 'latest') {
    return {
      observed: () => [...cluster.kfp.calls],
      source: "the KFP API double's answer to CreateRun",
      watch: null,
      stop: () => {},
    };
  }
  const added: ObservedCall[] = [];
  const watch = await ObjectWatch.start(cluster.admin, WORKFLOWS_PATH, (change: ObservedChange) => {
    if (change.type !== 'ADDED') return;
    added.push({ displayName: change.object.metadata?.name ?? '', at: change.at, created: true });
  });
  return {
    observed: () => [...added],
    source: 'the Workflow ADDED event at a watch in the benchmark',
    get watch() {
      return { restarts: watch.restarts, gaps: watch.gaps };
    },
    stop: () => watch.stop(),
  };
}
