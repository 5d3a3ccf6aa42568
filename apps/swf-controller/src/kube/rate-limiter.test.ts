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
