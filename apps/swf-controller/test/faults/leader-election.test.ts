import { CoordinationV1Api } from '@kubernetes/client-node';
import { layerObjects, synthBase } from '@swf/manifests';
import type { ArgoStandIn, KfpApiDouble } from '@swf/testkit';
import { LEASE_NAME } from '../../src/commands/run.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  CONTROLLER_NAMESPACE,
  createSwf,
  getSwf,
  startEnv,
  startKfpDouble,
  type TestEnv,
} from '../integration/env.js';
import {
  ControllerProcess,
  completeWorkflows,
  controllerFlags,
  embeddedSwf,
  kubeconfigToken,
  type LogLine,
  latestVersionSwf,
  leaks,
  multiUserEnv,
  poll,
  report,
  sleep,
  tally,
  tickOf,
  within,
  workflowRun,
  workflowsOf,
} from './harness.js';

const TEAM = 'ha';
const EXPERIMENT = 'exp-ha';
const SECONDS = 1;
/** client-go's defaults, which the controller uses: the lease lasts 15 s, renewals give up after 10 s, tries come every 2 s. */
const LEASE_MS = 15_000;
const RETRY_MS = 2_000;
const RENEW_DEADLINE_MS = 10_000;
const MARGIN_MS = 3_000;
/** How long the server holds a slow CreateRun: longer than a takeover after a kill -9. */
const HELD_MS = 40_000;

let env: TestEnv;
let kfp: KfpApiDouble;
let completer: ArgoStandIn;
const swfs: ScheduledWorkflow[] = [];

/** The literal env of the controller container the generated manifests deploy with `replicas`. */
function manifestEnv(replicas: number): Record<string, string> {
  const [deployment] = layerObjects(
    synthBase({ namespace: CONTROLLER_NAMESPACE, replicas }),
    'Deployment',
  ) as unknown as Array<{
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
  }>;
  const container = deployment?.spec.template.spec.containers[0];
  return Object.fromEntries(
    (container?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value] as const])),
  );
}

/** A replica as the manifests run it (their env, NAMESPACE_SELF from the downward API), watching all namespaces. */
function startReplica(name: string): Promise<ControllerProcess> {
  return ControllerProcess.start(
    name,
    controllerFlags(env, kfp),
    multiUserEnv({
      ...manifestEnv(2),
      NAMESPACE: '',
      NAMESPACE_SELF: CONTROLLER_NAMESPACE,
      CLIENT_QPS: '50',
      CLIENT_BURST: '100',
    }),
  );
}

function submissions(replica: ControllerProcess): LogLine[] {
  return replica.logs().filter((l) => l.msg === 'workflow submitted' || l.msg === 'run created');
}

