import { CoreV1Api } from '@kubernetes/client-node';
import type { KfpApiDouble } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import {
  createSwf,
  getSwf,
  type RunningController,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
} from './env.js';

const TEAM = 'team-c';
const EXPERIMENT = 'exp-team-c';
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;
let controller: RunningController;

beforeAll(async () => {
  // Identity off and no token file: what an upstream controller sends in multi-user mode.
  stack = await startStack({ namespaces: [TEAM], experiments: { [EXPERIMENT]: TEAM }, identity: false });
  ({ env, kfp, controller } = stack);
}, 300_000);

afterAll(() => stack?.stop());

async function get(path: string): Promise<{ status: number; text: string }> {
  const port = await controller.metricsPort;
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

describe('with the identity off in a multi-user cluster', () => {
  it('shows UNAUTHENTICATED as a Warning event and an Error condition', async () => {
    await createSwf(
      env,
      scheduledWorkflow(TEAM, 'latest', {
        enabled: true,
        trigger: { cronSchedule: { cron: '*/2 * * * * *' } },
        experimentId: EXPERIMENT,
        pipelineId: 'p',
      }),
    );
    const swf = await waitFor('an Error condition', async () => {
      const current = await getSwf(env, TEAM, 'latest');
      return current.status?.conditions?.[0]?.type === 'Error' ? current : undefined;
    });
    expect(swf.status?.conditions?.[0]).toMatchObject({ reason: 'SubmitFailed', status: 'True' });
    // The experiment read before CreateRun is the call that failed: the condition names it.
    expect(swf.status?.conditions?.[0]?.message).toMatch(
      /^ExperimentService\.GetExperiment: experiment exp-team-c: 16 UNAUTHENTICATED: Failed to fetch experiment: /,
    );
    expect(swf.status?.conditions?.[0]?.message).toContain('there is no user identity header');
    const event = await waitFor('a Warning event', async () => {
      const list = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: TEAM });
      return list.items.find((e) => e.involvedObject.name === 'latest' && e.type === 'Warning');
    });
    expect(event.reason).toBe('Failed');
    expect(event.message).toContain('UNAUTHENTICATED');
    expect(kfp.calls.every((c) => typeof c.outcome === 'object' && c.outcome.code === 16)).toBe(true);
    expect(kfp.experimentCalls.map((c) => c.outcome)).toContainEqual(expect.objectContaining({ code: 16 }));
  });

  it('keeps working: an embedded-spec schedule still makes workflows, and /metrics, /healthz and /readyz show it', async () => {
    await createSwf(
      env,
      scheduledWorkflow(TEAM, 'embedded', {
        enabled: true,
        maxConcurrency: 10,
        trigger: { periodicSchedule: { intervalSecond: 1 } },
        workflow: {
          spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
        },
      }),
    );
    await waitFor('workflows', async () => {
      const list = (await env.custom.listNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        plural: 'workflows',
        namespace: TEAM,
      })) as { items: ArgoWorkflow[] };
      return list.items.length >= 2 ? true : undefined;
    });

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    for (const name of [
      'process_scheduled_workflow_duration_seconds',
      'scheduled_workflow_duration_operation_seconds',
      'scheduled_workflow_queue_size',
      'scheduled_workflow_throughput_total',
      'scheduled_workflow_trigger_lateness_seconds_bucket{le="1",path="workflow"}',
      'scheduled_workflow_kube_writes_total{kind="create"}',
    ]) {
      expect(metrics.text).toContain(name);
    }
    expect(await get('/healthz')).toEqual({ status: 200, text: 'ok' });
    expect(await get('/readyz')).toEqual({ status: 200, text: 'ok' });
  });
});
