import type { CoreV1Event } from '@kubernetes/client-node';
import { type ScheduledWorkflow, SWF_GROUP, SWF_KIND, SWF_VERSION } from '../domain/types.js';
import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';

/** Event source component, as upstream's `ControllerAgentName`. */
export const EVENT_COMPONENT = 'scheduled-workflow-controller';

/** Event reasons: constants, as upstream's recorder uses. */
export const EventReason = {
  /** A sync succeeded (Normal). */
  Synced: 'Synced',
  /** A sync failed (Warning); it is retried with backoff. */
  Failed: 'Failed',
  /** The resource's spec is invalid (Warning); it is not retried until the spec changes. */
  InvalidSpec: 'InvalidSpec',
  /** Ticks were skipped past the resource's starting deadline (Normal, one per burst of them). */
  SkippedTicks: 'SkippedTicks',
  /** A run was started for a new `run-now` value (Normal). */
  RunNow: 'RunNow',
  /**
   * The status records fewer runs than exist (Warning): it was set back, e.g. by a restore of an
   * older copy. Runs found are not taken for later ticks' runs; the index moves past them.
   */
  StatusBehindWorkflows: 'StatusBehindWorkflows',
} as const;

/** Message prefixes as upstream writes them. */
const PREFIX = {
  Normal: 'Scheduled workflow synced successful',
  Warning: 'Scheduled workflow sync failed',
} as const;

/** Where events go (the Kubernetes API, or a list in tests). */
export interface EventSink {
  createEvent(event: CoreV1Event): Promise<void>;
}

/** Identical events on one object within this window are written once (client-go aggregates too). */
const DEDUP_WINDOW_MS = 10 * 60_000;

/**
 * Records Kubernetes Events on ScheduledWorkflows without ever blocking or failing a reconcile:
 * writes run in the background and a failed write is logged. Repeats of the same reason and
 * message on the same object within ten minutes are logged but not written again, so a resource
 * stuck in a failure loop does not flood the API server.
 */
export class EventRecorder {
  readonly #recent = new Map<string, number>();
  readonly #sink: EventSink;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(sink: EventSink, log: Logger, now: () => number = Date.now) {
    this.#sink = sink;
    this.#log = log;
    this.#now = now;
  }

  /** Records a Normal event. */
  normal(swf: ScheduledWorkflow, reason: string, message: string): void {
    this.#record(swf, 'Normal', reason, `${PREFIX.Normal}: ${message}`);
  }

  /** Records a Warning event. */
  warning(swf: ScheduledWorkflow, reason: string, message: string): void {
    this.#record(swf, 'Warning', reason, `${PREFIX.Warning}: ${message}`);
  }

  #record(swf: ScheduledWorkflow, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const { name, namespace, uid } = swf.metadata;
    const now = this.#now();
    const key = `${uid}\u0000${reason}\u0000${message}`;
    const last = this.#recent.get(key);
    if (last !== undefined && now - last < DEDUP_WINDOW_MS) {
      this.#log.debug({ reason, message }, 'event repeated within the window; not written again');
      return;
    }
    this.#recent.set(key, now);
    this.#prune(now);
    const event: CoreV1Event = {
      metadata: { name: `${name}.${now.toString(16)}${Math.random().toString(16).slice(2, 6)}`, namespace },
      involvedObject: {
        apiVersion: `${SWF_GROUP}/${SWF_VERSION}`,
        kind: SWF_KIND,
        name,
        namespace,
        uid,
        resourceVersion: swf.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: EVENT_COMPONENT,
      firstTimestamp: new Date(now),
      lastTimestamp: new Date(now),
      count: 1,
    };
    this.#sink.createEvent(event).catch((error: unknown) => {
      this.#log.warn({ reason, err: errorText(error) }, 'could not record event');
    });
  }

  #prune(now: number): void {
    if (this.#recent.size < 10_000) return;
    for (const [key, at] of this.#recent) if (now - at >= DEDUP_WINDOW_MS) this.#recent.delete(key);
  }
}
