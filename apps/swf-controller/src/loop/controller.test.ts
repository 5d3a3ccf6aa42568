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

/** Controllers a test started, stopped after it even when an assertion failed. */
const started: Array<{ stop: AbortController; running: Promise<void> }> = [];

afterEach(async () => {
  for (const { stop, running } of started.splice(0)) {
    stop.abort();
    await running;
  }
});

/** Runs `controller` until the test ends (or `stop` aborts). */
function runUntilDone(controller: Controller, caches: RunnableCaches, reconciler: Reconciler) {
  const stop = new AbortController();
  const running = controller.run(caches, reconciler, stop.signal);
  started.push({ stop, running });
  return { stop, running };
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

  it('starts no reconcile before the caches have synced', async () => {
    const controller = controllerWith(new WorkQueue());
    let synced: () => void = () => {};
    const caches: RunnableCaches = {
      ...cachesOf({ current: swf('x') }),
      start: () => new Promise<void>((resolve) => (synced = resolve)),
    };
    const seen: boolean[] = [];
    let started = false;
    const reconciler: Reconciler = {
      async reconcile() {
        seen.push(started);
        return {};
      },
    };
    const { stop, running } = runUntilDone(controller, caches, reconciler);
    controller.queue.add(KEY);
    await settle();
    expect(seen).toEqual([]);
    expect(controller.running).toBe(false);
    started = true;
    synced();
    await settle();
    stop.abort();
    await running;

    expect(seen).toEqual([true]);
  });

  it('forgets the failures of a key that succeeds, and requeues it at the time it asks for', async () => {
    const now = 1_000_000;
    const queue = new WorkQueue();
    const controller = new Controller({
      resyncIntervalMs: 3_600_000,
      log: pino({ level: 'silent' }),
      metrics: new ControllerMetrics(),
      workers: 1,
      queue,
      now: () => now,
    });
    // It failed once before: backing off, until the expedite below hands it to the worker.
    queue.addRateLimited(KEY, now);
    const reconciler: Reconciler = { reconcile: async () => ({ requeueAtMs: now + 60_000 }) };
    runUntilDone(controller, cachesOf({ current: swf('x') }), reconciler);
    queue.expedite(KEY);
    await settle();
    expect(queue.failures(KEY)).toBe(0);
    expect(queue.delayedCount).toBe(1);
  });

  it('retries a failing key with a backoff that grows per failure', async () => {
    const queue = new WorkQueue({ baseDelayMs: 60_000 });
    const controller = controllerWith(queue);
    const reconciler: Reconciler = {
      async reconcile() {
        throw new Error('kube-apiserver: 503');
      },
    };
    runUntilDone(controller, cachesOf({ current: swf('x') }), reconciler);
    queue.add(KEY);
    await settle();
    expect(queue.failures(KEY)).toBe(1);
    expect(queue.isBackingOff(KEY)).toBe(true);
    queue.expedite(KEY);
    await settle();
    expect(queue.failures(KEY)).toBe(2);
  });

  it('lets a reconcile in flight finish before it returns from a shutdown', async () => {
    const controller = controllerWith(new WorkQueue());
    let finish: () => void = () => {};
    let finished = false;
    const reconciler: Reconciler = {
      reconcile: () =>
        new Promise((resolve) => {
          finish = () => {
            finished = true;
            resolve({});
          };
        }),
    };
    let returned = false;
    const { stop, running } = runUntilDone(controller, cachesOf({ current: swf('x') }), reconciler);
    void running.then(() => {
      returned = true;
    });
    controller.queue.add(KEY);
    await settle();
    stop.abort();
    await settle();
    expect(returned).toBe(false);
    finish();
    await running;
    expect(finished).toBe(true);
    expect(controller.running).toBe(false);
  });
});
