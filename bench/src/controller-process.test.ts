import { runsScript, statCpuTicks, statusKib } from './controller-process.js';

describe('statusKib', () => {
  const status = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t   123456 kB\nVmRSS:\t   100000 kB\n';

  it.each([
    ['VmHWM', 123456],
    ['VmRSS', 100000],
  ])('reads %s', (name, kib) => {
    expect(statusKib(status, name)).toBe(kib);
  });

  it('names a missing line', () => {
    expect(() => statusKib(status, 'VmSwap')).toThrow('VmSwap');
  });
});

describe('statCpuTicks', () => {
  it('adds utime and stime, even when the command holds spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 1500 250 0 0 20 0 11 0 5000';
    expect(statCpuTicks(stat)).toBe(1750);
  });
});

describe('runsScript', () => {
  const script = '/repo/apps/swf-controller/dist/bin.js';
  const cmdline = (...args: string[]) => `${args.join('\0')}\0`;

  it.each([
    ['node running it', cmdline('/usr/bin/node', '--cpu-prof', script, 'run'), true],
    ['env about to exec node', cmdline('env', 'TZ=UTC', '/usr/bin/node', script, 'run'), true],
    [
      'the supervisor shell that has it as an argument',
      cmdline('sh', '-c', 'exec 3<&0', 'sh', 'env', script),
      false,
    ],
    ['another node program', cmdline('/usr/bin/node', 'other.js'), false],
  ])('tells %s', (_name, text, expected) => {
    expect(runsScript(text, script)).toBe(expected);
  });

  it.each([
    ['the binary running', cmdline('/tmp/swf-go', '--clientQPS=5'), true],
    ['env about to exec it', cmdline('env', 'KUBECONFIG=/k', '/tmp/swf-go', '--clientQPS=5'), true],
    ['another binary', cmdline('/tmp/other', '--clientQPS=5'), false],
  ])("tells upstream's binary: %s", (_name, text, expected) => {
    expect(runsScript(text, '/tmp/swf-go')).toBe(expected);
  });
});
