import { CoreV1Api } from '@kubernetes/client-node';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import {
  createSwf,
  getSwf,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
  workflowsOf as workflowsOfSwf,
} from './env.js';

const TEAM = 'team-b';
const SWFS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;
const WORKFLOWS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;
let stack: TestStack;
let env: TestEnv;

const ARGO_SPEC = {
  entrypoint: 'main',
  arguments: {
    parameters: [
      { name: 'when', value: 'unset' },
      { name: 'run', value: 'unset' },
    ],
  },
  templates: [{ name: 'main', container: { image: 'busybox', command: ['echo', '{{workflow.uid}}'] } }],
};

beforeAll(async () => {
  // Identity off and no experiments: this file exercises the Workflow path only.
  stack = await startStack({
    namespaces: [TEAM],
    experiments: {},
    identity: false,
    flags: [`--namespace=${TEAM}`],
  });
  ({ env } = stack);
}, 300_000);

afterAll(() => stack?.stop());

/** The Workflows of the ScheduledWorkflow `name` in this file's namespace. */
const workflowsOf = (name: string) => workflowsOfSwf(env, TEAM, name);

describe('the embedded-spec path', () => {
  it('creates Argo Workflows with the canonical labels, owner and parameters', async () => {
    const swf = await createSwf(
      env,
      scheduledWorkflow(TEAM, 'every-second', {
        enabled: true,
        maxConcurrency: 10,
        trigger: { periodicSchedule: { intervalSecond: 1 } },
        workflow: {
          parameters: [
            { name: 'when', value: '[[ScheduledTime]]' },
            { name: 'run', value: '[[Index]]' },
          ],
          spec: ARGO_SPEC,
        },
      }),
    );
    const workflows = await waitFor('two workflows', async () => {
      const found = await workflowsOf('every-second');
      return found.length >= 2 ? found : undefined;
    });
    const first = workflows.find(
      (w) => w.metadata?.labels?.['scheduledworkflows.kubeflow.org/workflowIndex'] === '1',
    ) as ArgoWorkflow & {
      metadata: { ownerReferences: Array<Record<string, unknown>> };
      spec: {
        arguments: { parameters: Array<{ name: string; value: string }> };
        podMetadata: { labels: Record<string, string> };
      };
    };
    expect(first.metadata?.labels).toMatchObject({
      'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'every-second',
      'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
    });
    const epoch = Number(first.metadata?.labels?.['scheduledworkflows.kubeflow.org/workflowEpoch']);
    expect(first.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ScheduledWorkflow',
        name: 'every-second',
        uid: swf.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
    const runId = first.metadata?.labels?.['pipeline/runid'];
    expect(first.spec.podMetadata.labels['pipeline/runid']).toBe(runId);
    expect(first.spec.arguments.parameters).toEqual([
      { name: 'when', value: new Date(epoch * 1000).toISOString().replace(/[-:T]|\.\d+Z/g, '') },
      { name: 'run', value: '1' },
    ]);
    expect(JSON.stringify(first.spec)).toContain(`"echo","${runId}"`);
  });

  it('keeps at most maxConcurrency active, and starts the next when one completes', async () => {
    await createSwf(
      env,
      scheduledWorkflow(TEAM, 'one-at-a-time', {
        enabled: true,
        maxConcurrency: 1,
        trigger: { periodicSchedule: { intervalSecond: 1 } },
        workflow: { spec: ARGO_SPEC },
      }),
    );
    const [first] = await waitFor('a workflow', async () => {
      const found = await workflowsOf('one-at-a-time');
      return found.length >= 1 ? found : undefined;
    });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await workflowsOf('one-at-a-time')).toHaveLength(1);
    await env.custom.patchNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      plural: 'workflows',
      namespace: TEAM,
      name: first?.metadata?.name as string,
      body: [
        { op: 'add', path: '/metadata/labels/workflows.argoproj.io~1completed', value: 'true' },
        { op: 'add', path: '/status', value: { phase: 'Succeeded' } },
      ],
    });
    const after = await waitFor('a second workflow', async () => {
      const found = await workflowsOf('one-at-a-time');
      return found.length >= 2 ? found : undefined;
    });
    expect(after).toHaveLength(2);
    const swf = await waitFor('history with the completed run', async () => {
      const current = await getSwf(env, TEAM, 'one-at-a-time');
      return current.status?.workflowHistory?.completed?.length ? current : undefined;
    });
    expect(swf.status?.workflowHistory?.completed?.[0]).toMatchObject({
      name: first?.metadata?.name,
      phase: 'Succeeded',
    });
  });

  it('waits, with a Warning, for a Workflow an earlier resource of the same name left, then starts the run under that name', async () => {
    const spec = {
      enabled: true,
      maxConcurrency: 1,
      trigger: { periodicSchedule: { intervalSecond: 1 } },
      workflow: { spec: ARGO_SPEC },
    };
    const old = await createSwf(env, scheduledWorkflow(TEAM, 'again', spec));
    const [left] = await waitFor('the first run', async () => {
      const found = await workflowsOf('again');
      return found.length === 1 ? found : undefined;
    });
    const leftName = left?.metadata?.name as string;
    // Deleted; no garbage collector runs here, so its Workflow stays, as it does in a cluster until
    // the collector gets to it (or for good, when told to orphan it).
    await env.custom.deleteNamespacedCustomObject({ ...SWFS, namespace: TEAM, name: 'again' });
    await waitFor('the resource to be gone', () =>
      getSwf(env, TEAM, 'again').then(
        () => undefined,
        () => true,
      ),
    );
    const created = await createSwf(env, scheduledWorkflow(TEAM, 'again', spec));

    const warning = await waitFor('a Warning naming the Workflow that holds the run back', async () => {
      const events = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({
        namespace: TEAM,
        fieldSelector: `involvedObject.uid=${created.metadata.uid}`,
      });
      return events.items.find((e) => e.type === 'Warning');
    });
    expect(warning.message).toContain(
      `Workflow ${leftName} already exists with owner uid ${old.metadata.uid}`,
    );
    expect((await getSwf(env, TEAM, 'again')).status?.trigger?.lastWorkflowIndex ?? 0).toBe(0);

    await env.custom.deleteNamespacedCustomObject({ ...WORKFLOWS, namespace: TEAM, name: leftName });
    const started = await waitFor('the new resource to start its first run', async () => {
      const found = await workflowsOf('again');
      return found.find((w) => w.metadata.ownerReferences?.[0]?.uid === created.metadata.uid);
    });
    expect(started.metadata.name).toBe(leftName);
    await waitFor('the run to be recorded', async () =>
      (await getSwf(env, TEAM, 'again')).status?.trigger?.lastWorkflowIndex === 1 ? true : undefined,
    );
  });
});
