/** Timer functions, injectable so tests can drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** First retry delay after a failure; doubles with each further failure. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest retry delay. @default 360000 (upstream's cap) */
  readonly maxDelayMs?: number;
  readonly timers?: Timers;
}

const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Node timers cannot wait longer than this; longer delays are re-armed on expiry. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A work queue of resource keys in the manner of client-go's: a key waits at most once however
 * often it is added; one worker holds a key at a time (a key added while it is being worked on
 * runs again afterwards); delayed adds keep the earliest time; failures back off exponentially
 * per key and `forget` resets that key's backoff after a success.
 *
 * Unlike client-go's, a key that is backing off stays backing off: `add` and `addAfter` leave its
 * retry where it is, so neither events (the status write that records the failure comes back as
 * one) nor the periodic resync shorten the backoff; only `expedite` does, for a changed spec.
 *
 * Keys come out in two classes: those added by events and due times first, those added by the
 * periodic resync (`addResync`) only when no other key waits, so a resync of every key never
 * delays a key whose fire time has come.
 */
export class WorkQueue {
  readonly #base: number;
  readonly #max: number;
  readonly #timers: Timers;
  readonly #ready = new Set<string>(); // insertion order is FIFO order
  /** Keys the resync added, handed out only when `#ready` is empty. */
  readonly #resync = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  /** Pending delayed adds; `backoff` marks a retry after a failure. */
  readonly #delayed = new Map<string, { at: number; handle: unknown; backoff: boolean }>();
  readonly #failures = new Map<string, number>();
  #waiters: Array<(key: string | null) => void> = [];
  #shutDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#base = options.baseDelayMs ?? 1_000;
    this.#max = options.maxDelayMs ?? 360_000;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Keys waiting to be worked on now. */
  get length(): number {
    return this.#ready.size + this.#resync.size;
  }

  /** Keys waiting for a delayed add. */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /** Queues `key` now, unless it is already waiting or backing off. */
  add(key: string): void {
    if (this.#shutDown || this.isBackingOff(key)) return;
    this.#cancelDelay(key);
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#ready.has(key)) return;
    this.#resync.delete(key);
    this.#hand(key, this.#ready);
  }

  /**
   * Queues `key` for the periodic resync: after every key added otherwise, and not at all while it
   * is waiting, being worked on, backing off, or due later anyway (its pending delayed add stays).
   */
  addResync(key: string): void {
    if (this.#shutDown || this.isBackingOff(key) || this.#processing.has(key)) return;
    if (this.#ready.has(key) || this.#resync.has(key)) return;
    this.#hand(key, this.#resync);
  }

  /** Gives `key` to a waiting worker, or else files it in `waiting`. */
  #hand(key: string, waiting: Set<string>): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
    } else {
      waiting.add(key);
    }
  }

  /** Queues `key` after `delayMs`; an earlier pending time for the same key wins, and so does a backoff. */
  addAfter(key: string, delayMs: number, now: number = Date.now()): void {
    if (this.#shutDown || this.isBackingOff(key)) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = now + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.#timers.clearTimeout(pending.handle);
    this.#arm(key, at, now, false);
  }

  /**
   * Queues `key` after its backoff delay, which doubles with each call until `forget`. Until then
   * the key is backing off: a pending delayed add is replaced, and adds wait for the retry.
   */
  addRateLimited(key: string, now: number = Date.now()): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const delay = Math.min(this.#max, this.#base * 2 ** Math.min(failures, 30));
    if (this.#shutDown) return delay;
    this.#cancelDelay(key);
    this.#dirty.delete(key);
    this.#arm(key, now + delay, now, true);
    return delay;
  }

  /** True while `key` waits for the retry after a failure. */
  isBackingOff(key: string): boolean {
    return this.#delayed.get(key)?.backoff === true;
  }

  /**
   * Queues `key` now even while it backs off (its spec changed, so the failure may be gone). The
   * failure count stays: if it fails again, the next delay is the one it would have had.
   */
  expedite(key: string): void {
    if (this.isBackingOff(key)) this.#cancelDelay(key);
    this.add(key);
  }

  /** Resets the backoff of `key` (after a success). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /**
   * Forgets `key` entirely, its resource being gone: its failures and its pending delayed add or
   * retry, whose timer would otherwise live until the next fire time (months, for a yearly cron).
   */
  drop(key: string): void {
    this.#failures.delete(key);
    this.#cancelDelay(key);
  }

  /** Failures counted for `key` since the last `forget`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Waits for the next key; `null` once the queue is shut down. Call `done` when finished. */
  get(): Promise<string | null> {
    if (this.#shutDown) return Promise.resolve(null);
    for (const waiting of [this.#ready, this.#resync]) {
      const first = waiting.values().next();
      if (first.done) continue;
      waiting.delete(first.value);
      this.#processing.add(first.value);
      return Promise.resolve(first.value);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` finished; if it was added meanwhile, it waits again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** Stops handing out keys, cancels delayed adds and wakes every waiting worker with `null`. */
  shutDown(): void {
    this.#shutDown = true;
    for (const { handle } of this.#delayed.values()) this.#timers.clearTimeout(handle);
    this.#delayed.clear();
    this.#ready.clear();
    this.#resync.clear();
    for (const waiter of this.#waiters) waiter(null);
    this.#waiters = [];
  }

  #arm(key: string, at: number, now: number, backoff: boolean): void {
    const wait = Math.min(at - now, MAX_TIMER_MS);
    const handle = this.#timers.setTimeout(() => {
      const entry = this.#delayed.get(key);
      if (entry?.handle !== handle) return;
      this.#delayed.delete(key);
      if (at - now > MAX_TIMER_MS) this.#arm(key, at, now + MAX_TIMER_MS, backoff);
      else this.add(key);
    }, wait);
    this.#delayed.set(key, { at, handle, backoff });
  }

  #cancelDelay(key: string): void {
    const pending = this.#delayed.get(key);
    if (!pending) return;
    this.#timers.clearTimeout(pending.handle);
    this.#delayed.delete(key);
  }
}
