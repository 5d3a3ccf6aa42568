import { firstWindowStart, planStart } from './e2e.js';

describe('planStart', () => {
  it.each([
    [100, 50, 18],
    [1_000, 67, 35],
    [10_000, 500, 105],
  ])('starts %i schedules (QPS %i) %i s out, after the estimated set-up', (n, qps, seconds) => {
    const now = Date.UTC(2025, 0, 1, 0, 0, 1);
    expect(planStart({ n, qps }, now)).toBe(now / 1000 + seconds);
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
