import type { CronBenchResult } from './cron-bench.js';
import type { EndToEndResult } from './e2e.js';
import { checkTargets, formatCronBench, latenessLimitMs, table } from './report.js';

function result(overrides: {
  n?: number;
  p99?: number;
  writesPerFire?: number;
  peakRssBytes?: number;
  firstReconcileMs?: number;
  received?: number;
}): EndToEndResult {
  return {
    settings: { n: overrides.n ?? 1_000 },
    startup: { firstReconcileMs: overrides.firstReconcileMs ?? 2_000 },
    steady: {
      latenessMs: { count: 10, p50: 100, p99: overrides.p99 ?? 500, max: 900, mean: 120 },
      writesPerFire: overrides.writesPerFire ?? 2,
      expectedFires: 100,
      receivedFires: overrides.received ?? 100,
    },
    memory: { peakRssBytes: overrides.peakRssBytes ?? 100_000_000, rssAtEndBytes: 0 },
  } as unknown as EndToEndResult;
}

const verdicts = (r: EndToEndResult) => Object.fromEntries(checkTargets(r).map((t) => [t.name, t.met]));

describe('checkTargets', () => {
  it('meets every target within its limit', () => {
    expect(Object.values(verdicts(result({})))).toEqual([true, true, true, true, true]);
  });

  it.each([
    ['p99 trigger lateness', { p99: 1_001 }],
    ['p99 trigger lateness', { n: 10_000, p99: 2_001 }],
    ['fires received', { received: 99 }],
    ['Kubernetes writes per fire', { writesPerFire: 2.01 }],
    ['controller peak RSS', { peakRssBytes: 250_000_001 }],
    ['start to first reconcile', { firstReconcileMs: 10_001 }],
  ])('misses %s with %j', (name, overrides) => {
    expect(verdicts(result(overrides))[name]).toBe(false);
  });

  it.each([
    [100, 1_000],
    [1_000, 1_000],
    [10_000, 2_000],
  ])('allows N = %i a p99 of %i ms', (n, limit) => {
    expect(latenessLimitMs(n)).toBe(limit);
  });
});

describe('table', () => {
  it('pads each column to its widest cell', () => {
    expect(table(['a', 'bb'], [['ccc', 'd']])).toBe('a    bb\n---  --\nccc  d');
  });
});

describe('formatCronBench', () => {
  const result: CronBenchResult = {
    kind: 'cron',
    date: '2025-01-01T00:00:00.000Z',
    msPerCase: 10,
    instants: 3,
    cases: [
      {
        expression: '0 * * * * *',
        zone: 'UTC',
        engines: [
          { engine: 'ours', opsPerSecond: 600_000, agreement: 1 },
          { engine: 'slow', opsPerSecond: 300, agreement: 0.999 },
        ],
      },
      {
        expression: '@every 90s',
        zone: 'UTC',
        engines: [
          { engine: 'ours', opsPerSecond: 20_000_000, agreement: 1 },
          { engine: 'slow', opsPerSecond: null, agreement: null },
        ],
      },
    ],
  };
  const text = formatCronBench(result);

  it('shows each speed, our speed-up over the other engine and how often it agreed', () => {
    expect(text).toContain('600k/s');
    expect(text).toContain('0.3k/s (ours x2000.00, 99.9% agree)');
    expect(text).toContain('20M/s');
  });

  it('marks an expression the other engine rejects and leaves it out of the mean', () => {
    expect(text).toContain('rejects');
    expect(text).toContain('ours vs slow: x2000.00 (geometric mean over 1 cases)');
  });
});
