import { ConfigError } from '../config/config.js';
import { type RunNowPatcher, runNowCommand } from './run-now.js';

const NOW = Date.parse('2026-03-01T10:00:00.123Z');

/** Records what would be patched (the real patch is tested against a kube-apiserver). */
function recorder() {
  const patches: Array<{ target: Parameters<RunNowPatcher>[0]; annotations: Record<string, string> }> = [];
  const patch: RunNowPatcher = async (target, annotations) => {
    patches.push({ target, annotations });
  };
  return { patches, patch };
}

async function configError(argv: string[]): Promise<ConfigError> {
  const { patch, patches } = recorder();
  const error = await runNowCommand(argv, {}, NOW, patch).then(
    () => new Error('expected a ConfigError'),
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw error;
  expect(patches).toEqual([]);
  return error;
}

describe('swf-controller run-now', () => {
  it('patches only the run-now annotation, with the current time by default', async () => {
    const { patch, patches } = recorder();
    const answer = await runNowCommand(['team-a/nightly'], {}, NOW, patch);
    expect(answer).toEqual({ scheduledWorkflow: 'team-a/nightly', runNow: '2026-03-01T10:00:00.123Z' });
    expect(patches).toEqual([
      {
        target: { namespace: 'team-a', name: 'nightly', kubeconfig: '', inCluster: false },
        annotations: { 'scheduledworkflows.kubeflow.org/run-now': '2026-03-01T10:00:00.123Z' },
      },
    ]);
  });

  it('takes --value and --kubeconfig, and knows when it runs in a pod', async () => {
    const { patch, patches } = recorder();
    await runNowCommand(
      ['--kubeconfig', '/home/me/.kube/prod', 'team-a/rr.every-10s', '--value=backfill-3'],
      { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      NOW,
      patch,
    );
    expect(patches[0]).toEqual({
      target: {
        namespace: 'team-a',
        name: 'rr.every-10s',
        kubeconfig: '/home/me/.kube/prod',
        inCluster: true,
      },
      annotations: { 'scheduledworkflows.kubeflow.org/run-now': 'backfill-3' },
    });
  });

  it.each([
    [[], '<namespace>/<name>', 'give exactly one ScheduledWorkflow'],
    [
      ['a/b', 'c/d'],
      '<namespace>/<name>',
      'give exactly one ScheduledWorkflow, as <namespace>/<name>, got 2',
    ],
    [['nightly'], '<namespace>/<name>', 'must be <namespace>/<name>, got "nightly"'],
    [['a/b/c'], '<namespace>/<name>', 'must be <namespace>/<name>'],
    [['/nightly'], '<namespace>/<name>', 'must be <namespace>/<name>'],
    [['Team_A/nightly'], '<namespace>/<name>', '"Team_A" is not a valid namespace name'],
    [['team-a/Nightly'], '<namespace>/<name>', '"Nightly" is not a valid resource name'],
    [['team-a/x', '--value='], '--value', 'must not be empty'],
    [['team-a/x', '--value', 'v'.repeat(257)], '--value', 'must be at most 256 characters'],
    [['team-a/x', '--now'], 'run-now', "Unknown option '--now'"],
  ])('rejects %j naming %s', async (argv, setting, rule) => {
    const error = await configError(argv);
    expect(error.setting).toBe(setting);
    expect(error.rule).toContain(rule);
  });
});
