import { parseOptions, StackOptionError } from './options.js';

describe('parseOptions', () => {
  it('runs locally, live, until Ctrl-C by default', () => {
    expect(parseOptions([], true)).toEqual({
      kubeconfig: null,
      durationSeconds: null,
      plain: false,
      namespace: 'team-a',
      controllerNamespace: 'kubeflow',
      kfpAddress: '127.0.0.1:8887',
      experimentId: null,
      pipelineId: null,
    });
  });

  it.each([
    [['--plain'], true, true],
    [[], false, true],
  ])('prints JSON lines for %j when a terminal is %s', (argv, isTty, plain) => {
    expect(parseOptions(argv, isTty)?.plain).toBe(plain);
  });

  it('reads the cluster options', () => {
    expect(
      parseOptions(
        ['--kubeconfig', '/k', '--kfp=10.0.0.1:8887', '--experiment=e', '--pipeline=p', '--duration=15'],
        true,
      ),
    ).toMatchObject({
      kubeconfig: '/k',
      kfpAddress: '10.0.0.1:8887',
      experimentId: 'e',
      pipelineId: 'p',
      durationSeconds: 15,
    });
  });

  it('skips the -- that pnpm passes on', () => {
    expect(parseOptions(['--', '--duration=3'], true)?.durationSeconds).toBe(3);
  });

  it('answers --help with null', () => {
    expect(parseOptions(['--help'], true)).toBeNull();
  });

  it.each([
    [['--duration=0'], '--duration'],
    [['--duration=soon'], '--duration'],
    [['--namespace=Team_A'], '--namespace'],
    [['--kfp=ml-pipeline'], '--kfp'],
    [['--bogus'], 'command line'],
  ])('refuses %j naming %s', (argv, option) => {
    expect(() => parseOptions(argv, true)).toThrow(StackOptionError);
    expect(() => parseOptions(argv, true)).toThrow(option);
  });
});
