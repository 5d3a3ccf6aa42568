import { readFileSync, writeFileSync } from 'node:fs';
import { type ArgoStandIn, FreezingProxy, type KfpApiDouble } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { createSwf, startEnv, startKfpDouble, type TestEnv } from '../integration/env.js';
import {
  ControllerProcess,
  completeWorkflows,
  controllerFlags,
  createdOf,
  embeddedSwf,
  latestVersionSwf,
  multiUserEnv,
  paths,
  poll,
  report,
  runIndex,
  type Seen,
  sleep,
  tally,
  tickOf,
  watchAll,
  workflowRun,
} from './harness.js';

const TEAM = 'freeze';
const EXPERIMENT = 'exp-freeze';
const SECONDS = 5;
/** How long the network stays black-holed, as measured in the report that found the fault. */
const FROZEN_MS = 45_000;
/** The promise: within this long of the heal, every schedule fires on time again. */
const RECOVERY_MS = 60_000;
/** A run created within this long of its tick is on time. */
const ON_TIME_MS = 2_000;

let env: TestEnv;
let kfp: KfpApiDouble;
let completer: ArgoStandIn;
let proxy: FreezingProxy;
let controller: ControllerProcess;
let workflows: { readonly seen: Seen<ArgoWorkflow>[]; stop(): void };

/** The controller's kubeconfig, reaching the kube-apiserver through the proxy. */
function proxiedKubeconfig(): string {
  const path = env.controllerKubeconfig.replace(/\.kubeconfig$/, '-proxied.kubeconfig');
  const direct = new URL(env.plane.server);
  writeFileSync(
    path,
    readFileSync(env.controllerKubeconfig, 'utf8').replace(direct.origin, `https://127.0.0.1:${proxy.port}`),
    { mode: 0o600 },
  );
  return path;
}

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  completer = completeWorkflows(env, TEAM);
  proxy = await FreezingProxy.start({ host: '127.0.0.1', port: Number(new URL(env.plane.server).port) });
  workflows = watchAll<ArgoWorkflow>(env, paths.workflows(TEAM));
  controller = await ControllerProcess.start(
    'freeze',
    controllerFlags(env, kfp, [`--kubeconfig=${proxiedKubeconfig()}`]),
    multiUserEnv(),
  );
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  workflows?.stop();
  await completer?.stop();
  await proxy?.close();
  await kfp?.close();
  await env?.stop();
});

/** When each run of `swf` arrived (epoch ms), by index: first Workflow event, or CreateRun call. */
function arrivals(swf: ScheduledWorkflow): Map<number, number> {
  const found = new Map<number, number>();
  if (swf.spec.workflow?.spec) {
    for (const { at, type, object } of workflows.seen) {
      const owner = object.metadata?.ownerReferences?.[0]?.uid;
      if (type !== 'ADDED' || owner !== swf.metadata.uid) continue;
      const { index } = workflowRun(object);
      if (!found.has(index)) found.set(index, at);
    }
  } else {
    for (const call of createdOf(kfp, swf.metadata.uid)) {
      const index = runIndex(call.request.run?.displayName ?? '');
      if (!found.has(index)) found.set(index, call.receivedAt);
    }
  }
  return found;
}

/** What happened to a schedule's ticks from `fromMs` on. */
function ticksFrom(swf: ScheduledWorkflow, fromMs: number, untilMs: number) {
  const runs = arrivals(swf);
  const due: number[] = [];
  for (let index = 1; tickOf(swf, SECONDS, index) * 1000 <= untilMs; index++) {
    if (tickOf(swf, SECONDS, index) * 1000 >= fromMs) due.push(index);
  }
  const ran = due.filter((index) => runs.has(index));
  const lateness = (index: number) => (runs.get(index) as number) - tickOf(swf, SECONDS, index) * 1000;
  return { due, ran, runs, lateness };
}

