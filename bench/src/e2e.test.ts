import { firstWindowStart, perFire, planStart } from './e2e.js';

describe('planStart', () => {
  it.each([
    [100, 50, 18],
    [1_000, 67, 35],
    [10_000, 500, 105],
  ])('starts %i schedules (QPS %i) %i s out, after the estimated set-up', (n, qps, seconds) => {
    const now = Date.UTC(2025, 0, 1, 0, 0, 1);
    expect(planStart({ scenario: 'steady', n, qps }, now)).toBe(now / 1000 + seconds);
  });

  it('leaves a burst 30 seconds more, so that the first pass is over before it', () => {
    const now = Date.UTC(2025, 0, 1, 0, 0, 1);
    const steady = planStart({ scenario: 'steady', n: 1_000, qps: 10 }, now);
    expect(planStart({ scenario: 'burst', n: 1_000, qps: 10 }, now)).toBe(steady + 30);
  });
});

describe('firstWindowStart', () => {
  const anchor = 1_000_020;

  it.each([
    ['at the schedules start when the first pass ended before it', 1_000_010_500, anchor],
    ['a few seconds after a first pass that ended after it', 1_000_021_500, 1_000_027],
  ])('starts %s', (_name, passMs, expected) => {
    expect(firstWindowStart(anchor, passMs)).toBe(expected);
  });
});

describe('perFire', () => {
  it('divides every kind of write by the runs submitted', () => {
    expect(perFire({ update: 300, create: 100, event: 100 }, 100)).toBe(5);
  });

  it('has no answer without a run', () => {
    expect(perFire({ update: 3 }, 0)).toBeNull();
  });
});
