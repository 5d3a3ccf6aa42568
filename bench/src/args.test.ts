import { BenchArgumentError, defaultPeriodSeconds, defaultQps, parseBenchArgs } from './args.js';

describe('parseBenchArgs', () => {
  it('runs the end-to-end benchmark at N = 100 by default, with settings scaled to N', () => {
    expect(parseBenchArgs([])).toEqual({
      command: 'run',
      n: 100,
      seconds: 60,
      periodSeconds: 10,
      qps: 50,
      burst: 100,
      namespaces: 10,
      resyncSeconds: 30,
      cpuProfile: false,
      bundle: false,
      nodeFlags: [],
      controllerPath: null,
      outDir: 'results',
    });
  });

  it.each([
    [['--n', '1000'], { n: 1000, periodSeconds: 60, qps: 67, burst: 134 }],
    [['--n=10000'], { n: 10000, periodSeconds: 600, seconds: 600, qps: 500, burst: 1000 }],
    [['run', '--n', '10', '--seconds', '30'], { n: 10, seconds: 30, namespaces: 10 }],
    [['--n', '3'], { namespaces: 3 }],
    [['--period', '120', '--qps', '5', '--burst', '10'], { periodSeconds: 120, qps: 5, burst: 10 }],
    [['--cpu-prof', '--resync', '300', '--bundle'], { cpuProfile: true, resyncSeconds: 300, bundle: true }],
    [
      ['--node-flags', ' --max-old-space-size=160  --trace-gc'],
      { nodeFlags: ['--max-old-space-size=160', '--trace-gc'] },
    ],
  ])('reads %j', (argv, expected) => {
    expect(parseBenchArgs(argv)).toMatchObject(expected);
  });

  it('reads the cron and summary commands', () => {
    expect(parseBenchArgs(['cron', '--ms', '50'])).toEqual({
      command: 'cron',
      msPerCase: 50,
      outDir: 'results',
    });
    expect(parseBenchArgs(['summary', '--out', '/tmp/r'])).toEqual({ command: 'summary', outDir: '/tmp/r' });
  });

  it.each([
    [['--x', '1'], '--x', 'is not a flag'],
    [['--n'], '--n', 'needs a value'],
    [['--n', 'many'], '--n', 'must be a whole number'],
    [['--n', '0'], '--n', 'must be at least 1'],
    [['--seconds', '-5'], '--seconds', 'must be a whole number'],
    [['--period', '7'], '--period', 'must divide 60'],
    [['--period', '90'], '--period', 'must divide 60'],
  ])('rejects %j naming the flag', (argv, flag, rule) => {
    const attempt = () => parseBenchArgs(argv);
    expect(attempt).toThrow(BenchArgumentError);
    expect(attempt).toThrow(expect.objectContaining({ flag, rule: expect.stringContaining(rule) }));
  });
});

describe('defaults', () => {
  it.each([
    [100, 10],
    [1_000, 60],
    [10_000, 600],
  ])('fires %i resources every %i s', (n, period) => {
    expect(defaultPeriodSeconds(n)).toBe(period);
  });

  it.each([
    [100, 10, 50],
    [1_000, 10, 400],
    [1_000, 60, 67],
    [10_000, 600, 500],
  ])('gives %i resources firing every %i s a QPS of %i', (n, period, qps) => {
    expect(defaultQps(n, period)).toBe(qps);
  });
});
