import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import type { KfpApiDouble } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  createSwf,
  getSwf,
  scheduledWorkflow,
  startEnv,
  startKfpDouble,
  type TestEnv,
} from '../integration/env.js';
import {
  ARGO_SPEC,
  ControllerProcess,
  callsOf,
  controllerFlags,
  createdOf,
  embeddedSwf,
  everySeconds,
  latestVersionSwf,
  multiUserEnv,
  paths,
  percentile,
  poll,
  report,
  runIndex,
  type Seen,
  sleep,
  tickOf,
  watchAll,
  within,
  workflowRun,
  workflowsOf,
} from './harness.js';

const TEAM = 'bad-input';
const EXPERIMENT = 'exp-bad-input';
const GOOD = 100;
const SECONDS = 10;
/** Long enough for every good schedule to fire at least twice. */
const OBSERVE_MS = 25_000;
/** A run is on time when submitted within this long of its tick, with ten resources due each second. */
const ON_TIME_S = 2;

let env: TestEnv;
let kfp: KfpApiDouble;
let controller: ControllerProcess;
let workflowWatch: { readonly seen: Seen<ArgoWorkflow>[]; stop(): void };

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  workflowWatch = watchAll<ArgoWorkflow>(env, paths.workflows(TEAM));
  controller = await ControllerProcess.start('bad-input', controllerFlags(env, kfp), multiUserEnv());
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  workflowWatch?.stop();
  await kfp?.close();
  await env?.stop();
});

/** Broken resources, each with the field its Error condition and Warning event must name. */
const BROKEN: Array<{ swf: ScheduledWorkflow; field: string }> = [
  {
    swf: latestVersionSwf(TEAM, 'broken-cron', EXPERIMENT, SECONDS, {
      trigger: { cronSchedule: { cron: '61 * * * * *' } },
    }),
    field: 'spec.trigger.cronSchedule.cron',
  },
  {
    swf: latestVersionSwf(TEAM, 'broken-parameters', EXPERIMENT, 1, {
      workflow: { parameters: [{ name: 'epochs', value: 'three, not JSON' }] },
    }),
    field: 'spec.workflow.parameters[0].value',
  },
  {
    swf: scheduledWorkflow(TEAM, 'broken-interval', {
      enabled: true,
      trigger: { periodicSchedule: { intervalSecond: -5 } },
      workflow: { spec: ARGO_SPEC },
    }),
    field: 'spec.trigger.periodicSchedule.intervalSecond',
  },
  {
    swf: embeddedSwf(TEAM, 'broken-spec', 1, { workflow: { spec: '{"entrypoint": ' } }),
    field: 'spec.workflow.spec',
  },
];

/** The good resources: half on each path, each tick second of ten shared by ten of them. */
function goodSwf(i: number): ScheduledWorkflow {
  const trigger = everySeconds(SECONDS, i % SECONDS);
  return i % 2 === 0
    ? embeddedSwf(TEAM, `good-wf-${i}`, SECONDS, { trigger })
    : latestVersionSwf(TEAM, `good-run-${i}`, EXPERIMENT, SECONDS, { trigger });
}

async function warningsFor(name: string): Promise<CoreV1Event[]> {
  const list = await env.admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: TEAM });
  return list.items.filter((e) => e.involvedObject.name === name && e.type === 'Warning');
}

describe('broken resources among 100 good ones', () => {
  const good: ScheduledWorkflow[] = [];

  beforeAll(async () => {
    const positions = new Map(BROKEN.map((b, i) => [Math.floor((i * GOOD) / BROKEN.length), b.swf]));
    for (let i = 0; i < GOOD; i++) {
      const broken = positions.get(i);
      if (broken) await createSwf(env, broken);
      good.push(await createSwf(env, goodSwf(i)));
    }
    await sleep(OBSERVE_MS);
  }, 120_000);

  it.each(BROKEN.map((b) => [b.swf.metadata.name, b.field]))(
    '%s gets an Error condition and a Warning event naming %s, and makes no run',
    async (name, field) => {
      const swf = await getSwf(env, TEAM, name as string);
      expect(swf.status?.conditions?.[0]).toMatchObject({ type: 'Error', status: 'True' });
      expect(swf.status?.conditions?.[0]?.message).toContain(field);
      const events = await poll(
        'a Warning event',
        async () => {
          const found = await warningsFor(name as string);
          return found.length > 0 ? found : undefined;
        },
        10_000,
      );
      expect(events.map((e) => e.reason)).toEqual(['InvalidSpec']);
      expect(events[0]?.message).toContain(field);
      expect(callsOf(kfp, swf.metadata.uid)).toEqual([]);
      expect(await workflowsOf(env, TEAM, name as string)).toEqual([]);
    },
  );

  it('lets every good one fire on time', async () => {
    const lateness: number[] = [];
    const fired: number[] = [];
    for (const [i, swf] of good.entries()) {
      const offset = i % SECONDS;
      const name = swf.metadata.name as string;
      const runs = name.startsWith('good-wf-')
        ? workflowWatch.seen
            .filter(
              (s) =>
                s.type === 'ADDED' &&
                s.object.metadata?.labels?.['scheduledworkflows.kubeflow.org/scheduledWorkflowName'] === name,
            )
            .map((s) => ({ index: workflowRun(s.object).index, at: s.at }))
        : createdOf(kfp, swf.metadata.uid).map((c) => ({
            index: runIndex(c.request.run?.displayName ?? ''),
            at: c.at,
          }));
      fired.push(runs.length);
      lateness.push(...runs.map((r) => r.at / 1000 - tickOf(swf, SECONDS, r.index, offset)));
    }
    expect(controller.alive).toBe(true);
    expect(Math.min(...fired)).toBeGreaterThanOrEqual(2);
    expect(lateness.filter((late) => late < 0)).toEqual([]);
    expect(lateness.filter((late) => late > ON_TIME_S)).toEqual([]);
    report('bad input', {
      goodRuns: lateness.length,
      latenessS: { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: Math.max(...lateness) },
    });
  });
});

describe('an unknown time zone', () => {
  it('stops the process at start-up with exit code 2, naming CRON_SCHEDULE_TIMEZONE', async () => {
    const started = Date.now();
    const process = await ControllerProcess.start(
      'bad-timezone',
      controllerFlags(env, kfp),
      multiUserEnv({ CRON_SCHEDULE_TIMEZONE: 'Mars/Olympus_Mons' }),
    );
    expect(await within(process.exited, 10_000, 'the controller to exit')).toBe(2);
    process.reap();
    const lines = process.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CRON_SCHEDULE_TIMEZONE');
    expect(lines[0]).toContain('Mars/Olympus_Mons');
    report('bad time zone', { exitMs: Date.now() - started });
  });
});
