/** Clock and sleep of {@link TokenBucket}, injectable for tests. */
export interface BucketClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: BucketClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket, as client-go's `--clientQPS`/`--clientBurst` limiter: up to `burst` requests
 * at once, refilled at `qps` per second. Watches are not limited, only requests.
 */
export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  readonly #clock: BucketClock;
  #tokens: number;
  #last: number;
  #tail: Promise<void> = Promise.resolve();
  /** Callers of {@link take} not served yet. */
  #waiting = 0;

  constructor(qps: number, burst: number, clock: BucketClock = REAL_CLOCK) {
    this.qps = qps;
    this.burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** Resolves when a request may go out; callers are served in order. */
  take(): Promise<void> {
    this.#waiting += 1;
    const turn = this.#tail
      .then(() => this.#wait())
      .finally(() => {
        this.#waiting -= 1;
      });
    this.#tail = turn;
    return turn;
  }

  /**
   * Takes a token if one is there now and nobody waits for one: true when the request may go out
   * at once, false (nothing taken) when it would have to wait.
   */
  tryTake(): boolean {
    if (this.#waiting > 0) return false;
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  async #wait(): Promise<void> {
    this.#refill();
    if (this.#tokens < 1) {
      await this.#clock.sleep(((1 - this.#tokens) / this.qps) * 1000);
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
  }
}

/**
 * The `--clientQPS`/`--clientBurst` budget as upstream means it: upstream builds one client per
 * API group it calls (ScheduledWorkflows, Argo Workflows, core Events), each with its own limiter
 * of that size. So here each API group gets its own bucket of that rate and burst, and the
 * leader-election Lease (`coordination.k8s.io`) one more: a renewal never waits behind a burst of
 * status writes.
 */
export class GroupBudgets {
  readonly qps: number;
  readonly burst: number;
  readonly #clock: BucketClock;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(qps: number, burst: number, clock: BucketClock = REAL_CLOCK) {
    this.qps = qps;
    this.burst = burst;
    this.#clock = clock;
  }

  /** The bucket of an API group (`''` for the core group). */
  of(group: string): TokenBucket {
    let bucket = this.#buckets.get(group);
    if (!bucket) {
      bucket = new TokenBucket(this.qps, this.burst, this.#clock);
      this.#buckets.set(group, bucket);
    }
    return bucket;
  }
}
