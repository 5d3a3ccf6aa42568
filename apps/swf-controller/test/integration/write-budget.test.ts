import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { latestVersionScheduledWorkflow } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { DEFAULT_WORKERS } from '../../src/loop/controller.js';
import { createSwf, getSwf, PIPELINE, startStack, type TestStack, waitFor, workflowsOf } from './env.js';

// The top of the hour with a status-write budget far below the burst, as upstream's CLIENT_QPS=5
// is for 1,000 schedules: here CLIENT_QPS=4 / CLIENT_BURST=1 and twice as many schedules due on one
// second as the controller has workers. Every run must start at once (a CreateRun is not a
// Kubernetes write): a worker that waited for the budget to record its run would hold the runs
// after the first 32 back to the budget's pace, 8 s for the last. The status writes that record
// them follow at the budget's pace, and every run ends up recorded under its own index.

const TEAM = 'team-budget';
const EXPERIMENT = 'exp-budget';
const SCHEDULES = 2 * DEFAULT_WORKERS;
const PERIOD_SECONDS = 10;
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    namespaces: [TEAM],
    experiments: { [EXPERIMENT]: TEAM },
    env: { CLIENT_QPS: '4', CLIENT_BURST: '1' },
  });
}, 300_000);

afterAll(() => stack?.stop());

function recurringRun(name: string): ScheduledWorkflow {
  const recorded = latestVersionScheduledWorkflow({
    name,
    namespace: TEAM,
    experimentId: EXPERIMENT,
    pipelineId: PIPELINE.id,
    intervalSecond: PERIOD_SECONDS,
    parameters: { text: 'hi' },
  }) as unknown as ScheduledWorkflow;
  // Every schedule fires on the same seconds: second 0, 10, 20... of each minute.
  return {
    ...recorded,
    spec: {
      ...recorded.spec,
      trigger: { cronSchedule: { cron: `*/${PERIOD_SECONDS} * * * * *` } },
      maxConcurrency: 100,
    },
  };
}

const indexOf = (wf: ArgoWorkflow) =>
  Number(wf.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowIndex']);

async function disable(name: string): Promise<void> {
  await stack.env.custom.patchNamespacedCustomObject(
    {
      group: 'kubeflow.org',
      version: 'v1beta1',
      plural: 'scheduledworkflows',
      namespace: TEAM,
      name,
      body: { spec: { enabled: false } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

describe('a burst above the status-write budget', () => {
  it('starts every run due on one second at once, and records each under its own index as the budget allows', async () => {
    // Create every schedule just after one tick, so that all are first due on the next.
    const periodMs = PERIOD_SECONDS * 1000;
    await new Promise((resolve) => setTimeout(resolve, periodMs - (Date.now() % periodMs) + 200));
    const names = Array.from({ length: SCHEDULES }, (_, i) => `budget-${i}`);
    for (const name of names) await createSwf(stack.env, recurringRun(name));
    const tickMs = Math.ceil(Date.now() / periodMs) * periodMs;

    const firsts = await waitFor('the first run of every schedule', async () => {
      const calls = stack.kfp.calls.filter((c) => /-1-[0-9]+$/.test(c.request.run?.displayName ?? ''));
      return calls.length >= SCHEDULES ? calls : undefined;
    });
    const lateness = firsts.map((c) => c.receivedAt - tickMs);
    expect(Math.max(...lateness)).toBeLessThan(4_000);

    // Stop before the next tick; runs already on their way land.
    for (const name of names) await disable(name);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const displayNames = stack.kfp.calls.map((c) => c.request.run?.displayName);
    expect(displayNames.length - new Set(displayNames).size).toBe(0);
    // Every schedule's runs have the indexes 1..k, one Workflow each, and its status records k.
    for (const name of names) {
      const indexes = (await workflowsOf(stack.env, TEAM, name)).map(indexOf).sort((a, b) => a - b);
      expect(indexes).toEqual(indexes.map((_, i) => i + 1));
      const recorded = await waitFor(
        `${name}'s status to record its ${indexes.length} runs`,
        async () => {
          const swf = await getSwf(stack.env, TEAM, name);
          const last = swf.status?.trigger?.lastWorkflowIndex ?? 0;
          return last === indexes.length ? last : undefined;
        },
        60_000,
      );
      expect(recorded).toBe(indexes.length);
    }
  }, 120_000);
});
