import {
  type KfpApiDouble,
  latestVersionScheduledWorkflow,
  markWorkflowSucceeded,
  type RecordedCall,
} from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  createSwf,
  getSwf,
  PIPELINE,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
  workflowsOf as workflowsOfSwf,
} from './env.js';

// The latest-version path against a double that behaves as the real KFP API server: CreateRun
// makes the run's Argo Workflow (named by generateName, owned by the ScheduledWorkflow), and its
// de-duplication is not atomic. The Workflows are the runs, as an operator counts them.

const TEAM = 'team-latest';
const EXPERIMENT = 'exp-latest';
// Short CreateRun deadline and grace period, so a slow server outlives a call within a test.
const DEADLINE_SECONDS = 2;
const GRACE_SECONDS = 4;
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;

beforeAll(async () => {
  stack = await startStack({
    namespaces: [TEAM],
    experiments: { [EXPERIMENT]: TEAM },
    env: {
      CREATE_RUN_TIMEOUT_SECONDS: String(DEADLINE_SECONDS),
      CREATE_RUN_GRACE_SECONDS: String(GRACE_SECONDS),
    },
  });
  ({ env, kfp } = stack);
}, 300_000);

afterAll(() => stack?.stop());

/** A recurring run as `CreateRecurringRun` writes it (the recorded shape), firing every two seconds. */
function recurringRun(name: string, spec: Partial<ScheduledWorkflow['spec']> = {}): ScheduledWorkflow {
  const recorded = latestVersionScheduledWorkflow({
    name,
    namespace: TEAM,
    experimentId: EXPERIMENT,
    pipelineId: PIPELINE.id,
    intervalSecond: 2,
    parameters: { text: 'hi' },
  });
  return { ...recorded, spec: { ...recorded.spec, ...spec } } as unknown as ScheduledWorkflow;
}

/** The Workflows of the ScheduledWorkflow `name` in this file's namespace. */
const workflowsOf = (name: string) => workflowsOfSwf(env, TEAM, name);

const indexOf = (wf: ArgoWorkflow) =>
  Number(wf.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowIndex']);
const runNameOf = (wf: ArgoWorkflow) => wf.metadata.annotations?.['pipelines.kubeflow.org/run_name'];

/** The double's calls for one recurring run. */
function callsOf(uid: string): RecordedCall[] {
  return kfp.calls.filter((c) => c.request.run?.recurringRunId === uid);
}

/** Display names called more than once: each would be a second start of the pipeline. */
function repeatedNames(calls: readonly RecordedCall[]): string[] {
  const names = calls.map((c) => c.request.run?.displayName ?? '');
  return names.filter((name, i) => names.indexOf(name) !== i);
}

describe('the latest-version path against a server that makes the Workflow', () => {
  it('makes one Workflow per run, labelled, annotated and owned as the KFP API server makes it', async () => {
    const created = await createSwf(env, recurringRun('labelled', { maxConcurrency: 10 }));
    const workflows = await waitFor(
      'two runs',
      async () => {
        const found = await workflowsOf('labelled');
        return found.length >= 2 ? found : undefined;
      },
      20_000,
    );
    const first = workflows.find((wf) => indexOf(wf) === 1) as ArgoWorkflow;
    expect(first.metadata.name).toMatch(new RegExp(`^${PIPELINE.name}-[a-z0-9]{5}$`));
    expect(first.metadata.labels).toMatchObject({
      'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'labelled',
      'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
      'scheduledworkflows.kubeflow.org/workflowIndex': '1',
    });
    expect(first.metadata.labels?.['pipeline/runid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ScheduledWorkflow',
        name: 'labelled',
        uid: created.metadata.uid,
        controller: true,
      }),
    ]);
    const calls = callsOf(created.metadata.uid as string);
    expect(runNameOf(first)).toBe(calls[0]?.request.run?.displayName);
    // One Workflow per index, one call per display name.
    const indexes = (await workflowsOf('labelled')).map(indexOf);
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(repeatedNames(calls)).toEqual([]);
  });

  it('holds the next run back under maxConcurrency 1 until the Workflow is labelled completed', async () => {
    const created = await createSwf(env, recurringRun('one-at-a-time', { maxConcurrency: 1, maxHistory: 2 }));
    const [first] = await waitFor('the first run', async () => {
      const found = await workflowsOf('one-at-a-time');
      return found.length === 1 ? found : undefined;
    });
    // Three fire times pass: the active run holds every one of them back.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await workflowsOf('one-at-a-time')).toHaveLength(1);
    expect(callsOf(created.metadata.uid as string)).toHaveLength(1);
    const active = await getSwf(env, TEAM, 'one-at-a-time');
    expect(active.status?.workflowHistory?.active?.map((w) => w.name)).toEqual([first?.metadata.name]);

    await markWorkflowSucceeded(env.admin, TEAM, first?.metadata.name as string);
    const second = await waitFor('the second run', async () => {
      const found = (await workflowsOf('one-at-a-time')).find((wf) => indexOf(wf) === 2);
      return found;
    });
    await markWorkflowSucceeded(env.admin, TEAM, second.metadata.name as string);
    await waitFor('the third run', async () =>
      (await workflowsOf('one-at-a-time')).find((wf) => indexOf(wf) === 3),
    );
    // maxHistory 2: the history holds the last two runs, 3 (active) and 2; run 1 has dropped out.
    const swf = await waitFor('the history after two completed runs', async () => {
      const current = await getSwf(env, TEAM, 'one-at-a-time');
      return current.status?.workflowHistory?.completed?.[0]?.name === second.metadata.name
        ? current
        : undefined;
    });
    expect(swf.status?.workflowHistory?.completed?.map((w) => w.index)).toEqual([2]);
    expect(swf.status?.workflowHistory?.active?.map((w) => w.index)).toEqual([3]);
    expect(repeatedNames(callsOf(created.metadata.uid as string))).toEqual([]);
  });

  it('makes one Workflow for a run whose CreateRun answers after the deadline, and goes on', async () => {
    kfp.setAnswerDelay((DEADLINE_SECONDS + 3) * 1000);
    const created = await createSwf(env, recurringRun('slow', { maxConcurrency: 10 }));
    const uid = created.metadata.uid as string;
    await waitFor('the first Workflow', async () =>
      (await workflowsOf('slow')).length > 0 ? true : undefined,
    );
    // The controller's deadline passes while the server still holds the call; then it answers fast again.
    await new Promise((resolve) => setTimeout(resolve, (DEADLINE_SECONDS + 1) * 1000));
    kfp.setAnswerDelay(0);
    const workflows = await waitFor(
      'three runs',
      async () => {
        const found = await workflowsOf('slow');
        return found.length >= 3 ? found : undefined;
      },
      30_000,
    );
    // Still one Workflow per run: the first run was recorded from its Workflow, not called again.
    const indexes = workflows.map(indexOf);
    expect(new Set(indexes).size).toBe(indexes.length);
    const runNames = workflows.map(runNameOf);
    expect(new Set(runNames).size).toBe(runNames.length);
    await waitFor('the slow call to end', async () => (callsOf(uid).length >= 3 ? true : undefined), 10_000);
    expect(repeatedNames(callsOf(uid))).toEqual([]);
    const swf = await getSwf(env, TEAM, 'slow');
    expect(swf.status?.conditions?.[0]?.type).toBe('Enabled');
  });
});
