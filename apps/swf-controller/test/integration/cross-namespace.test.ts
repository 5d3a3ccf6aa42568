import { CoreV1Api, type CoreV1Event, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { type KfpApiDouble, latestVersionScheduledWorkflow } from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  CONTROLLER_IDENTITY,
  createSwf,
  getSwf,
  PIPELINE,
  type RunningController,
  stackControllerSettings,
  startController,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
  workflowsOf,
} from './env.js';

// A latest-version ScheduledWorkflow names an experiment, and the KFP API server starts its runs in
// that experiment's namespace with the controller's cluster-wide permission. Against the real
// control plane with the generated RBAC and the double reviewing every call there: one naming
// another namespace's experiment starts nothing, unless the install turns the check off. As against
// the real server, the confused deputy is a recurring run made through KFP whose resource is edited
// afterwards to name another namespace's experiment: one made directly has no job row, and KFP
// refuses its runs whatever the controller does.

const TEAM_A = 'team-a';
const TEAM_B = 'team-b';
const EXPERIMENT_A = 'exp-team-a';
const EXPERIMENT_B = 'exp-team-b';
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;
let permissive: RunningController | undefined;

beforeAll(async () => {
  stack = await startStack({
    namespaces: [TEAM_A, TEAM_B],
    experiments: { [EXPERIMENT_A]: TEAM_A, [EXPERIMENT_B]: TEAM_B },
  });
  ({ env, kfp } = stack);
}, 300_000);

afterAll(async () => {
  await permissive?.stop();
  await stack?.stop();
});

/** A recurring run in team-a, as `CreateRecurringRun` writes it, firing every second. */
function recurringRun(name: string, experimentId: string, enabled = true): ScheduledWorkflow {
  return latestVersionScheduledWorkflow({
    name,
    namespace: TEAM_A,
    experimentId,
    pipelineId: PIPELINE.id,
    intervalSecond: 1,
    enabled,
  }) as unknown as ScheduledWorkflow;
}

/** Edits the resource of a recurring run in team-a, as someone who may write it there. */
async function edit(name: string, spec: Partial<ScheduledWorkflow['spec']>): Promise<void> {
  await env.custom.patchNamespacedCustomObject(
    {
      group: 'kubeflow.org',
      version: 'v1beta1',
      plural: 'scheduledworkflows',
      namespace: TEAM_A,
      name,
      body: { spec },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

const callsOf = (uid: string | undefined) => kfp.calls.filter((c) => c.request.run?.recurringRunId === uid);

async function warningsOf(name: string): Promise<CoreV1Event[]> {
  const list = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: TEAM_A });
  return list.items.filter((e) => e.involvedObject.name === name && e.type === 'Warning');
}

describe("a ScheduledWorkflow naming another namespace's experiment", () => {
  it('makes nothing and says why, while one naming its own keeps running', async () => {
    const own = await createSwf(env, recurringRun('own', EXPERIMENT_A));
    // Made through KFP disabled, so it runs nothing before the edit turns it on, naming team-b's experiment.
    const foreign = await createSwf(env, recurringRun('foreign', EXPERIMENT_A, false));
    const foreignUid = foreign.metadata.uid;
    await edit('foreign', { experimentId: EXPERIMENT_B, enabled: true });

    const refused = await waitFor('the Error condition', async () => {
      const condition = (await getSwf(env, TEAM_A, 'foreign')).status?.conditions?.[0];
      return condition?.type === 'Error' ? condition : undefined;
    });
    expect(refused.reason).toBe('CrossNamespaceExperiment');
    expect(refused.message).toMatch(
      /^spec\.experimentId: experiment exp-team-b belongs to namespace team-b, /,
    );
    const [warning] = await waitFor('a Warning event', async () => {
      const found = await warningsOf('foreign');
      return found.length > 0 ? found : undefined;
    });
    expect(warning?.reason).toBe('CrossNamespaceExperiment');
    expect(warning?.message).toContain('namespace team-b');
    expect(warning?.message).toContain("resource's namespace team-a");

    await waitFor(
      'three runs of the one naming its own experiment',
      async () => ((await workflowsOf(env, TEAM_A, 'own')).length >= 3 ? true : undefined),
      20_000,
    );
    expect(callsOf(own.metadata.uid).every((c) => c.outcome === 'created')).toBe(true);
    expect(callsOf(foreignUid)).toEqual([]);
    expect(await workflowsOf(env, TEAM_A, 'foreign')).toEqual([]);
    expect(await workflowsOf(env, TEAM_B, 'foreign')).toEqual([]);
    const current = await getSwf(env, TEAM_A, 'foreign');
    expect(current.status?.trigger?.lastWorkflowIndex).toBeUndefined();
    expect(current.status?.conditions?.[0]?.reason).toBe('CrossNamespaceExperiment');
    // Each experiment read once, as the controller, which the generated RBAC allows in every namespace.
    expect(kfp.experimentCalls.map((c) => [c.experimentId, c.identity, c.outcome]).sort()).toEqual([
      [EXPERIMENT_A, CONTROLLER_IDENTITY, 'found'],
      [EXPERIMENT_B, CONTROLLER_IDENTITY, 'found'],
    ]);
  });

  it('runs in the experiment\u2019s namespace, unread, once the install turns the check off', async () => {
    const reads = kfp.experimentCalls.length;
    await stack.controller.stop();
    permissive = startController(
      ...stackControllerSettings(env, kfp, { flags: ['--allowCrossNamespaceExperiments'] }),
    );
    // A recurring run made through KFP with its own experiment, then edited to team-b's.
    const foreign = await createSwf(env, recurringRun('foreign-unchecked', EXPERIMENT_A, false));
    const foreignUid = foreign.metadata.uid;
    await edit('foreign-unchecked', { experimentId: EXPERIMENT_B, enabled: true });

    await waitFor(
      'a run in team-b',
      async () => ((await workflowsOf(env, TEAM_B, 'foreign-unchecked')).length > 0 ? true : undefined),
      20_000,
    );
    expect(callsOf(foreignUid).map((c) => [c.request.run?.experimentId, c.outcome])).toContainEqual([
      EXPERIMENT_B,
      'created',
    ]);
    const swf = await waitFor('the status recording its run', async () => {
      const current = await getSwf(env, TEAM_A, 'foreign-unchecked');
      return (current.status?.trigger?.lastWorkflowIndex ?? 0) >= 1 ? current : undefined;
    });
    expect(swf.status?.conditions?.[0]?.type).toBe('Enabled');
    expect(kfp.experimentCalls).toHaveLength(reads);
  });
});
