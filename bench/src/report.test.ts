import type { CronBenchResult } from './cron-bench.js';
import type { BurstResult, EndToEndResult, IdleResult } from './e2e.js';
import {
  checkTargets,
  endToEndRows,
  formatCronBench,
  formatSummary,
  idleWritesPerResourcePerResync,
  latenessLimitMs,
  qpsMeaning,
  resultKey,
  table,
  upgradeResult,
} from './report.js';

function result(overrides: {
  n?: number;
  p99?: number;
  writesPerFire?: number;
  peakRssBytes?: number;
  firstReconcileMs?: number;
  received?: number;
  path?: 'latest' | 'embedded';
}): EndToEndResult {
  return {
    scenario: 'steady',
    settings: { n: overrides.n ?? 1_000, path: overrides.path ?? 'latest' },
    startup: { firstReconcileMs: overrides.firstReconcileMs ?? 2_000 },
    steady: {
      latenessMs: { count: 10, p50: 50, p99: overrides.p99 ?? 90, max: 900, mean: 60 },
      writesPerFire: overrides.writesPerFire ?? 1,
      expectedFires: 100,
      receivedFires: overrides.received ?? 100,
    },
    memory: { peakRssBytes: overrides.peakRssBytes ?? 90_000_000, rssAtEndBytes: 0 },
  } as unknown as EndToEndResult;
}

const verdicts = (r: EndToEndResult) => Object.fromEntries(checkTargets(r).map((t) => [t.name, t.met]));

