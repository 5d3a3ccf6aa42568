import type { ArgoStandIn, KfpApiDouble } from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { createSwf, getSwf, startEnv, startKfpDouble, type TestEnv } from '../integration/env.js';
import {
  ControllerProcess,
  completeWorkflows,
  controllerFlags,
  createdOf,
  latestVersionSwf,
  multiUserEnv,
  paths,
  percentile,
  poll,
  report,
  runIndex,
  type Seen,
  sleep,
  tally,
  tickOf,
  watchAll,
} from './harness.js';

const TEAM = 'outage';
const EXPERIMENT = 'exp-outage';
const SECONDS = 2;
const OUTAGE_MS = 30_000;
/** After the outage, how long runs are watched for coming on time again. */
const AFTER_MS = 20_000;
/** The work queue's backoff after failing for the whole outage: 1 s doubling, so at most 32 s. */
const BACKOFF_BOUND_MS = 32_000;
/** A run is on time when submitted within this long of its tick (calls carry a SubjectAccessReview). */
const ON_TIME_S = 2;

let env: TestEnv;
let kfp: KfpApiDouble;
let controller: ControllerProcess;
let completer: ArgoStandIn;
let watch: { readonly seen: Seen<ScheduledWorkflow>[]; stop(): void };

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  // Argo's part: the runs the API server makes finish, so maxConcurrency never holds a catch-up back.
  completer = completeWorkflows(env, TEAM);
  watch = watchAll<ScheduledWorkflow>(env, paths.scheduledWorkflows(TEAM));
  controller = await ControllerProcess.start('outage', controllerFlags(env, kfp), multiUserEnv());
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  watch?.stop();
  await completer?.stop();
  await kfp?.close();
  await env?.stop();
});

/** Tick of each run index, from the status versions the watch saw (index -> lastTriggeredTime). */
function ticksSeen(name: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const { object } of watch.seen) {
    const trigger = object.status?.trigger;
    if (object.metadata.name !== name || !trigger?.lastWorkflowIndex || !trigger.lastTriggeredTime) continue;
    ticks.set(trigger.lastWorkflowIndex, Date.parse(trigger.lastTriggeredTime) / 1000);
  }
  return ticks;
}

async function waitForRuns(swf: ScheduledWorkflow, count: number): Promise<void> {
  await poll(
    `${count} runs of ${swf.metadata.name}`,
    async () => (createdOf(kfp, swf.metadata.uid).length >= count ? true : undefined),
    30_000,
  );
}