async function readyz(replica: ControllerProcess): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${await replica.metricsPort()}/readyz`);
  return response.status;
}

async function leaseHolder(): Promise<string | undefined> {
  const lease = await env.admin
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name: LEASE_NAME, namespace: CONTROLLER_NAMESPACE });
  return lease.spec?.holderIdentity;
}

async function lastIndex(swf: ScheduledWorkflow): Promise<number> {
  return (await getSwf(env, TEAM, swf.metadata.name as string)).status?.trigger?.lastWorkflowIndex ?? 0;
}

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  completer = completeWorkflows(env, TEAM);
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  await completer?.stop();
  await kfp?.close();
  await env?.stop();
});

describe('the generated manifests', () => {
  it('turn leader election on for more than one replica only', () => {
    expect(manifestEnv(2).LEADER_ELECT).toBe('true');
    expect(manifestEnv(3).LEADER_ELECT).toBe('true');
    expect(manifestEnv(1).LEADER_ELECT).toBeUndefined();
  });
});

describe('two replicas with leader election', () => {
  let leader: ControllerProcess;
  let standby: ControllerProcess;
  let restarted: ControllerProcess;
  let takeover: ControllerProcess;

  it('only the leader reconciles; the standby is ready and idle', async () => {
    const replicas = [await startReplica('ha-a'), await startReplica('ha-b')];
    const leads = (replica: ControllerProcess) => replica.logs().find((l) => l.msg === 'became leader');
    leader = await poll('a leader', async () => replicas.find(leads), 30_000);
    standby = replicas.find((r) => r !== leader) as ControllerProcess;
    const line = leads(leader) as LogLine;
    swfs.push(await createSwf(env, embeddedSwf(TEAM, 'ha-wf', SECONDS)));
    swfs.push(await createSwf(env, latestVersionSwf(TEAM, 'ha-run', EXPERIMENT, SECONDS)));
    for (const swf of swfs) {
      await poll('five runs', async () => ((await lastIndex(swf)) >= 5 ? true : undefined), 30_000);
    }
    expect(await leaseHolder()).toBe(line.identity);
    expect(standby.logs().filter((l) => l.msg === 'became leader')).toEqual([]);
    expect(submissions(standby)).toEqual([]);
    expect(submissions(leader).length).toBeGreaterThanOrEqual(10);
    // A standby must count as ready, or a rolling update of two replicas never completes.
    expect(await readyz(leader)).toBe(200);
    expect(await readyz(standby)).toBe(200);
  });

  it('after kill -9 of the leader the standby takes over within the lease duration, no run doubled or lost', async () => {
    const killed = Date.now();
    leader.kill('SIGKILL');
    await within(leader.exited, 5_000, 'the leader to die');
    leader.reap();
    const line = await standby.waitForLog('became leader', LEASE_MS + RETRY_MS + MARGIN_MS + 5_000);
    const takeoverMs = Date.parse(String(line.time)) - killed;
    expect(takeoverMs).toBeLessThan(LEASE_MS + RETRY_MS + MARGIN_MS);
    const resumed = await Promise.all(
      swfs.map(async (swf) => {
        const index = await lastIndex(swf);
        await poll(
          'a run by the new leader',
          async () => ((await lastIndex(swf)) > index ? true : undefined),
          30_000,
        );
        return Date.now() - killed;
      }),
    );

    // The killed replica comes back, as its pod would, and stands by.
    restarted = await startReplica('ha-c');
    await restarted.waitForLog('starting ScheduledWorkflow controller');
    await sleep(RETRY_MS * 3);
    expect(restarted.logs().filter((l) => l.msg === 'became leader')).toEqual([]);
    expect(submissions(restarted)).toEqual([]);
    expect(await readyz(restarted)).toBe(200);
    report('leader election: kill -9 of the leader', { takeoverMs, firstRunsAfterKillMs: resumed });
  });

  it('outlives a kube-apiserver restart: the standby keeps standing by and takes over from a leader that lost the lease', async () => {
    const index = await Promise.all(swfs.map(lastIndex));
    const down = Date.now();
    await env.plane.stopApiServer();
    // Down for longer than the renew deadline, so the leader must step down.
    await sleep(RENEW_DEADLINE_MS);
    await env.plane.startApiServer();
    const up = Date.now();
    // A leader that could not renew in time exits on purpose (its pod restarts); a standby never does.
    expect(await within(standby.exited, RETRY_MS + MARGIN_MS, 'the old leader to step down')).toBe(1);
    expect(
      standby.logs().filter((l) => l.msg === 'lost leadership: could not renew the lease in time'),
    ).toHaveLength(1);
    standby.reap();
    expect(restarted.alive).toBe(true);
    const line = await restarted.waitForLog('became leader', LEASE_MS + RETRY_MS + MARGIN_MS);
    await Promise.all(
      swfs.map((swf, i) =>
        poll(
          'runs again',
          async () => ((await lastIndex(swf)) > (index[i] as number) ? true : undefined),
          30_000,
        ),
      ),
    );
    expect(
      submissions(restarted).filter((l) => Date.parse(String(l.time)) < Date.parse(String(line.time))),
    ).toEqual([]);
    report('leader election: kube-apiserver restart', {
      downMs: up - down,
      takeoverAfterUpMs: Date.parse(String(line.time)) - up,
    });
  });

  it('a failover while a slow CreateRun is in flight ends with one Workflow for that tick', async () => {
    const [, latest] = swfs as [ScheduledWorkflow, ScheduledWorkflow];
    takeover = await startReplica('ha-d');
    await takeover.waitForLog('starting ScheduledWorkflow controller');
    // The server now makes each run's Workflow at once but answers only after 40 s, longer than a
    // takeover takes: the leader's next CreateRun stays in flight while it dies and after.
    kfp.setAnswerDelay(HELD_MS);
    const index = await lastIndex(latest);
    const inFlight = await poll(
      "the in-flight call's Workflow",
      async () => (await workflowsOf(env, TEAM, 'ha-run')).find((wf) => workflowRun(wf).index === index + 1),
      30_000,
    );
    const runName = inFlight.metadata.annotations?.['pipelines.kubeflow.org/run_name'];
    restarted.kill('SIGKILL');
    await within(restarted.exited, 5_000, 'the leader to die');
    restarted.reap();
    // Calls from here on answer at once; the dead leader's call is still held by the server.
    kfp.setAnswerDelay(0);
    await takeover.waitForLog('became leader', LEASE_MS + RETRY_MS + MARGIN_MS + 5_000);
    await poll(
      'the new leader to run past the in-flight tick',
      async () => ((await lastIndex(latest)) > index + 1 ? true : undefined),
      30_000,
    );
    const sameTick = (await workflowsOf(env, TEAM, 'ha-run')).filter(
      (wf) => workflowRun(wf).index === index + 1,
    );
    expect(sameTick.map((wf) => wf.metadata.name)).toEqual([inFlight.metadata.name]);
    // The new leader recorded the in-flight run from its Workflow: it never called for it.
    expect(takeover.logs().filter((l) => l.msg === 'run created' && l.run === runName)).toEqual([]);
    // The held call ends, stores its run, and the server makes nothing more for it.
    const held = await poll(
      'the held call to end',
      async () => kfp.calls.find((c) => c.request.run?.displayName === runName),
      HELD_MS + 10_000,
    );
    expect(held.outcome).toBe('created');
    expect(
      (await workflowsOf(env, TEAM, 'ha-run')).filter((wf) => workflowRun(wf).index === index + 1),
    ).toHaveLength(1);
    report('leader election: failover during a slow CreateRun', {
      tickIndex: index + 1,
      workflowsForThatTick: sameTick.length,
    });
  });

  it('made every tick exactly once across the failovers, and logged no token', async () => {
    const stopMs = await takeover.stop();
    const counts = [];
    for (const swf of swfs) {
      const final = await getSwf(env, TEAM, swf.metadata.name as string);
      const count = final.status?.trigger?.lastWorkflowIndex ?? 0;
      // Counted as an operator counts runs: by the Workflows in the cluster, on both paths.
      const runs = (await workflowsOf(env, TEAM, swf.metadata.name as string)).map(workflowRun);
      expect(
        tally(
          runs.map((r) => r.index),
          count,
        ),
      ).toEqual({ duplicates: [], missing: [] });
      if (swf.spec.workflow?.spec) {
        expect(runs.filter((r) => r.epoch !== tickOf(swf, SECONDS, r.index))).toEqual([]);
      } else {
        expect(kfp.runs().filter((r) => r.recurringRunId === swf.metadata.uid)).toHaveLength(count);
        expect(Date.parse(final.status?.trigger?.lastTriggeredTime ?? '') / 1000).toBe(
          tickOf(swf, SECONDS, count),
        );
      }
      counts.push(count);
    }
    const secrets = [kubeconfigToken(env.controllerKubeconfig), env.plane.adminToken];
    expect(
      leaks(
        Object.fromEntries([leader, standby, restarted, takeover].map((r) => [r.name, r.text()])),
        secrets,
      ),
    ).toEqual([]);
    report('leader election: runs', { runs: counts, stopMs });
  });
});
