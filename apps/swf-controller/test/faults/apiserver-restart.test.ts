import type { ArgoStandIn, KfpApiDouble } from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { createSwf, getSwf, startEnv, startKfpDouble, type TestEnv } from '../integration/env.js';
import {
  ControllerProcess,
  completeWorkflows,
  controllerFlags,
  createdOf,
  embeddedSwf,
  kubeconfigToken,
  latestVersionSwf,
  leaks,
  multiUserEnv,
  poll,
  report,
  runIndex,
  sleep,
  tally,
  tickOf,
  workflowRun,
  workflowsOf,
} from './harness.js';

const TEAM = 'restart';
const EXPERIMENT = 'exp-restart';
const SECONDS = 2;
/** How long kube-apiserver stays down, on top of its own stop and start. */
const DOWN_MS = 10_000;

let env: TestEnv;
let kfp: KfpApiDouble;
let completer: ArgoStandIn;
let controller: ControllerProcess;

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  completer = completeWorkflows(env, TEAM);
  controller = await ControllerProcess.start('restart', controllerFlags(env, kfp), multiUserEnv());
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  await completer?.stop();
  await kfp?.close();
  await env?.stop();
});

async function indexOf(name: string): Promise<number> {
  const swf = await getSwf(env, TEAM, name).catch(() => undefined);
  return swf?.status?.trigger?.lastWorkflowIndex ?? 0;
}

/** Waits until a ScheduledWorkflow has made `count` runs; resolves with when it saw that. */
async function runsMade(name: string, count: number, timeoutMs: number): Promise<number> {
  await poll(
    `${count} runs of ${name}`,
    async () => ((await indexOf(name)) >= count ? true : undefined),
    timeoutMs,
  );
  return Date.now();
}

/** Each index 1..N exactly once, and each run for its own tick: nothing lost, nothing doubled. */
async function expectEveryTickOnce(swf: ScheduledWorkflow): Promise<number> {
  const name = swf.metadata.name as string;
  const final = await getSwf(env, TEAM, name);
  const count = final.status?.trigger?.lastWorkflowIndex ?? 0;
  if (swf.spec.workflow?.spec) {
    const runs = (await workflowsOf(env, TEAM, name)).map(workflowRun);
    expect(
      tally(
        runs.map((r) => r.index),
        count,
      ),
    ).toEqual({ duplicates: [], missing: [] });
    expect(runs.filter((r) => r.epoch !== tickOf(swf, SECONDS, r.index))).toEqual([]);
  } else {
    const created = createdOf(kfp, swf.metadata.uid).map((c) => runIndex(c.request.run?.displayName ?? ''));
    expect(tally(created, count)).toEqual({ duplicates: [], missing: [] });
    expect(Date.parse(final.status?.trigger?.lastTriggeredTime ?? '') / 1000).toBe(
      tickOf(swf, SECONDS, count),
    );
  }
  return count;
}

describe('kube-apiserver restart while runs are due', () => {
  it('recovers by itself: watches resume, a new ScheduledWorkflow gets runs, no run doubled or lost', async () => {
    const before = [
      await createSwf(env, embeddedSwf(TEAM, 'before-wf', SECONDS)),
      await createSwf(env, latestVersionSwf(TEAM, 'before-run', EXPERIMENT, SECONDS)),
    ];
    await runsMade('before-wf', 2, 30_000);
    await runsMade('before-run', 2, 30_000);

    const stopping = Date.now();
    await env.plane.stopApiServer();
    const stopped = Date.now();
    await sleep(DOWN_MS);
    await env.plane.startApiServer();
    const up = Date.now();
    expect(controller.alive).toBe(true);

    const after = [
      await createSwf(env, embeddedSwf(TEAM, 'after-wf', SECONDS)),
      await createSwf(env, latestVersionSwf(TEAM, 'after-run', EXPERIMENT, SECONDS)),
    ];
    const firstNew = Math.min(await runsMade('after-wf', 1, 60_000), await runsMade('after-run', 1, 60_000));
    const resumed = await Promise.all(
      ['before-wf', 'before-run'].map(async (name) => {
        const at = await runsMade(name, (await indexOf(name)) + 1, 60_000);
        return at - up;
      }),
    );
    // Let the old ones catch up on the ticks missed while the API server was away, the new ones fire twice.
    await sleep(8_000);
    await runsMade('after-wf', 2, 30_000);
    await runsMade('after-run', 2, 30_000);
    const metrics = await controller.metrics();
    expect(controller.alive).toBe(true);
    await controller.stop();

    expect(controller.logs().filter((l) => l.msg === 'starting ScheduledWorkflow controller')).toHaveLength(
      1,
    );
    expect(controller.logs().filter((l) => l.msg === 'list/watch failed; restarting')).not.toHaveLength(0);
    const counts = [];
    for (const swf of [...before, ...after]) counts.push(await expectEveryTickOnce(swf));
    const secrets = [kubeconfigToken(env.controllerKubeconfig), env.plane.adminToken];
    expect(leaks({ log: controller.text(), '/metrics': metrics }, secrets)).toEqual([]);
    const restarts = /scheduled_workflow_informer_errors_total\{resource="scheduledworkflows"\} (\d+)/.exec(
      metrics,
    );
    expect(Number(restarts?.[1])).toBeGreaterThan(0);
    report('kube-apiserver restart', {
      stopMs: stopped - stopping,
      downMs: up - stopped,
      newSwfFirstRunAfterUpMs: firstNew - up,
      oldSwfsNextRunAfterUpMs: resumed,
      runs: counts,
    });
  });
});
