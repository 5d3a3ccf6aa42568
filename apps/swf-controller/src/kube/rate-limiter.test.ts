import { type BucketClock, GroupBudgets, TokenBucket } from './rate-limiter.js';

/** A clock that only moves when the bucket sleeps, recording each sleep. */
function manualClock(): BucketClock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(Math.round(ms));
      clock.t += ms;
    },
  };
  return clock;
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces requests at the rate', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(5, 3, clock);
    await Promise.all(Array.from({ length: 6 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([200, 200, 200]);
  });

  it('refills up to the burst while idle, and no further', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 2, clock);
    await bucket.take();
    await bucket.take();
    clock.t += 10_000;
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    expect(clock.sleeps).toEqual([1000]);
  });
});

describe('TokenBucket.tryTake', () => {
  it('takes a token only when one is there now, never waiting', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(2, 2, clock);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    clock.t += 500;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not pass a caller that waits in take()', async () => {
    let wake: () => void = () => {};
    const clock = {
      t: 0,
      now: () => clock.t,
      sleep: (ms: number) =>
        new Promise<void>((resolve) => {
          wake = () => {
            clock.t += ms;
            resolve();
          };
        }),
    };
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.take();
    const waiting = bucket.take();
    await Promise.resolve();
    clock.t += 5_000;
    expect(bucket.tryTake()).toBe(false);
    wake();
    await waiting;
    expect(bucket.tryTake()).toBe(false);
    clock.t += 1_000;
    expect(bucket.tryTake()).toBe(true);
  });
});

describe('GroupBudgets', () => {
  it('gives each API group a bucket of its own, of the configured rate and burst', async () => {
    const clock = manualClock();
    const budgets = new GroupBudgets(5, 2, clock);
    await Promise.all([budgets.of('kubeflow.org').take(), budgets.of('kubeflow.org').take()]);
    await Promise.all([
      budgets.of('argoproj.io').take(),
      budgets.of('argoproj.io').take(),
      budgets.of('').take(),
    ]);
    expect(clock.sleeps).toEqual([]);
    await budgets.of('kubeflow.org').take();
    expect(clock.sleeps).toEqual([200]);
    expect(budgets.of('argoproj.io')).toBe(budgets.of('argoproj.io'));
  });
});
