/**
 * The controller's Kubernetes writes as the API server sees them, from watches: every update of a
 * ScheduledWorkflow (only the controller writes them once they exist), every Event created or
 * updated about one, and on the embedded path every Workflow created (the controller creates
 * them; on the latest path the KFP API double does, and those are not counted). It counts what
 * any controller writes, ours or upstream's, without asking the controller; ours also counts its
 * own (`scheduled_workflow_kube_writes_total`), and the two are printed side by side.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RunPath } from './args.js';
import { ObjectWatch } from './object-watch.js';

const SCHEDULED_WORKFLOWS_PATH = '/apis/kubeflow.org/v1beta1/scheduledworkflows';
const EVENTS_PATH = '/api/v1/events';
const WORKFLOWS_PATH = '/apis/argoproj.io/v1alpha1/workflows';

/** Writes by kind, as `scheduled_workflow_kube_writes_total` names them. */
export type WriteCounts = {
  /** ScheduledWorkflow updates. */
  update: number;
  /** Workflows created (embedded path). */
  create: number;
  /** Events created or updated (an aggregated Event's count growing is a write too). */
  event: number;
};

/** The writes between two counts. */
export function writesBetween(before: WriteCounts, after: WriteCounts): WriteCounts {
  return {
    update: after.update - before.update,
    create: after.create - before.create,
    event: after.event - before.event,
  };
}

interface EventShape {
  readonly involvedObject?: { readonly kind?: string };
}

/** Counts the controller's writes from the moment {@link start} resolves. */
export class WriteWatch {
  readonly #counts: WriteCounts = { update: 0, create: 0, event: 0 };
  /** ScheduledWorkflows updated at least once, and when each was first. */
  readonly #firstUpdate = new Map<string, number>();
  readonly #watches: ObjectWatch[] = [];

  static async start(kubeConfig: KubeConfig, path: RunPath): Promise<WriteWatch> {
    const writes = new WriteWatch();
    writes.#watches.push(
      await ObjectWatch.start(kubeConfig, SCHEDULED_WORKFLOWS_PATH, ({ type, object, at }) => {
        if (type !== 'MODIFIED') return;
        writes.#counts.update += 1;
        const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
        if (!writes.#firstUpdate.has(key)) writes.#firstUpdate.set(key, at);
      }),
      await ObjectWatch.start(kubeConfig, EVENTS_PATH, ({ type, object }) => {
        if (type === 'DELETED' || (object as EventShape).involvedObject?.kind !== 'ScheduledWorkflow') return;
        writes.#counts.event += 1;
      }),
    );
    if (path === 'embedded') {
      writes.#watches.push(
        await ObjectWatch.start(kubeConfig, WORKFLOWS_PATH, ({ type }) => {
          if (type === 'ADDED') writes.#counts.create += 1;
        }),
      );
    }
    return writes;
  }

  /** The writes counted so far, by kind. */
  counts(): WriteCounts {
    return { ...this.#counts };
  }

  /** ScheduledWorkflows updated at least once so far: the controller's first pass, when it writes. */
  get resourcesUpdated(): number {
    return this.#firstUpdate.size;
  }

  /** Restarts and fresh starts (gaps) of the watches; a fresh start may count writes twice. */
  get watch(): { restarts: number; gaps: number } {
    return {
      restarts: this.#watches.reduce((sum, w) => sum + w.restarts, 0),
      gaps: this.#watches.reduce((sum, w) => sum + w.gaps, 0),
    };
  }

  stop(): void {
    for (const watch of this.#watches) watch.stop();
  }
}
