import { CoreV1Api } from '@kubernetes/client-node';
import type { KfpApiDouble } from '@swf/testkit';
import { fnv32a } from '../../src/domain/names.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  CONTROLLER_IDENTITY,
  createSwf,
  getSwf,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
} from './env.js';

const TEAM = 'team-a';
const EXPERIMENT = 'exp-team-a';
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;

beforeAll(async () => {
  stack = await startStack({ namespaces: [TEAM], experiments: { [EXPERIMENT]: TEAM } });
  ({ env, kfp } = stack);
}, 300_000);

afterAll(() => stack?.stop());

const everyTwoSeconds = { cronSchedule: { cron: '*/2 * * * * *' } };

function latestVersionSwf(name: string, extra: Partial<ScheduledWorkflow['spec']> = {}): ScheduledWorkflow {
  return scheduledWorkflow(TEAM, name, {
    enabled: true,
    maxConcurrency: 10,
    trigger: everyTwoSeconds,
    experimentId: EXPERIMENT,
    pipelineId: 'pipeline-1',
    pipelineVersionId: '',
    serviceAccount: 'pipeline-runner',
    workflow: {
      parameters: [
        { name: 'epochs', value: '3' },
        { name: 'label', value: '"nightly"' },
      ],
    },
    ...extra,
  });
}

describe('the latest-version path in multi-user mode', () => {
  it('creates runs through CreateRun carrying the controller identity, allowed by the generated RBAC', async () => {
    const created = await createSwf(env, latestVersionSwf('nightly'));
    const calls = () => kfp.calls.filter((c) => c.request.run?.recurringRunId === created.metadata.uid);
    await waitFor(
      'two runs',
      async () => (calls().filter((c) => c.outcome === 'created').length >= 2 ? true : undefined),
      20_000,
    );
    const first = calls()[0];
    expect(first?.identity).toBe(CONTROLLER_IDENTITY);
    expect(first?.outcome).toBe('created');
    expect(first?.metadataKeys).not.toContain('authorization');
    expect(first?.request.run?.displayName).toBe(`nightly-1-${fnv32a('nightly-1')}`);
    expect(first?.request.experimentId).toBe(EXPERIMENT);
    expect(first?.request.run?.runtimeConfig?.parameters).toEqual({ epochs: 3, label: 'nightly' });
    expect(first?.request.run?.pipelineVersionReference).toEqual({
      pipelineId: 'pipeline-1',
      pipelineVersionId: '',
    });
    expect(first?.request.run?.serviceAccount).toBe('pipeline-runner');
  });

  it('records the trigger, condition and labels in the status', async () => {
    const swf = await waitFor('status with two runs', async () => {
      const current = await getSwf(env, TEAM, 'nightly');
      return (current.status?.trigger?.lastWorkflowIndex ?? 0) >= 2 ? current : undefined;
    });
    expect(swf.status?.conditions).toEqual([
      { type: 'Enabled', status: 'True', reason: 'Enabled', message: 'The schedule is enabled.' },
    ]);
    expect(swf.metadata.labels).toMatchObject({
      'scheduledworkflows.kubeflow.org/enabled': 'true',
      'scheduledworkflows.kubeflow.org/status': 'Enabled',
    });
    const last = Date.parse(swf.status?.trigger?.lastTriggeredTime ?? '');
    const next = Date.parse(swf.status?.trigger?.nextTriggeredTime ?? '');
    expect(next - last).toBe(2_000);
  });

  it('fires at each fire time, not at the resync: three runs within seconds under a 300 s resync', async () => {
    const created = await createSwf(env, latestVersionSwf('punctual'));
    const times = await waitFor(
      'three runs',
      async () => {
        const found = kfp.calls
          .filter((c) => c.request.run?.recurringRunId === created.metadata.uid && c.outcome === 'created')
          .map((c) => c.at);
        return found.length >= 3 ? found : undefined;
      },
      20_000,
    );
    // Runs two seconds apart on the schedule; the resync alone would space them 300 s apart.
    const gaps = times.slice(1, 3).map((t, i) => t - (times[i] as number));
    for (const gap of gaps) expect(gap).toBeLessThan(5_000);
  });

  it('makes nothing for a disabled schedule', async () => {
    const created = await createSwf(env, latestVersionSwf('disabled', { enabled: false }));
    const swf = await waitFor('a status', async () => {
      const current = await getSwf(env, TEAM, 'disabled');
      return current.status?.conditions ? current : undefined;
    });
    expect(swf.status?.conditions?.[0]?.type).toBe('Disabled');
    expect(swf.metadata.labels?.['scheduledworkflows.kubeflow.org/enabled']).toBe('false');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(kfp.calls.filter((c) => c.request.run?.recurringRunId === created.metadata.uid)).toEqual([]);
  });

  it('reports an invalid cron as an Error condition and a Warning event, and keeps serving others', async () => {
    await createSwf(env, latestVersionSwf('broken', { trigger: { cronSchedule: { cron: '61 * * * * *' } } }));
    const swf = await waitFor('an Error condition', async () => {
      const current = await getSwf(env, TEAM, 'broken');
      return current.status?.conditions?.[0]?.type === 'Error' ? current : undefined;
    });
    expect(swf.status?.conditions?.[0]?.message).toContain('spec.trigger.cronSchedule.cron');
    const events = await waitFor('a Warning event', async () => {
      const list = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: TEAM });
      const found = list.items.filter((e) => e.involvedObject.name === 'broken' && e.type === 'Warning');
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]?.reason).toBe('InvalidSpec');
    const before = kfp.calls.length;
    await waitFor(
      'other schedules to keep firing',
      async () => (kfp.calls.length > before ? true : undefined),
      10_000,
    );
  });
});
