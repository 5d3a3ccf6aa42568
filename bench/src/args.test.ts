import {
  BenchArgumentError,
  BURST_PERIOD_SECONDS,
  defaultBurstWaitSeconds,
  defaultIdleQps,
  defaultPeriodSeconds,
  defaultQps,
  parseBenchArgs,
} from './args.js';

/** Client limits standing for the install's in these tests (the real ones come from `@swf/manifests`). */
const INSTALL = { qps: 7, burst: 13 };

const parse = (argv: readonly string[]) => parseBenchArgs(argv, INSTALL);

describe('parseBenchArgs', () => {
  it("runs the steady scenario at N = 100 on the latest path with the image's bundle by default", () => {
    expect(parse([])).toEqual({
      command: 'run',
      scenario: 'steady',
      path: 'latest',
      n: 100,
      seconds: 60,
      periodSeconds: 10,
      qps: 50,
      burst: 100,
      qpsFrom: 'bench',
      burstFrom: 'bench',
      namespaces: 10,
      resyncSeconds: 30,
      cpuProfile: false,
      bundle: true,
      nodeFlags: [],
      controllerPath: null,
      upstreamPath: null,
      outDir: 'results',
    });
  });

  it.each([
    [['--n', '1000'], { n: 1000, periodSeconds: 60, qps: 67, burst: 134 }],
    [['--n=10000'], { n: 10000, periodSeconds: 600, seconds: 600, qps: 500, burst: 1000 }],
    [['run', '--n', '10', '--seconds', '30'], { n: 10, seconds: 30, namespaces: 10 }],
    [['--n', '3'], { namespaces: 3 }],
    [
      ['--period', '120', '--qps', '5', '--client-burst', '10'],
      { periodSeconds: 120, qps: 5, burst: 10, qpsFrom: 'flag', burstFrom: 'flag' },
    ],
    [['--qps', '5'], { qps: 5, burst: 10, qpsFrom: 'flag', burstFrom: 'flag' }],
    [['--qps', 'install'], { qps: 7, burst: 13, qpsFrom: 'install', burstFrom: 'install' }],
    [['--qps=install', '--client-burst=40'], { qps: 7, burst: 40, qpsFrom: 'install', burstFrom: 'flag' }],
    [['--cpu-prof', '--resync', '300'], { cpuProfile: true, resyncSeconds: 300 }],
    [['--no-bundle'], { bundle: false, controllerPath: null }],
    [['--bundle'], { bundle: true }],
    [['--controller', '/tmp/other/bin.js'], { bundle: false, controllerPath: '/tmp/other/bin.js' }],
    [
      ['--upstream', '/tmp/swf-go', '--qps', '5', '--client-burst', '10'],
      { bundle: false, controllerPath: null, upstreamPath: '/tmp/swf-go', qps: 5, burst: 10 },
    ],
    [['--path', 'embedded'], { path: 'embedded', scenario: 'steady' }],
    [
      ['--node-flags', ' --max-old-space-size=160  --trace-gc'],
      { nodeFlags: ['--max-old-space-size=160', '--trace-gc'] },
    ],
  ])('reads %j', (argv, expected) => {
    expect(parse(argv)).toMatchObject(expected);
  });

  it("measures a burst with the install's client limits, once, waiting long enough for five writes per fire", () => {
    expect(parse(['--burst', '--n', '1000'])).toMatchObject({
      scenario: 'burst',
      path: 'latest',
      n: 1000,
      qps: 7,
      burst: 13,
      qpsFrom: 'install',
      burstFrom: 'install',
      periodSeconds: BURST_PERIOD_SECONDS,
      seconds: defaultBurstWaitSeconds(1000, 7),
      resyncSeconds: 30,
    });
  });

  it.each([
    [['--burst', '--qps', '50'], { qps: 50, burst: 100, qpsFrom: 'flag', seconds: 60 }],
    [['--burst', '--path', 'embedded', '--seconds', '20'], { path: 'embedded', seconds: 20 }],
  ])('reads the burst flags %j', (argv, expected) => {
    expect(parse(argv)).toMatchObject({ scenario: 'burst', ...expected });
  });

  it('measures idle resources over twelve short resyncs, with room for the writes they might make', () => {
    expect(parse(['--idle', '--n', '1000'])).toMatchObject({
      scenario: 'idle',
      n: 1000,
      resyncSeconds: 5,
      seconds: 60,
      periodSeconds: 60,
      qps: 400,
      qpsFrom: 'bench',
    });
    expect(parse(['--idle', '--resync', '10'])).toMatchObject({ resyncSeconds: 10, seconds: 120 });
  });

  it('reads the cron and summary commands', () => {
    expect(parse(['cron', '--ms', '50'])).toEqual({
      command: 'cron',
      msPerCase: 50,
      outDir: 'results',
    });
    expect(parse(['summary', '--out', '/tmp/r'])).toEqual({ command: 'summary', outDir: '/tmp/r' });
  });

  it.each([
    [['--x', '1'], '--x', 'is not a flag'],
    [['--n'], '--n', 'needs a value'],
    [['--n', 'many'], '--n', 'must be a whole number'],
    [['--n', '0'], '--n', 'must be at least 1'],
    [['--seconds', '-5'], '--seconds', 'must be a whole number'],
    [['--period', '7'], '--period', 'must divide 60'],
    [['--period', '90'], '--period', 'must divide 60'],
    [['--qps', 'fast'], '--qps', 'must be a whole number or "install"'],
    [['--burst', '10'], '--burst', 'the controller CLIENT_BURST is --client-burst'],
    [['--burst=10'], '--burst', 'the controller CLIENT_BURST is --client-burst'],
    [['--burst', '--idle'], '--idle', 'is a scenario of its own'],
    [['--burst', '--period', '60'], '--period', 'does not apply to --burst'],
    [['--path', 'v1'], '--path', 'must be one of latest, embedded'],
    [['--bundle', '--no-bundle'], '--no-bundle', 'contradicts --bundle'],
    [['--bundle', '--controller', 'x.js'], '--controller', 'leave out --bundle'],
    [['--upstream', 'swf', '--bundle'], '--upstream', 'leave out --bundle'],
    [['--upstream', 'swf', '--cpu-prof'], '--upstream', 'leave out --cpu-prof'],
    [['--upstream', 'swf', '--controller', 'x.js'], '--upstream', 'leave out --controller'],
    [['--upstream', 'swf', '--node-flags', '--trace-gc'], '--upstream', 'leave out --node-flags'],
  ])('rejects %j naming the flag', (argv, flag, rule) => {
    const attempt = () => parse(argv);
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

  it.each([
    [100, 5, 50],
    [1_000, 5, 400],
    [10_000, 30, 667],
  ])('gives %i idle resources resynced every %i s a QPS of %i', (n, resync, qps) => {
    expect(defaultIdleQps(n, resync)).toBe(qps);
  });

  it.each([
    [100, 10, 80],
    [1_000, 10, 530],
    [100, 500, 60],
  ])('waits for a burst of %i at QPS %i up to %i s', (n, qps, seconds) => {
    expect(defaultBurstWaitSeconds(n, qps)).toBe(seconds);
  });
});