describe('KFP API server down for 30 s', () => {
  let catchUp: ScheduledWorkflow;
  let latestOnly: ScheduledWorkflow;
  let down: number;
  let up: number;

  beforeAll(async () => {
    catchUp = await createSwf(env, latestVersionSwf(TEAM, 'catch-up', EXPERIMENT, SECONDS));
    latestOnly = await createSwf(
      env,
      latestVersionSwf(TEAM, 'latest-only', EXPERIMENT, SECONDS, { noCatchup: true }),
    );
    await waitForRuns(catchUp, 2);
    await waitForRuns(latestOnly, 2);
    down = Date.now();
    kfp.setUnavailable(true);
    await poll(
      'a SubmitFailed condition',
      async () => {
        const swf = await getSwf(env, TEAM, 'catch-up');
        return swf.status?.conditions?.[0]?.reason === 'SubmitFailed' ? swf : undefined;
      },
      10_000,
    );
    await sleep(down + OUTAGE_MS - Date.now());
    kfp.setUnavailable(false);
    up = Date.now();
    await sleep(AFTER_MS);
    await controller.stop();
  }, 120_000);

  it('runs every missed tick once after recovery (catch-up), then comes on time again', async () => {
    const final = await getSwf(env, TEAM, 'catch-up');
    const count = final.status?.trigger?.lastWorkflowIndex ?? 0;
    const created = createdOf(kfp, catchUp.metadata.uid);
    expect(
      tally(
        created.map((c) => runIndex(c.request.run?.displayName ?? '')),
        count,
      ),
    ).toEqual({
      duplicates: [],
      missing: [],
    });
    expect(Date.parse(final.status?.trigger?.lastTriggeredTime ?? '') / 1000).toBe(
      tickOf(catchUp, SECONDS, count),
    );
    expect(final.status?.conditions?.[0]?.type).toBe('Enabled');

    const recovered = created.filter((c) => c.at > up);
    const first = recovered[0]?.at ?? Number.POSITIVE_INFINITY;
    expect(first - up).toBeLessThan(BACKOFF_BOUND_MS);
    const lateness = recovered.map(
      (c) => c.at / 1000 - tickOf(catchUp, SECONDS, runIndex(c.request.run?.displayName ?? '')),
    );
    const missed = lateness.filter((late) => late > ON_TIME_S).length;
    // The missed ticks run back to back at the first success; every tick after that is on time.
    const caughtUp = recovered[missed - 1]?.at ?? first;
    const later = recovered
      .filter((c) => c.at > caughtUp)
      .map((c) => c.at / 1000 - tickOf(catchUp, SECONDS, runIndex(c.request.run?.displayName ?? '')));
    expect(missed).toBeGreaterThanOrEqual((OUTAGE_MS / 1000 / SECONDS) * 0.8);
    expect(later.length).toBeGreaterThanOrEqual(3);
    expect(later.filter((late) => late > ON_TIME_S)).toEqual([]);
    report('KFP outage: catch-up', {
      outageMs: up - down,
      firstSuccessAfterRecoveryMs: first - up,
      caughtUpAfterRecoveryMs: caughtUp - up,
      missedTicksRun: missed,
      laterRunsLatenessS: { p50: percentile(later, 50), max: Math.max(...later) },
    });
  });

  it('with noCatchup runs only the latest missed tick, then comes on time again', async () => {
    const final = await getSwf(env, TEAM, 'latest-only');
    const count = final.status?.trigger?.lastWorkflowIndex ?? 0;
    const created = createdOf(kfp, latestOnly.metadata.uid);
    expect(
      tally(
        created.map((c) => runIndex(c.request.run?.displayName ?? '')),
        count,
      ),
    ).toEqual({
      duplicates: [],
      missing: [],
    });
    const ticks = ticksSeen('latest-only');
    const afterOutage = created
      .filter((c) => c.at > up)
      .map((c) => {
        const index = runIndex(c.request.run?.displayName ?? '');
        return { index, tick: ticks.get(index) as number, late: c.at / 1000 - (ticks.get(index) as number) };
      });
    const [first, ...rest] = afterOutage;
    const lastBefore = ticks.get((first?.index ?? 0) - 1) as number;
    // One run stands for every tick missed in the outage: the latest one before it was sent.
    expect(first?.tick).toBeGreaterThanOrEqual(up / 1000 - SECONDS);
    expect(((first?.tick ?? 0) - lastBefore) / SECONDS).toBeGreaterThanOrEqual(
      (OUTAGE_MS / 1000 / SECONDS) * 0.8,
    );
    // Then every tick, on time.
    expect(rest.length).toBeGreaterThanOrEqual(3);
    expect(rest.map((r, i) => r.tick - (i === 0 ? (first?.tick ?? 0) : (rest[i - 1]?.tick ?? 0)))).toEqual(
      rest.map(() => SECONDS),
    );
    expect(rest.filter((r) => r.late > ON_TIME_S)).toEqual([]);
    report('KFP outage: noCatchup', {
      firstSuccessAfterRecoveryMs: (created.find((c) => c.at > up)?.at ?? up) - up,
      ticksCollapsed: ((first?.tick ?? 0) - lastBefore) / SECONDS,
      laterRunsLatenessS: { max: Math.max(...rest.map((r) => r.late)) },
    });
  });
});
