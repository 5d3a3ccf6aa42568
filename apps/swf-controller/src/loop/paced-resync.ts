/**
 * Slices of one resync interval; each gets an equal share of the keys. At the install's 30 s and
 * 10,000 resources: 300 slices of 100 ms, 34 keys each.
 */
const MAX_SLICES = 300;
/**
 * The shortest slice: a shorter resync is cut into fewer slices (5 s: 50 of 100 ms), so that the
 * timer does not wake the workers more often than this for a handful of keys each time.
 */
const MIN_SLICE_MS = 100;

/** What {@link PacedResync} works with. */
export interface PacedResyncOptions {
  /** Every key comes up once per interval. */
  readonly intervalMs: number;
  /** The keys to resync, read at the start of each round. */
  readonly keys: () => Iterable<string>;
  /** Hands a key to the queue (`WorkQueue.addResync`). */
  readonly add: (key: string) => void;
  /** Told after each slice is handed out. */
  readonly onSlice?: () => void;
}

/**
 * The periodic resync, spread over its interval: every key once per interval, handed to the queue a
 * slice at a time, where client-go's resync hands every key over at once. All at once, the
 * resync's reconciles run back to back around the fires of that second and make them late
 * (figures in `bench/README.md`); spread, the same reconciles cost the same CPU a little at a time.
 *
 * A round starts one interval after the last (the first, one interval after {@link start}) with the
 * keys as they are then; a key added meanwhile is reconciled on its own add, and comes up in the next
 * round. The rounds keep the interval's cadence whatever the timer's drift.
 */
export class PacedResync {
  readonly #options: PacedResyncOptions;
  readonly #slices: number;
  readonly #sliceMs: number;
  #round: string[] = [];
  #next = 0;
  #perSlice = 0;
  #roundStartMs = 0;
  /** When the next round is due. */
  #roundAtMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: PacedResyncOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError('resync interval must be positive');
    this.#options = options;
    this.#slices = Math.max(1, Math.min(MAX_SLICES, Math.floor(options.intervalMs / MIN_SLICE_MS)));
    this.#sliceMs = options.intervalMs / this.#slices;
  }

  /** Milliseconds between two slices. */
  get sliceMs(): number {
    return this.#sliceMs;
  }

  /** Starts the rounds on a timer, the first one interval from now. */
  start(now: () => number = Date.now): void {
    this.#roundAtMs = now() + this.#options.intervalMs;
    this.#timer = setInterval(() => this.tick(now()), this.#sliceMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One slice at `nowMs`: starts a round when one is due and none is under way, then hands out the
   * keys the round should have handed out by now (one share per slice elapsed; a timer that ran late
   * hands out more at once rather than skip keys). A round still under way when the next is due
   * finishes first.
   */
  tick(nowMs: number): void {
    const { intervalMs } = this.#options;
    if (this.#next >= this.#round.length && nowMs >= this.#roundAtMs) {
      this.#round = [...this.#options.keys()];
      this.#next = 0;
      this.#perSlice = Math.ceil(this.#round.length / this.#slices);
      this.#roundStartMs = nowMs;
      this.#roundAtMs = Math.max(this.#roundAtMs + intervalMs, nowMs + this.#sliceMs);
    }
    if (this.#next >= this.#round.length) return;
    const slicesElapsed = Math.floor((nowMs - this.#roundStartMs) / this.#sliceMs);
    const end = Math.min(this.#round.length, (slicesElapsed + 1) * this.#perSlice);
    if (this.#next >= end) return;
    for (; this.#next < end; this.#next += 1) this.#options.add(this.#round[this.#next] as string);
    this.#options.onSlice?.();
  }
}
