import { type Caches, type ObjectKey, parseKey } from '../contract.js';
import { ANNOTATION_RUN_NOW_HONOURED } from '../domain/annotations.js';
import { lastIndex, type ScheduledWorkflow, type ScheduledWorkflowStatus } from '../domain/index.js';
import { LABEL_SCHEDULED_WORKFLOW_ENABLED, LABEL_SCHEDULED_WORKFLOW_STATUS } from '../domain/labels.js';
import { errorText } from '../error-text.js';
import { type KubeApi, statusCode } from '../kube/kube-api.js';
import type { Logger } from '../log.js';
import type { ControllerMetrics } from '../observe/metrics.js';

/** Deferred writes made at once, each waiting for its own token. */
const DEFAULT_CONCURRENCY = 8;
/** A deferred write retried after a 409 Conflict, each time from a fresh read. */
const CONFLICT_RETRIES = 5;
/** Wait before a deferred write that failed otherwise is tried again. */
const RETRY_DELAY_MS = 1_000;
/**
 * How long {@link StatusWrites.drain} goes on making waiting writes at shutdown: long enough for a
 * budget of five writes a second to make a few dozen, short enough to stay well inside a pod's
 * termination grace period (30 s) and a lease's duration, whatever the network does.
 */
export const DRAIN_DEADLINE_MS = 5_000;

/** Status, labels and annotations to write over a ScheduledWorkflow. */
export interface StatusWrite {
  readonly status: ScheduledWorkflowStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What {@link StatusWrites} is built from. */
export interface StatusWritesDeps {
  readonly kubeApi: Pick<
    KubeApi,
    'tryReplaceScheduledWorkflow' | 'replaceScheduledWorkflowWhenAllowed' | 'getScheduledWorkflow'
  >;
  readonly caches: Pick<Caches, 'scheduledWorkflow' | 'wrote'>;
  readonly metrics: ControllerMetrics;
  /** Where problems of deferred writes go (they are made after the reconcile that asked returned). */
  readonly log: Logger;
  /** Deferred writes in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Told when a write that waited is made (or dropped), so its key is reconciled again. */
  readonly onStatusWritten: (key: ObjectKey) => void;
}

interface Pending extends StatusWrite {
  /** Bumped by every newer write of the same key, so that a write made meanwhile is not lost. */
  readonly seq: number;
  /**
   * The uid of the object the write was computed for. A resource deleted and created again under
   * the same name is another object: the write is never made over it.
   */
  readonly uid: string | undefined;
  /**
   * Told once this write, or a newer one of the same key that carries it on, is made; never when
   * it is dropped. Each is called at most once.
   */
  readonly onWritten: ReadonlyArray<() => void>;
}

/**
 * Status writes that do not hold a worker. A write goes out at once when the `--clientQPS` budget
 * of ScheduledWorkflows has a token; otherwise it waits here for one and the worker moves on, so
 * that at the top of the hour (a thousand runs due on one second, a budget of five writes a
 * second) every run starts on time and the writes that record them follow at the budget's pace. A
 * later write of the same resource replaces a waiting one (the newest status wins, in one write).
 *
 * The reconciler reads a key through {@link overlay}, so what waits here counts as written, and it
 * starts no new run of a resource while a write recording its last run waits ({@link holdsRun}): the KFP API server
 * labels a run's Workflow with the stored last index + 1, so each run must be stored before the
 * next of the same resource starts. `onStatusWritten` brings the key back once its write is made.
 *
 * What waits here is lost if the process stops without {@link drain}; that is safe, because the
 * runs it records exist: the next reconcile finds each made run's Workflow and records it without a
 * new call. What a write records beyond runs (ticks skipped past their starting deadline) is
 * reported through the write's `onWritten`, only once it is made, so that a write dropped here is
 * not reported here and again by whoever makes it next.
 */
export class StatusWrites {
  readonly #deps: StatusWritesDeps;
  readonly #concurrency: number;
  readonly #pending = new Map<ObjectKey, Pending>();
  /** Keys whose pending write waits for a writer, oldest first. */
  readonly #queue = new Set<ObjectKey>();
  /** Keys a writer is writing now: no second writer takes them (it would only meet a conflict). */
  readonly #inFlight = new Set<ObjectKey>();
  #writers = 0;
  #seq = 0;
  #signal: AbortSignal | undefined;
  /** While {@link drain} runs: writers go on after the signal aborted. */
  #draining = false;
  /** Told whenever a write is made, dropped or ends its flight (what {@link drain} waits on). */
  #changed: (() => void) | undefined;

