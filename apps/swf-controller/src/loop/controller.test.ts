import { pino } from 'pino';
import type { Reconciler } from '../contract.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import { ControllerMetrics } from '../observe/metrics.js';
import { Controller, type RunnableCaches } from './controller.js';
import { WorkQueue } from './work-queue.js';

const KEY = 'team/hourly';
const DAY_MS = 24 * 3_600_000;

function swf(experimentId: string): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: 'hourly', namespace: 'team', uid: 'uid-1' },
    spec: { enabled: true, trigger: { cronSchedule: { cron: '0 0 * * * *' } }, experimentId },
  };
}

/** Caches holding one resource, `current`, which a test may replace as the informer would. */
function cachesOf(state: { current: ScheduledWorkflow }): RunnableCaches {
  return {
    start: async () => {},
    stop: async () => {},
    keys: () => [KEY],
    scheduledWorkflow: () => state.current,
    workflowsOf: () => [],
    waitForWorkflows: async () => false,
    wrote: () => {},
  };
}

function controllerWith(queue: WorkQueue): Controller {
  return new Controller({
    resyncIntervalMs: 3_600_000,
    log: pino({ level: 'silent' }),
    metrics: new ControllerMetrics(),
    workers: 1,
    queue,
  });
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('Controller', () => {
  it('reconciles at once a spec changed while the failing reconcile ran, not after the backoff', async () => {
    const queue = new WorkQueue({ baseDelayMs: 60_000 });
    const controller = controllerWith(queue);
    const state = { current: swf('bad') };
    const specs: string[] = [];
    const reconciler: Reconciler = {
      async reconcile() {
        specs.push(state.current.spec.experimentId ?? '');
        if (specs.length > 1) return {};
        // The user fixes the spec while this reconcile waits for a call that then fails.
        state.current = swf('good');
        controller.scheduledWorkflowChanged(KEY, state.current);
        throw new Error('CreateRun: PERMISSION_DENIED');
      },
    };
    const stop = new AbortController();
    const running = controller.run(cachesOf(state), reconciler, stop.signal);
    queue.add(KEY);
    await settle();
    stop.abort();
    await running;

    expect(specs).toEqual(['bad', 'good']);
  });

  it('keeps backing off while the spec stays the one that failed', async () => {
    const queue = new WorkQueue({ baseDelayMs: 60_000 });
    const controller = controllerWith(queue);
    const state = { current: swf('bad') };
    let reconciles = 0;
    const reconciler: Reconciler = {
      async reconcile() {
        reconciles += 1;
        throw new Error('CreateRun: PERMISSION_DENIED');
      },
    };
    const stop = new AbortController();
    const running = controller.run(cachesOf(state), reconciler, stop.signal);
    queue.add(KEY);
    await settle();
    // An informer relist: an event with the same spec.
    controller.scheduledWorkflowChanged(KEY, swf('bad'));
    await settle();
    expect(queue.isBackingOff(KEY)).toBe(true);
    stop.abort();
    await running;

    expect(reconciles).toBe(1);
  });

  it('drops the pending requeue and the failures of a deleted resource', () => {
    const queue = new WorkQueue();
    const controller = controllerWith(queue);
    queue.addAfter(KEY, 300 * DAY_MS);
    queue.addRateLimited('team/other');

    controller.scheduledWorkflowDeleted(KEY);
    controller.scheduledWorkflowDeleted('team/other');

    expect(queue.delayedCount).toBe(0);
    expect(queue.failures('team/other')).toBe(0);
    queue.shutDown();
  });
});
