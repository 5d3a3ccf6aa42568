import { createHash } from 'node:crypto';
import type { CacheEvents, Caches, ObjectKey, Reconciler } from '../contract.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';
import type { ControllerMetrics } from '../observe/metrics.js';
import { countOverdue } from '../observe/overdue-schedules.js';
import { PacedResync } from './paced-resync.js';
import { WorkQueue } from './work-queue.js';

/**
 * Workers reconciling in parallel (each key is held by one worker at a time). A worker spends most
 * of a reconcile waiting on a call, so a second's due runs need enough workers to start in one
 * round of calls (8 against 32 workers: `bench/README.md`, 2026-12-03).
 */
export const DEFAULT_WORKERS = 32;

/** The caches as the loop drives them: started before the workers, listed by the resync. */
export interface RunnableCaches extends Caches {
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  keys(): Iterable<ObjectKey>;
}

/** What the controller is built from. */
export interface ControllerDeps {
  readonly resyncIntervalMs: number;
  readonly log: Logger;
  readonly metrics: ControllerMetrics;
  /** @default DEFAULT_WORKERS */
  readonly workers?: number;
  /** @default a WorkQueue with upstream's backoff (1 s doubling to 360 s) */
  readonly queue?: WorkQueue;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * The loop: cache events become keys in a work queue; workers reconcile them. Event handlers only
 * enqueue `namespace/name`; workers start after the caches have synced; a success forgets the
 * key's backoff and requeues it at its next fire time; an error retries with per-key backoff. The
 * resync re-enqueues every key once per interval as a safety net, spread over the interval.
 *
 * A key that failed waits its backoff whatever arrives (its own failure write, Workflow events,
 * the resync); only a change of its spec reconciles it earlier. `generation` cannot tell a spec
 * change here: the CRD has no status subresource, so every status write bumps it too. The spec
 * is compared by a digest taken when the key failed.
 */
export class Controller implements CacheEvents {
  readonly queue: WorkQueue;
  readonly #deps: ControllerDeps;
  readonly #now: () => number;
  /** Digest of the spec each backing-off key failed with. */
  readonly #failedSpecs = new Map<ObjectKey, string>();
  #running = false;

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.queue = deps.queue ?? new WorkQueue();
  }

  /** True once caches synced and workers run. */
  get running(): boolean {
    return this.#running;
  }

  scheduledWorkflowChanged(key: ObjectKey, swf: ScheduledWorkflow): void {
    if (this.queue.isBackingOff(key)) {
      if (specDigest(swf) === this.#failedSpecs.get(key)) return;
      this.#deps.log.debug({ key }, 'spec changed while backing off; reconciling now');
      this.queue.expedite(key);
    } else {
      this.queue.add(key);
    }
    this.#updateQueueSize();
  }

  scheduledWorkflowDeleted(key: ObjectKey): void {
    this.queue.drop(key);
    this.#failedSpecs.delete(key);
  }

  ownedWorkflowChanged(key: ObjectKey): void {
    this.#enqueue(key);
  }

  /**
   * Syncs the caches, then reconciles until `signal` aborts; then stops the caches and lets the
   * reconciles in flight finish.
   */
  async run(caches: RunnableCaches, reconciler: Reconciler, signal: AbortSignal): Promise<void> {
    const { log, metrics } = this.#deps;
    log.info('starting informers');
    const started = this.#now();
    try {
      await caches.start(signal);
    } catch (error) {
      if (signal.aborted) return caches.stop();
      throw error;
    }
    log.info({ ms: this.#now() - started, scheduledWorkflows: [...caches.keys()].length }, 'caches synced');
    this.#running = true;
    metrics.leader.set(1);
    metrics.countOverdueFrom(() => countOverdue(caches, Math.floor(this.#now() / 1000)));
    const resync = new PacedResync({
      intervalMs: this.#deps.resyncIntervalMs,
      keys: () => caches.keys(),
      add: (key) => this.queue.addResync(key),
      onSlice: () => this.#updateQueueSize(),
    });
    resync.start(this.#now);
    const workers = Array.from({ length: this.#deps.workers ?? DEFAULT_WORKERS }, () =>
      this.#work(caches, reconciler, signal),
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('shutting down: stopping informers, draining workers');
    resync.stop();
    this.queue.shutDown();
    await caches.stop();
    await Promise.all(workers);
    this.#running = false;
    metrics.leader.set(0);
    metrics.countOverdueFrom(undefined);
    log.info('stopped');
  }

  #enqueue(key: ObjectKey): void {
    this.queue.add(key);
    this.#updateQueueSize();
  }

  #updateQueueSize(): void {
    this.#deps.metrics.queueSize.set(this.queue.length);
  }

  async #work(caches: Caches, reconciler: Reconciler, signal: AbortSignal): Promise<void> {
    const { log, metrics } = this.#deps;
    for (;;) {
      // A reconcile that writes nothing never waits on I/O: without this, workers would run the
      // resync's thousands of keys back to back in microtasks, and the timer of a due key, and the
      // answers to calls in flight, would wait for the whole resync to finish.
      await new Promise((resolve) => setImmediate(resolve));
      const key = await this.queue.get();
      if (key === null) return;
      this.#updateQueueSize();
      const keyLog = log.child({ key });
      const started = performance.now();
      // The resource as this reconcile starts from: a failure is a failure of this spec.
      const tried = caches.scheduledWorkflow(key);
      try {
        const result = await reconciler.reconcile(key, keyLog, signal);
        metrics.reconcileDuration.observe({ status: 'ok' }, (performance.now() - started) / 1000);
        metrics.throughput.inc();
        this.queue.forget(key);
        this.#failedSpecs.delete(key);
        if (result.requeueAtMs !== undefined && result.requeueAtMs !== null) {
          const now = this.#now();
          this.queue.addAfter(key, result.requeueAtMs - now, now);
        }
      } catch (error) {
        metrics.reconcileDuration.observe({ status: 'error' }, (performance.now() - started) / 1000);
        const failedSpec = tried && specDigest(tried);
        if (failedSpec) this.#failedSpecs.set(key, failedSpec);
        const delay = this.queue.addRateLimited(key, this.#now());
        const current = caches.scheduledWorkflow(key);
        if (current && failedSpec && specDigest(current) !== failedSpec) {
          // The spec changed while the reconcile ran (its event found the key busy, not backing
          // off): the change may be the fix, so it is tried now, as a change during the backoff is.
          keyLog.debug('spec changed while the failing reconcile ran; reconciling now');
          this.queue.expedite(key);
        } else {
          keyLog.warn(
            { err: errorText(error), retryInMs: delay },
            'reconcile failed; retrying after backoff',
          );
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}

/** A digest of the spec: equal digests, same spec (key order as the API server serialises it). */
function specDigest(swf: ScheduledWorkflow): string {
  return createHash('sha256').update(JSON.stringify(swf.spec)).digest('base64');
}
