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

  constructor(qps: number, burst: number, clock: BucketClock = REAL_CLOCK) {
    this.qps = qps;
    this.burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** A new, full bucket of the same rate, burst and clock: a separate budget of the same size. */
  withSameRate(): TokenBucket {
    return new TokenBucket(this.qps, this.burst, this.#clock);
  }

  /** Resolves when a request may go out; callers are served in order. */
  take(): Promise<void> {
    const turn = this.#tail.then(() => this.#wait());
    this.#tail = turn;
    return turn;
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