  constructor(deps: StatusWritesDeps) {
    this.#deps = deps;
    this.#concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /**
   * Writes only while `signal` has not aborted (this replica leads and runs). When it aborts, no
   * waiting write starts any more: a shutdown then makes them with {@link drain}; after a lost
   * lease they are dropped (no drain, and a new `signal` drops what an aborted one left), since
   * another replica leads now. Either way the runs they record exist, and whoever reconciles next
   * records them from their Workflows.
   */
  stopWhen(signal: AbortSignal): void {
    if (this.#signal === signal) return;
    if (this.#signal?.aborted) this.#dropAll();
    this.#signal = signal;
  }

  /**
   * At shutdown, after the signal aborted and the reconciles ended: makes the writes that wait,
   * as the budget allows, until none waits or is in flight, or `deadlineMs` passes (a dead network
   * does not hold the shutdown). What is left then is dropped. Resolves with the number of writes
   * not made.
   */
  async drain(deadlineMs = DRAIN_DEADLINE_MS): Promise<number> {
    this.#draining = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
        this.#changed = () => {
          if (this.#pending.size === 0 && this.#inFlight.size === 0) resolve();
        };
        this.#startWriters();
        this.#changed();
      });
    } finally {
      clearTimeout(timer);
      this.#changed = undefined;
      this.#draining = false;
    }
    const left = this.#pending.size;
    this.#dropAll();
    return left;
  }

  /** Writes waiting for the budget. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Whether a write that records a run of `key` waits for the budget: one with a higher last index
   * than `stored`, the object as the API server has it.
   */
  holdsRun(key: ObjectKey, stored: ScheduledWorkflow): boolean {
    const pending = this.#pending.get(key);
    return pending !== undefined && isFor(pending, stored) && recordedIndex(pending) > lastIndex(stored);
  }

  /** `swf` as it is once its waiting write is made: with that write's status and labels. */
  overlay(key: ObjectKey, swf: ScheduledWorkflow): ScheduledWorkflow {
    const pending = this.#pending.get(key);
    if (!pending || !isFor(pending, swf)) return swf;
    // Someone else recorded more runs meanwhile (a previous leader's write landing late).
    if (lastIndex(swf) > recordedIndex(pending)) return swf;
    return withWrite(swf, pending);
  }