describe('the network to the kube-apiserver black-holed, then healed', () => {
  it('fires every schedule on time again within 60 s of the heal, sees new resources, and fails /healthz while cut off', async () => {
    const before = [
      await createSwf(env, embeddedSwf(TEAM, 'before-wf', SECONDS)),
      await createSwf(env, latestVersionSwf(TEAM, 'before-run', EXPERIMENT, SECONDS)),
    ];
    const port = await controller.metricsPort();
    const healthz = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
    await poll(
      'two runs of each',
      async () => (before.every((swf) => arrivals(swf).size >= 2) ? true : undefined),
      30_000,
    );
    expect(await healthz()).toBe(200);

    proxy.freeze();
    const frozeAt = Date.now();
    const unhealthyAt = await poll(
      '/healthz to fail',
      async () => ((await healthz()) === 503 ? Date.now() : undefined),
      FROZEN_MS,
    );
    await sleep(frozeAt + FROZEN_MS - Date.now());
    const stuck = before.map((swf) => ticksFrom(swf, frozeAt, Date.now()));
    proxy.heal();
    const healedAt = Date.now();
    // Created through a connection of its own, so only the controller's side of the network was cut.
    const after = await createSwf(env, embeddedSwf(TEAM, 'after-heal', SECONDS));
    const healthyAt = await poll(
      '/healthz to pass',
      async () => ((await healthz()) === 200 ? Date.now() : undefined),
      RECOVERY_MS,
    );

    // Recovered: a run on time for a tick after the heal, for every schedule, old and new.
    const recoveredAt = new Map<string, number>();
    await poll(
      'every schedule on time',
      async () => {
        for (const swf of [...before, after]) {
          const name = swf.metadata.name as string;
          if (recoveredAt.has(name)) continue;
          const { ran, runs, lateness } = ticksFrom(swf, healedAt, Date.now());
          const onTime = ran.find((index) => lateness(index) <= ON_TIME_MS);
          if (onTime !== undefined) recoveredAt.set(name, runs.get(onTime) as number);
        }
        return recoveredAt.size === 3 ? true : undefined;
      },
      RECOVERY_MS + 15_000,
    );
    // And stays on time: the next two ticks run on time too.
    await sleep(2 * SECONDS * 1000 + ON_TIME_MS);
    const settledFrom = Math.max(...recoveredAt.values());
    const end = Date.now() - ON_TIME_MS;

    expect(controller.alive).toBe(true);
    expect(unhealthyAt - frozeAt).toBeLessThan(45_000);
    expect(healthyAt - healedAt).toBeLessThan(RECOVERY_MS);
    for (const [name, at] of recoveredAt)
      expect({ name, afterHealMs: at - healedAt < RECOVERY_MS }).toEqual({ name, afterHealMs: true });
    const afterHeal = [...before, after].map((swf) => {
      const { due, ran, runs, lateness } = ticksFrom(swf, settledFrom + 1, end);
      expect({
        name: swf.metadata.name,
        late: ran.filter((i) => lateness(i) > ON_TIME_MS),
        missing: due.filter((i) => !ran.includes(i)),
      }).toEqual({ name: swf.metadata.name, late: [], missing: [] });
      // Nothing doubled: the indexes made are exactly 1..N, one run each.
      const indices = swf.spec.workflow?.spec
        ? workflows.seen
            .filter(
              (s) => s.type === 'ADDED' && s.object.metadata?.ownerReferences?.[0]?.uid === swf.metadata.uid,
            )
            .map((s) => workflowRun(s.object).index)
        : createdOf(kfp, swf.metadata.uid).map((c) => runIndex(c.request.run?.displayName ?? ''));
      expect(tally(indices, Math.max(...runs.keys()))).toEqual({ duplicates: [], missing: [] });
      return { name: swf.metadata.name, dueAfterSettled: due.length, ranOnTime: ran.length };
    });
    const stopMs = await controller.stop();

    report('network black-holed for 45 s', {
      duringFreeze: before.map((swf, i) => ({
        name: swf.metadata.name,
        due: stuck[i]?.due.length,
        ran: stuck[i]?.ran.length,
      })),
      healthzFailedAfterFreezeMs: unhealthyAt - frozeAt,
      healthzPassedAfterHealMs: healthyAt - healedAt,
      firstOnTimeRunAfterHealMs: Object.fromEntries([...recoveredAt].map(([n, at]) => [n, at - healedAt])),
      afterRecovery: afterHeal,
      deadConnections: proxy.connections().dead,
      stopMs,
    });
  });
});
