/**
 * The idle scenario's view of what the controller writes, resource by resource: each status update
 * of a ScheduledWorkflow and each Event about one, from watches, so that the controller's write
 * counters can be split by the kind of idle resource that caused them.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ScheduledWorkflow } from '@swf/controller/domain';
import type { NamedChange } from './analysis.js';
import { ObjectWatch } from './object-watch.js';

/** Collection path of ScheduledWorkflows in every namespace. */
const SCHEDULED_WORKFLOWS_PATH = '/apis/kubeflow.org/v1beta1/scheduledworkflows';
/** Collection path of core/v1 Events in every namespace. */
const EVENTS_PATH = '/api/v1/events';

interface EventShape {
  readonly involvedObject?: { readonly kind?: string; readonly name?: string; readonly namespace?: string };
}

/** Status updates and Events of ScheduledWorkflows as they happen, and each one's latest state. */
export class IdleWatch {
  /** One entry per MODIFIED ScheduledWorkflow (only the controller writes them), oldest first. */
  readonly updates: NamedChange[] = [];
  /** One entry per Event created about a ScheduledWorkflow, oldest first. */
  readonly events: NamedChange[] = [];
  readonly #latest = new Map<string, ScheduledWorkflow>();
  readonly #watches: ObjectWatch[];

  private constructor(watches: ObjectWatch[]) {
    this.#watches = watches;
  }

  /** Starts both watches; from then on every update and Event is recorded. */
  static async start(kubeConfig: KubeConfig): Promise<IdleWatch> {
    const watches: ObjectWatch[] = [];
    const idle = new IdleWatch(watches);
    watches.push(
      await ObjectWatch.start(kubeConfig, SCHEDULED_WORKFLOWS_PATH, ({ type, object, at }) => {
        const swf = object as ScheduledWorkflow;
        const name = swf.metadata.name ?? '';
        if (type === 'DELETED') idle.#latest.delete(name);
        else idle.#latest.set(name, swf);
        if (type === 'MODIFIED') idle.updates.push({ name, at });
      }),
      await ObjectWatch.start(kubeConfig, EVENTS_PATH, ({ type, object, at }) => {
        const involved = (object as EventShape).involvedObject;
        if (type === 'ADDED' && involved?.kind === 'ScheduledWorkflow') {
          idle.events.push({ name: involved.name ?? '', at });
        }
      }),
    );
    return idle;
  }

  /** How many of `names` show at least one active run in their latest status. */
  withActiveRun(names: Iterable<string>): number {
    let count = 0;
    for (const name of names) {
      if ((this.#latest.get(name)?.status?.workflowHistory?.active?.length ?? 0) > 0) count += 1;
    }
    return count;
  }

  /** Restarts and fresh starts (gaps) of the two watches. */
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
