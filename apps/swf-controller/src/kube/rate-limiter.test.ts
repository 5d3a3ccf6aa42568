import { type BucketClock, TokenBucket } from './rate-limiter.js';

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