describe('checkTargets', () => {
  it('meets every target within its limit', () => {
    expect(Object.values(verdicts(result({})))).toEqual([true, true, true, true, true]);
  });

  it.each([
    ['p99 trigger lateness', { p99: 101 }],
    ['p99 trigger lateness', { n: 10_000, p99: 251 }],
    ['fires received', { received: 99 }],
    ['Kubernetes writes per fire', { writesPerFire: 1.01 }],
    ['Kubernetes writes per fire', { writesPerFire: 2.01, path: 'embedded' as const }],
    ['controller peak RSS', { peakRssBytes: 105_000_001 }],
    ['controller peak RSS', { n: 10_000, peakRssBytes: 150_000_001 }],
    ['start to first reconcile', { firstReconcileMs: 5_001 }],
  ])('misses %s with %j', (name, overrides) => {
    expect(verdicts(result(overrides))[name]).toBe(false);
  });

  it.each([
    [{ n: 10_000, p99: 250, peakRssBytes: 150_000_000 }],
    [{ writesPerFire: 2, path: 'embedded' as const }],
  ])('meets the targets of other settings at their limits: %j', (overrides) => {
    expect(Object.values(verdicts(result(overrides)))).toEqual([true, true, true, true, true]);
  });

  it.each([
    [100, 100],
    [1_000, 100],
    [10_000, 250],
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

/** What every scenario's rows read besides its own measures. */
function common(settings: Record<string, unknown>) {
  return {
    kind: 'end-to-end',
    date: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, totalMemBytes: 1, cpuModel: 'cpu', node: 'v20', loadAverage: [1, 1, 1] },
    settings: {
      path: 'latest',
      n: 1_000,
      qps: 10,
      burst: 20,
      qpsFrom: 'install',
      burstFrom: 'install',
      resyncSeconds: 30,
      periodSeconds: 3600,
      seconds: 530,
      bundle: true,
      controllerPath: null,
      nodeFlags: [],
      cronExample: '0 37 * * * *',
      controller: {
        script: '/x/swf-controller.mjs',
        label: "dist/bundle/swf-controller.mjs (the image's bundle)",
        nodeFlags: [],
        nodeOptions: '',
        origin: "the image's ENTRYPOINT and NODE_OPTIONS",
      },
      ...settings,
    },
    setup: { createSeconds: 4, createPerSecond: 250 },
    startup: {
      cachesSyncedMs: 1,
      informerSyncMs: 1,
      firstReconcileMs: 2_000,
      firstPassMs: 3,
      firstRunCreatedMs: 4,
      firstFireDueMs: 5,
    },
    memory: {
      peakRssAtFirstReconcileBytes: 1,
      peakRssAfterFirstPassBytes: 1,
      peakRssBytes: 100_000_000,
      rssAtEndBytes: 1,
      heapUsedBytes: 1,
      heapTotalBytes: 1,
      externalBytes: 1,
    },
    logProblems: {},
    controllerLog: 'log',
    runsSeenAt: "the KFP API double's answer to CreateRun",
  };
}

const cpu = { controllerCpuPercent: 10, machineCpuPercent: 50, cpuPercentByProcess: { controller: 10 } };
const means = { lateness: 1, reconcile: 2, createRun: 3, statusWrite: 4 };

function burstResult(
  overrides: { lastRunMs?: number; received?: number; n?: number; qpsFrom?: string } = {},
): BurstResult {
  return {
    ...common({ n: overrides.n ?? 1_000, qpsFrom: overrides.qpsFrom ?? 'install', scenario: 'burst' }),
    scenario: 'burst',
    burst: {
      dueAt: '2026-01-01T00:37:00.000Z',
      expectedFires: 1_000,
      receivedFires: overrides.received ?? 1_000,
      repeatedOrFailedCalls: 0,
      lastRunMs: overrides.lastRunMs ?? 12_000,
      latenessMs: { count: 1_000, p50: 6_000, p99: 11_900, max: overrides.lastRunMs ?? 12_000, mean: 6_000 },
      reviewMs: { count: 1_000, p50: 20, p99: 80, max: 90, mean: 25 },
      timerLagMs: null,
      controllerMeansMs: means,
      measuredSeconds: 30,
      quietAfterMs: 29_000,
      quiet: true,
      kubeWrites: { update: 3_000, create: 0, event: 1_000 },
      writesPerFire: 4,
      reconciles: 4_000,
      firstPassLateMs: 0,
      ...cpu,
    },
  } as unknown as BurstResult;
}

function idleResult(writes: Record<string, number>): IdleResult {
  return {
    ...common({ n: 300, qpsFrom: 'bench', burstFrom: 'bench', resyncSeconds: 5, scenario: 'idle' }),
    scenario: 'idle',
    idle: {
      windowStart: '2026-01-01T00:10:00.000Z',
      seconds: 60,
      resyncs: 12,
      resources: { disabled: 100, blocked: 100, waiting: 100 },
      blockedWithActiveRun: 100,
      kubeWrites: writes,
      statusUpdatesByKind: { disabled: 0, blocked: writes.update ?? 0, waiting: 0 },
      eventsByKind: { disabled: 0, blocked: 0, waiting: 0 },
      reconciles: 3_600,
      submissions: 0,
      controllerMeansMs: means,
      watch: { restarts: 0, gaps: 0 },
      ...cpu,
    },
  } as unknown as IdleResult;
}

const rows = (result: EndToEndResult) => Object.fromEntries(endToEndRows(result));

describe('a burst', () => {
  it('reports the time to the last run made, the rate and the writes per fire', () => {
    const r = rows(burstResult());
    expect(r['scheduled second -> last run made']).toBe('12000 ms');
    expect(r['runs made per second']).toBe('83.3');
    expect(r['runs made / expected']).toBe('1000 / 1000');
    expect(r['CLIENT_QPS / CLIENT_BURST']).toBe("10 / 20 (the install's defaults)");
    expect(r['Kubernetes writes per fire']).toBe('4.00 (update 3000, create 0, event 1000)');
    expect(r.controller).toBe(
      "dist/bundle/swf-controller.mjs (the image's bundle); node flags: none (the image's ENTRYPOINT and NODE_OPTIONS)",
    );
  });

  it('says how many runs were not made in time', () => {
    expect(rows(burstResult({ received: 990 }))['scheduled second -> last run made']).toBe(
      '12000 ms (10 runs not made within 530 s)',
    );
  });

  it.each([
    [{ lastRunMs: 15_000 }, true],
    [{ lastRunMs: 15_001 }, false],
    [{ received: 999, lastRunMs: 1_000 }, false],
  ])('checks every run made within 15 s: %j', (overrides, met) => {
    const [target] = checkTargets(burstResult(overrides));
    expect(target).toMatchObject({ name: 'every run made within 15 s of its second', met });
    expect(target?.note).toBeUndefined();
  });

  it('notes when the run is not the one the target is stated for', () => {
    expect(checkTargets(burstResult({ n: 100 }))[0]?.note).toContain('stated for N = 1000');
    expect(checkTargets(burstResult({ qpsFrom: 'flag' }))[0]?.note).toContain("install's CLIENT_QPS");
  });
});

describe('idle resources', () => {
  it('reports writes per resource per resync, by write kind and by resource kind', () => {
    const result = idleResult({ update: 100, create: 0, event: 0 });
    expect(idleWritesPerResourcePerResync(result)).toBeCloseTo(100 / 3600);
    const r = rows(result);
    expect(r['Kubernetes writes per resource per resync']).toBe('0.028 (update 100, create 0, event 0)');
    expect(r['status updates per resource per resync, by resource kind (count)']).toBe(
      'disabled 0.000 (0), blocked 0.083 (100), waiting 0.000 (0)',
    );
    expect(r['reconciles per resync']).toBe('300.0 (1.000 per resource)');
    expect(r['resources (N)']).toBe('300 (100 disabled, 100 blocked, 100 waiting)');
  });

  it.each([
    [{ update: 0, create: 0, event: 0 }, true],
    [{ update: 1, create: 0, event: 0 }, false],
  ])('checks for no write at resync: %j', (writes, met) => {
    expect(checkTargets(idleResult(writes))[0]).toMatchObject({
      name: 'Kubernetes writes per idle resource per resync',
      met,
    });
  });
});

describe('upgradeResult', () => {
  const old = {
    kind: 'end-to-end',
    settings: { n: 100, bundle: false, controllerPath: null, nodeFlags: [] },
  } as unknown as EndToEndResult;

  it('reads a result from before the scenarios as a steady run of the latest path', () => {
    const upgraded = upgradeResult(old);
    expect(upgraded).toMatchObject({ scenario: 'steady', settings: { scenario: 'steady', path: 'latest' } });
    expect(resultKey(upgraded)).toBe('steady latest 100 dist/bin.js');
  });
});

describe('formatSummary', () => {
  it('writes one table per scenario, one column per result', () => {
    const text = formatSummary([burstResult(), burstResult({ n: 100 }), idleResult({ update: 0 })]);
    expect(text).toContain('### burst\n\n| metric | N = 1000 (bundle) | N = 100 (bundle) |');
    expect(text).toContain('### idle\n\n| metric | N = 300 (bundle) |');
    expect(text).not.toContain('### steady');
  });
});

describe('qpsMeaning', () => {
  const settingsOf = (kind: 'node' | 'upstream') =>
    ({ controller: { kind, script: 'x', label: 'x', nodeFlags: [], nodeOptions: '', origin: '' } }) as never;

  it("says upstream's limits are per client, and ours per API group", () => {
    expect(qpsMeaning(settingsOf('upstream'))).toMatch(/^per client, upstream's/);
    expect(qpsMeaning(settingsOf('node'))).toMatch(/^per API group called/);
  });
});
