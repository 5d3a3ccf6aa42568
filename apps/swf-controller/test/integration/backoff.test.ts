import { status } from '@grpc/grpc-js';
import type { KfpApiDouble } from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  createSwf,
  getSwf,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
} from './env.js';

// A failing recurring run against the real control plane: the retry waits its backoff (1 s, 2 s,
// 4 s, ...) although every failure writes a new status (its own update event), Workflow events
// may arrive, and the resync runs every 2 s here; only a change of its spec retries it at once.

const TEAM = 'team-backoff';
const EXPERIMENT = 'exp-backoff';
const FAILURES = 5;
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;

beforeAll(async () => {
  // A 2 s resync: were it to re-enqueue a key that backs off, retries would follow it.
  stack = await startStack({
    namespaces: [TEAM],
    experiments: { [EXPERIMENT]: TEAM },
    env: { RESYNC_INTERVAL_SECONDS: '2' },
  });
  ({ env, kfp } = stack);
}, 300_000);

afterAll(() => stack?.stop());

function everySecond(parameter: string): ScheduledWorkflow {
  return scheduledWorkflow(TEAM, 'flaky', {
    enabled: true,
    maxConcurrency: 10,
    trigger: { periodicSchedule: { intervalSecond: 1 } },
    experimentId: EXPERIMENT,
    pipelineId: 'pipeline-1',
    workflow: { parameters: [{ name: 'p', value: JSON.stringify(parameter) }] },
  });
}

describe('a recurring run whose CreateRun keeps failing', () => {
  let uid = '';
  const calls = () => kfp.calls.filter((c) => c.request.run?.recurringRunId === uid);

  it('is retried after 1, 2, 4 and 8 seconds, whatever events and resyncs arrive meanwhile', async () => {
    // A different error text each time: every failure changes the status condition, so the
    // controller writes the status (and sees its own update event) after each attempt.
    for (let i = 1; i <= FAILURES; i++) {
      kfp.failNext(1, { code: status.UNAVAILABLE, message: `the API server is down (${i})` });
    }
    uid = (await createSwf(env, everySecond('first'))).metadata.uid as string;
    await waitFor(
      'five failed attempts',
      async () => (calls().length >= FAILURES ? true : undefined),
      30_000,
    );
    const attempts = calls().slice(0, FAILURES);
    expect(attempts.every((c) => typeof c.outcome === 'object')).toBe(true);
    const gaps = attempts.slice(1).map((c, i) => c.at - (attempts[i] as { at: number }).at);
    // Each wait at least its backoff step (timers may fire a few ms early relative to the double's clock).
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(1_000 * 2 ** i - 50);
    });
    const swf = await waitFor('the last failure in the status', async () => {
      const current = await getSwf(env, TEAM, 'flaky');
      const message = current.status?.conditions?.[0]?.message ?? '';
      return message.includes(`the API server is down (${FAILURES})`) ? current : undefined;
    });
    expect(swf.status?.conditions?.[0]).toMatchObject({ type: 'Error', reason: 'SubmitFailed' });
  });

  it('is retried at once when its spec changes while it backs off, and then runs', async () => {
    // The next retry is 16 s after the fifth failure; a spec change must not wait for it.
    kfp.failNext(0);
    const before = calls().length;
    const current = await getSwf(env, TEAM, 'flaky');
    const changedAt = Date.now();
    await env.custom.replaceNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1beta1',
      plural: 'scheduledworkflows',
      namespace: TEAM,
      name: 'flaky',
      body: { ...current, spec: everySecond('second').spec },
    });
    const next = await waitFor('the retry after the spec change', async () => calls()[before], 10_000);
    expect(next.at - changedAt).toBeLessThan(8_000);
    expect(next.outcome).toBe('created');
    expect(next.request.run?.runtimeConfig?.parameters).toEqual({ p: 'second' });
  });
});
