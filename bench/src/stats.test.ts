import { percentile, summarize } from './stats.js';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [0, 1],
    [99.5, 100],
  ])('takes the nearest rank for p%d', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('rejects an empty sample and a p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts before summarizing', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ count: 4, p50: 20, p99: 40, max: 40, mean: 25 });
  });

  it('has nothing to say about an empty sample', () => {
    expect(summarize([])).toBeNull();
  });
});