  /**
   * Writes `write` over `current` now if the budget has a token, else keeps it for a writer that
   * waits for one. `'written'` returns the object as stored; a 409 Conflict is thrown to the
   * caller, who recomputes from a fresh read. `onWritten` is called once the write is made (at
   * once, or when the deferred write, or a newer one of this key that replaced it, is made), and
   * never if it is dropped.
   */
  async write(
    key: ObjectKey,
    current: ScheduledWorkflow,
    write: StatusWrite,
    onWritten?: () => void,
  ): Promise<{ outcome: 'written'; stored: ScheduledWorkflow } | { outcome: 'deferred' }> {
    const seq = ++this.#seq;
    const started = performance.now();
    // A write of this key waiting or on its way: this one goes after it (at once, it would meet a
    // conflict with it), as the newest.
    const behind = this.#pending.has(key) || this.#inFlight.has(key);
    let stored: ScheduledWorkflow | 'throttled' = 'throttled';
    try {
      if (!behind) stored = await this.#deps.kubeApi.tryReplaceScheduledWorkflow(withWrite(current, write));
    } catch (error) {
      this.#observe('error', started);
      throw error;
    }
    if (stored === 'throttled') {
      // A newer write of the key carries the older's status on, so it reports for both.
      const carried = this.#pending.get(key)?.onWritten ?? [];
      const told = onWritten ? [...carried, once(onWritten)] : carried;
      this.#pending.set(key, { ...write, seq, uid: current.metadata.uid, onWritten: told });
      // A key in flight is queued again when its flight ends.
      if (!this.#inFlight.has(key)) this.#queue.add(key);
      this.#deps.metrics.statusWritesPending.set(this.#pending.size);
      this.#startWriters();
      return { outcome: 'deferred' };
    }
    this.#observe('ok', started);
    this.#deps.caches.wrote(stored);
    onWritten?.();
    return { outcome: 'written', stored };
  }

  #startWriters(): void {
    while (this.#writers < this.#concurrency && this.#writers < this.#queue.size) {
      this.#writers += 1;
      void this.#writer().finally(() => {
        this.#writers -= 1;
      });
    }
  }

  async #writer(): Promise<void> {
    for (;;) {
      const id = this.#queue.values().next().value;
      if (id === undefined || (this.#signal?.aborted && !this.#draining)) return;
      this.#queue.delete(id);
      // A newer write of a key in flight is queued again when that flight ends (see #forget).
      if (!this.#pending.has(id) || this.#inFlight.has(id)) continue;
      this.#inFlight.add(id);
      let failed = false;
      try {
        await this.#flush(id);
      } catch (error) {
        failed = true;
        this.#deps.log.warn(
          { scheduledWorkflow: id, err: errorText(error) },
          'could not write a status that records runs; trying again',
        );
        setTimeout(() => {
          if (this.#pending.has(id)) {
            this.#queue.add(id);
            this.#startWriters();
          }
        }, RETRY_DELAY_MS).unref();
      } finally {
        this.#inFlight.delete(id);
        this.#changed?.();
      }
      // A newer write of this key came while it was in flight: it goes next.
      if (!failed && this.#pending.has(id)) this.#queue.add(id);
    }
  }

  /**
   * Writes one waiting status when the budget allows, as it is then (later runs coalesced into
   * it); on a conflict, over a fresh read.
   */
  async #flush(id: ObjectKey): Promise<void> {
    let current = this.#deps.caches.scheduledWorkflow(id);
    for (let attempt = 0; ; attempt++) {
      let written: Pending | undefined;
      let paused = false;
      const started = performance.now();
      try {
        const stored = await this.#deps.kubeApi.replaceScheduledWorkflowWhenAllowed(() => {
          const pending = this.#pending.get(id);
          if (!pending) return undefined;
          if (this.#signal?.aborted && !this.#draining) {
            // Stopped while this waited for the budget: it waits for a drain (or is dropped).
            paused = true;
            return undefined;
          }
          const base = attempt === 0 ? this.#deps.caches.scheduledWorkflow(id) : current;
          // Gone (or another object of the same name now), or recorded further already by another
          // writer: the next reconcile works from that.
          if (
            !base ||
            base.metadata.deletionTimestamp ||
            !isFor(pending, base) ||
            lastIndex(base) > recordedIndex(pending)
          ) {
            this.#forget(id, pending.seq);
            return undefined;
          }
          written = pending;
          return withWrite(base, pending);
        });
        if (paused) this.#queue.add(id);
        if (stored === undefined || written === undefined) return;
        this.#observe('ok', started);
        this.#deps.caches.wrote(stored);
        for (const told of (written as Pending).onWritten) told();
        this.#forget(id, (written as Pending).seq);
        return;
      } catch (error) {
        this.#observe('error', started);
        if (statusCode(error) !== 409 || attempt >= CONFLICT_RETRIES) throw error;
        const { namespace, name } = parseKey(id);
        current = await this.#deps.kubeApi.getScheduledWorkflow(namespace, name);
      }
    }
  }

  /** Drops the waiting write of `id` unless a newer one than `seq` replaced it. */
  #forget(id: ObjectKey, seq: number): void {
    const pending = this.#pending.get(id);
    if (pending && pending.seq <= seq) {
      this.#pending.delete(id);
      this.#deps.onStatusWritten(id);
    }
    this.#deps.metrics.statusWritesPending.set(this.#pending.size);
    this.#changed?.();
  }

  /** Drops every write that waits, unmade and unreported. */
  #dropAll(): void {
    this.#pending.clear();
    this.#queue.clear();
    this.#deps.metrics.statusWritesPending.set(0);
  }

  #observe(status: 'ok' | 'error', started: number): void {
    this.#deps.metrics.operationDuration.observe(
      { operation: 'swfupdate', status },
      (performance.now() - started) / 1000,
    );
  }
}

/** `told`, called at most once however often it is called. */
function once(told: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    told();
  };
}

/** Whether `write` was computed for `swf`, and not for an earlier object of the same name. */
function isFor(write: Pending, swf: ScheduledWorkflow): boolean {
  return write.uid === swf.metadata.uid;
}

/** The last run index a write records. */
function recordedIndex(write: StatusWrite): number {
  return write.status.trigger?.lastWorkflowIndex ?? 0;
}

/**
 * `swf` with `write`'s status, and the labels and annotation the controller owns taken from
 * `write`; the others stay as `swf` has them (someone may have changed them since the write was
 * computed).
 */
function withWrite(swf: ScheduledWorkflow, write: StatusWrite): ScheduledWorkflow {
  const labels = owned(swf.metadata.labels, write.labels, [
    LABEL_SCHEDULED_WORKFLOW_ENABLED,
    LABEL_SCHEDULED_WORKFLOW_STATUS,
  ]);
  const annotations = owned(swf.metadata.annotations, write.annotations, [ANNOTATION_RUN_NOW_HONOURED]);
  return {
    ...swf,
    metadata: { ...swf.metadata, labels, ...(annotations && { annotations }) },
    status: write.status,
  };
}

/** `theirs` with the `keys` the controller owns as `ours` has them. */
function owned(
  theirs: Readonly<Record<string, string>> | undefined,
  ours: Readonly<Record<string, string>> | undefined,
  keys: readonly string[],
): Record<string, string> | undefined {
  const merged: Record<string, string> = { ...theirs };
  for (const key of keys) {
    const value = ours?.[key];
    if (value !== undefined) merged[key] = value;
  }
  return theirs === undefined && Object.keys(merged).length === 0 ? undefined : merged;
}
