import { CoreV1Api } from '@kubernetes/client-node';
import { latestVersionScheduledWorkflow } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  createSwf,
  getSwf,
  PIPELINE,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
  workflowsOf,
} from './env.js';

// A status set back while the Workflows stay: the CRD has no status subresource, so a restore from
// an older backup or a `kubectl replace` of an old copy puts an old status.trigger over a resource
// whose later runs exist. Each test replaces the object with its status from after run 1 while
// runs 2.. exist, and checks, by the tick each run was made for, that every tick (before and after
// the rollback) ran exactly once, and that a Warning says the status was behind.

const TEAM = 'team-rollback';
const EXPERIMENT = 'exp-rollback';
const SWFS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;
const EPOCH = 'scheduledworkflows.kubeflow.org/workflowEpoch';
const INDEX = 'scheduledworkflows.kubeflow.org/workflowIndex';
let stack: TestStack;
let env: TestEnv;

beforeAll(async () => {
  stack = await startStack({ namespaces: [TEAM], experiments: { [EXPERIMENT]: TEAM } });
  ({ env } = stack);
}, 300_000);

afterAll(() => stack?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Date.now() / 1000;

/** `[[ScheduledTime]]` as the controller formats it by default (Go's 20060102150405, UTC) to epoch seconds. */
function macroEpoch(text: string): number {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(text) ?? [];
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
}

/** How a path tells the tick each run was made for. */
interface Path {
  readonly name: string;
  /** Seconds between ticks (a cron with seconds, so ticks lie on a grid). */
  readonly period: number;
  /** Runs that exist when the status is set back. */
  readonly runsBefore: number;
  /** Ticks after the rollback that must each run once. */
  readonly ticksAfter: number;
  body(name: string, noCatchup: boolean): ScheduledWorkflow;
  /** The tick of each run started so far (one entry per run). */
  ticks(name: string, uid: string): Promise<number[]>;
  /** Seconds after `tick` its run was made (undefined when it was not). */
  lateness(name: string, uid: string, tick: number): Promise<number | undefined>;
}

const EMBEDDED: Path = {
  name: 'embedded spec',
  period: 2,
  runsBefore: 5,
  ticksAfter: 4,
  body: (name, noCatchup) =>
    scheduledWorkflow(TEAM, name, {
      enabled: true,
      noCatchup,
      maxConcurrency: 100,
      trigger: { cronSchedule: { cron: '*/2 * * * * *' } },
      workflow: {
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
      },
    }),
  // The controller labels its Workflow with the tick it was made for.
  ticks: async (name) =>
    (await workflowsOf(env, TEAM, name)).map((wf) => Number(wf.metadata.labels?.[EPOCH])),
  lateness: async (name, _uid, tick) => {
    const run = (await workflowsOf(env, TEAM, name)).find(
      (wf) => Number(wf.metadata.labels?.[EPOCH]) === tick,
    );
    return run && Date.parse(String(run.metadata.creationTimestamp)) / 1000 - tick;
  },
};

const LATEST_VERSION: Path = {
  name: 'latest version',
  period: 5,
  runsBefore: 4,
  ticksAfter: 3,
  body: (name, noCatchup) => {
    const recorded = latestVersionScheduledWorkflow({
      name,
      namespace: TEAM,
      experimentId: EXPERIMENT,
      pipelineId: PIPELINE.id,
      cron: '*/5 * * * * *',
      noCatchup,
      maxConcurrency: 100,
      parameters: { tick: '[[ScheduledTime]]' },
    });
    return recorded as unknown as ScheduledWorkflow;
  },
  // The API server labels its Workflow with the second it made it, so the tick is read from the
  // run's parameters, where the controller expands [[ScheduledTime]]: one per call that made a run.
  ticks: async (_name, uid) =>
    stack.kfp.calls
      .filter((c) => c.request.run?.recurringRunId === uid && c.workflow !== null)
      .map((c) => macroEpoch(String(c.request.run?.runtimeConfig?.parameters?.tick))),
  lateness: async (_name, uid, tick) => {
    const call = stack.kfp.calls.find(
      (c) =>
        c.request.run?.recurringRunId === uid &&
        c.workflow !== null &&
        macroEpoch(String(c.request.run?.runtimeConfig?.parameters?.tick)) === tick,
    );
    return call && call.receivedAt / 1000 - tick;
  },
};

/** Replaces the object, as `kubectl replace` of an old copy does, with `status` over its current metadata and spec. */
async function replaceStatus(name: string, status: ScheduledWorkflow['status']): Promise<void> {
  for (;;) {
    const current = await getSwf(env, TEAM, name);
    try {
      await env.custom.replaceNamespacedCustomObject({
        ...SWFS,
        namespace: TEAM,
        name,
        body: { ...current, status },
      });
      return;
    } catch (error) {
      // The controller wrote meanwhile: replace over the newer copy.
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }
}

async function warningsOf(uid: string) {
  const events = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({
    namespace: TEAM,
    fieldSelector: `involvedObject.uid=${uid},reason=StatusBehindWorkflows`,
  });
  return events.items.filter((e) => e.type === 'Warning');
}

describe.each([EMBEDDED, LATEST_VERSION])('a status set back while its Workflows stay: $name', (path) => {
  it.each([
    ['with catch-up', false],
    ['without catch-up', true],
  ])(
    'runs every tick after the rollback exactly once, %s, and warns',
    async (_case, noCatchup) => {
      const name = `${path === EMBEDDED ? 'e' : 'l'}-${noCatchup ? 'nocatchup' : 'catchup'}`;
      const created = await createSwf(env, path.body(name, noCatchup));
      const uid = created.metadata.uid as string;
      const afterFirst = await waitFor(
        'the status after run 1',
        async () => {
          const swf = await getSwf(env, TEAM, name);
          return swf.status?.trigger?.lastWorkflowIndex === 1 ? swf : undefined;
        },
        (path.period + 5) * 1000,
        50,
      );
      await waitFor(
        `${path.runsBefore} runs`,
        async () => ((await path.ticks(name, uid)).length >= path.runsBefore ? true : undefined),
        (path.period * (path.runsBefore + 2) + 5) * 1000,
      );

      await replaceStatus(name, afterFirst.status);
      const rolledBackAt = nowSeconds();
      const until = (Math.floor(rolledBackAt / path.period) + path.ticksAfter) * path.period;
      // Each tick up to `until` has had a second to start.
      await sleep((until + 1 - nowSeconds()) * 1000);

      const ticks = (await path.ticks(name, uid)).sort((a, b) => a - b);
      const first = ticks[0] as number;
      const due: number[] = [];
      for (let tick = first; tick <= until; tick += path.period) due.push(tick);
      if (process.env.ROLLBACK_FIGURES) {
        const after = due.filter((tick) => tick > rolledBackAt);
        const ran = after.filter((tick) => ticks.includes(tick));
        const twice = ticks.filter((tick, i) => ticks.indexOf(tick) !== i);
        const firstLateSeconds = await path.lateness(name, uid, after[0] as number);
        console.info(
          JSON.stringify({
            path: path.name,
            noCatchup,
            dueAfter: after.length,
            ranAfter: ran.length,
            twice,
            firstLateSeconds,
          }),
        );
      }
      // Every tick from the first run's to `until` once: none twice, none missing after the rollback.
      expect(ticks.filter((tick) => tick <= until)).toEqual(due);
      const recovered = ticks.find((tick) => tick > rolledBackAt);
      expect(recovered).toBeDefined();

      const swf = await getSwf(env, TEAM, name);
      const indexes = (await workflowsOf(env, TEAM, name)).map((wf: ArgoWorkflow) =>
        Number(wf.metadata.labels?.[INDEX]),
      );
      expect(new Set(indexes).size).toBe(indexes.length);
      expect(swf.status?.trigger?.lastWorkflowIndex).toBe(Math.max(...indexes));
      const [warning] = await waitFor('the Warning', async () => {
        const found = await warningsOf(uid);
        return found.length > 0 ? found : undefined;
      });
      expect(warning?.message).toContain("status.trigger is behind this ScheduledWorkflow's Workflows");
      await env.custom.deleteNamespacedCustomObject({ ...SWFS, namespace: TEAM, name });
    },
    90_000,
  );
});
