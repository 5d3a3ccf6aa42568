import { status } from '@grpc/grpc-js';
import { ApiException, type CoreV1Event } from '@kubernetes/client-node';
import type { CreateRunRequest, Run } from '@swf/kfp-api';
import { pino } from 'pino';
import type { ArgoWorkflow } from './domain/argo.js';
import { fnv32a } from './domain/names.js';
import { UTC } from './domain/schedule/index.js';
import type { ScheduledWorkflow } from './domain/types.js';
import { EventRecorder } from './kube/events.js';
import { OwnWrites } from './kube/own-writes.js';
import { ControllerMetrics } from './metrics.js';
import type { Caches } from './reconcile.js';
import { ScheduledWorkflowReconciler, SUBMIT_FAILED_REASON } from './reconciler.js';

const log = pino({ level: 'silent' });
const T0 = Date.parse('2026-03-01T10:00:00Z');
const KEY = 'team/hourly';

function swf(
  spec: Partial<ScheduledWorkflow['spec']> = {},
  status?: ScheduledWorkflow['status'],
): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: {
      name: 'hourly',
      namespace: 'team',
      uid: 'uid-1',
      resourceVersion: '1',
      creationTimestamp: '2026-03-01T09:30:00Z',
    },
    spec: { enabled: true, trigger: { cronSchedule: { cron: '0 0 * * * *' } }, experimentId: 'e', ...spec },
    ...(status && { status }),
  };
}

const conflict = () => new ApiException(409, 'Conflict', {}, {});
const GRACE_MS = 60_000;

/** The Workflow the KFP API server makes in CreateRun for the run `index` of `swf()`. */
function serverWorkflow(
  index: number,
  runName = `hourly-${index}-${fnv32a(`hourly-${index}`)}`,
): ArgoWorkflow {
  return {
    metadata: {
      name: `hello-world-${index}x`,
      namespace: 'team',
      labels: {
        'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'hourly',
        'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
        'scheduledworkflows.kubeflow.org/workflowIndex': String(index),
      },
      annotations: { 'pipelines.kubeflow.org/run_name': runName },
      ownerReferences: [
        {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'ScheduledWorkflow',
          name: 'hourly',
          uid: 'uid-1',
          controller: true,
        },
      ],
    },
  };
}

const deadlineExceeded = () =>
  Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: status.DEADLINE_EXCEEDED });

/** Collaborators recorded as the reconciler uses them. */
function harness(initial: ScheduledWorkflow, nowMs = T0, options: { recordRunEvents?: boolean } = {}) {
  const state = {
    cached: initial as ScheduledWorkflow | undefined,
    stored: initial,
    replaced: [] as ScheduledWorkflow[],
    created: [] as ArgoWorkflow[],
    runs: [] as CreateRunRequest[],
    events: [] as CoreV1Event[],
    conflictsLeft: 0,
    existing: new Set<string>(),
    createRunError: null as Error | null,
    workflows: [] as ArgoWorkflow[],
    now: nowMs,
  };
  const ownWrites = new OwnWrites();
  const caches: Caches = {
    scheduledWorkflow: (key) => ownWrites.resolve(key, state.cached),
    workflowsOf: () => state.workflows,
    waitForWorkflows: async (_key, found) => found(state.workflows),
    wrote: (written) => ownWrites.record(written),
  };
  const reconciler = new ScheduledWorkflowReconciler({
    caches,
    kubeApi: {
      async createWorkflow(_ns, wf) {
        const name = wf.metadata?.name as string;
        if (state.existing.has(name)) return 'exists';
        state.existing.add(name);
        state.created.push(wf);
        return 'created';
      },
      async replaceScheduledWorkflow(obj) {
        if (state.conflictsLeft > 0) {
          state.conflictsLeft -= 1;
          throw conflict();
        }
        const written = {
          ...obj,
          metadata: {
            ...obj.metadata,
            resourceVersion: String(Number(state.stored.metadata.resourceVersion) + 1),
          },
        };
        state.replaced.push(written);
        state.stored = written;
        return written;
      },
      async getScheduledWorkflow() {
        return state.stored;
      },
    },
    runs: {
      async createRun(request) {
        if (state.createRunError) throw state.createRunError;
        state.runs.push(request);
        return { runId: `run-${state.runs.length}` } as Run;
      },
    },
    events: new EventRecorder({ createEvent: async (e) => void state.events.push(e) }, log, () => state.now),
    metrics: new ControllerMetrics(),
    zone: UTC,
    v1Block: { blockV1Pipelines: false, v1AllowedNamespaces: '' },
    now: () => state.now,
    newRunId: () => 'run-uuid',
    createRunGraceMs: GRACE_MS,
    recordRunEvents: options.recordRunEvents ?? false,
  });
  return { state, reconcile: (signal?: AbortSignal) => reconciler.reconcile(KEY, log, signal) };
}

describe('ScheduledWorkflowReconciler', () => {
  it('submits a due run through CreateRun, records it in the status and requeues at the next fire time', async () => {
    const { state, reconcile } = harness(swf());
    const result = await reconcile();
    expect(state.runs).toHaveLength(1);
    expect(state.runs[0]?.run?.displayName).toMatch(/^hourly-1-\d+$/);
    expect(state.replaced).toHaveLength(1);
    expect(state.replaced[0]?.status?.trigger).toEqual({
      lastTriggeredTime: '2026-03-01T10:00:00Z',
      nextTriggeredTime: '2026-03-01T11:00:00Z',
      lastWorkflowIndex: 1,
    });
    expect(result.requeueAtMs).toBe(Date.parse('2026-03-01T11:00:00Z'));
    expect(state.events).toEqual([]);
  });

  it('records a Normal event per run only when asked (--recordRunEvents)', async () => {
    const { state, reconcile } = harness(swf(), T0, { recordRunEvents: true });
    await reconcile();
    expect(state.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'Synced']]);
  });

  it('does nothing but requeue when no run is due and the status is current', async () => {
    const current = swf({}, undefined);
    const { state, reconcile } = harness(current, Date.parse('2026-03-01T09:40:00Z'));
    const first = await reconcile();
    expect(state.runs).toEqual([]);
    expect(first.requeueAtMs).toBe(T0);
    // The first pass wrote the condition; with that stored, a second pass writes nothing.
    state.cached = state.stored;
    await reconcile();
    expect(state.replaced).toHaveLength(1);
  });

  it('adopts a Workflow that already exists under the next name instead of making a second', async () => {
    const { state, reconcile } = harness(swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } }));
    await reconcile();
    expect(state.created).toHaveLength(1);
    const name = state.created[0]?.metadata?.name as string;
    // A crash before the status write: the cache still shows index 0, and the retry meets the same name.
    const retry = harness(swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } }));
    retry.state.existing.add(name);
    await retry.reconcile();
    expect(retry.state.created).toEqual([]);
    expect(retry.state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBe(1);
  });

  it('retries a conflicting status write from a fresh read, keeping the other writer\u2019s labels', async () => {
    const { state, reconcile } = harness(swf());
    state.conflictsLeft = 1;
    state.stored = {
      ...swf(),
      metadata: { ...swf().metadata, resourceVersion: '5', labels: { team: 'blue' } },
    };
    await reconcile();
    expect(state.replaced).toHaveLength(1);
    expect(state.replaced[0]?.metadata.labels).toMatchObject({
      team: 'blue',
      'scheduledworkflows.kubeflow.org/status': 'Enabled',
    });
    expect(state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBe(1);
    expect(state.runs).toHaveLength(1);
  });

  it('stops retrying when the fresh read already records the submission', async () => {
    const { state, reconcile } = harness(swf());
    state.conflictsLeft = 1;
    state.stored = swf({}, { trigger: { lastWorkflowIndex: 1, lastTriggeredTime: '2026-03-01T10:00:00Z' } });
    await reconcile();
    expect(state.replaced).toEqual([]);
  });

  it('works from its own last write until the cache catches up, so it never submits a tick twice', async () => {
    const { state, reconcile } = harness(swf());
    await reconcile();
    // The informer has not delivered the write yet; the same tick is not due again.
    await reconcile();
    expect(state.runs).toHaveLength(1);
  });

  it('marks an invalid cron with an Error condition and a Warning event, and does not requeue', async () => {
    const { state, reconcile } = harness(swf({ trigger: { cronSchedule: { cron: '0 0 0 30 2 *' } } }));
    const result = await reconcile();
    expect(result.requeueAtMs).toBeUndefined();
    expect(state.runs).toEqual([]);
    expect(state.replaced[0]?.status?.conditions?.[0]).toMatchObject({
      type: 'Error',
      reason: 'InvalidSpec',
    });
    expect(state.replaced[0]?.status?.conditions?.[0]?.message).toContain('spec.trigger.cronSchedule.cron');
    expect(state.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'InvalidSpec']]);
  });

  it('marks parameters that are not JSON as invalid without calling the API server', async () => {
    const { state, reconcile } = harness(
      swf({ workflow: { parameters: [{ name: 'x', value: 'not json' }] } }),
    );
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.replaced[0]?.status?.conditions?.[0]?.message).toContain(
      'spec.workflow.parameters[0].value',
    );
  });

  it('reports a failed CreateRun as an Error condition and a Warning event, then throws to retry', async () => {
    const { state, reconcile } = harness(swf());
    state.createRunError = new Error(
      '16 UNAUTHENTICATED: Request header error: there is no user identity header',
    );
    await expect(reconcile()).rejects.toThrow(/failed to submit run hourly-1-\d+: 16 UNAUTHENTICATED/);
    expect(state.replaced[0]?.status?.conditions?.[0]).toMatchObject({
      type: 'Error',
      reason: SUBMIT_FAILED_REASON,
    });
    expect(state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBeUndefined();
    expect(state.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'Failed']]);
    // Once the API server accepts, the condition returns to Enabled.
    state.createRunError = null;
    state.cached = state.stored;
    await reconcile();
    expect(state.stored.status?.conditions?.[0]?.type).toBe('Enabled');
  });

  it('records a run whose Workflow the API server already made, without calling CreateRun', async () => {
    const { state, reconcile } = harness(swf());
    state.workflows = [serverWorkflow(1)];
    const result = await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 1,
      lastTriggeredTime: '2026-03-01T10:00:00Z',
    });
    expect(result.requeueAtMs).toBe(Date.parse('2026-03-01T11:00:00Z'));
  });

  it('finds the made run by its index too, and not by an earlier run', async () => {
    const { state, reconcile } = harness(swf());
    state.workflows = [serverWorkflow(0, 'hourly-0-x')];
    await reconcile();
    expect(state.runs).toHaveLength(1);
    const second = harness(swf());
    second.state.workflows = [serverWorkflow(1, 'renamed')];
    await second.reconcile();
    expect(second.state.runs).toEqual([]);
  });

  it('makes no second call for a run whose CreateRun got no answer until its Workflow appears', async () => {
    const { state, reconcile } = harness(swf());
    state.createRunError = deadlineExceeded();
    await expect(reconcile()).rejects.toThrow(/DEADLINE_EXCEEDED/);
    expect(state.runs).toEqual([]);
    state.createRunError = null;
    state.cached = state.stored;
    state.now += 1_000;
    const waiting = await reconcile();
    expect(state.runs).toEqual([]);
    expect(waiting.requeueAtMs).toBe(T0 + GRACE_MS);
    state.workflows = [serverWorkflow(1)];
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);
  });

  it('calls again once the grace period passed with no Workflow', async () => {
    const { state, reconcile } = harness(swf());
    state.createRunError = deadlineExceeded();
    await expect(reconcile()).rejects.toThrow(/DEADLINE_EXCEEDED/);
    state.createRunError = null;
    state.cached = state.stored;
    state.now += GRACE_MS - 1;
    await reconcile();
    expect(state.runs).toEqual([]);
    state.now += 1;
    await reconcile();
    expect(state.runs).toHaveLength(1);
  });

  it('calls again after an answered failure without waiting', async () => {
    const { state, reconcile } = harness(swf());
    state.createRunError = Object.assign(new Error('14 UNAVAILABLE: down'), { code: status.UNAVAILABLE });
    await expect(reconcile()).rejects.toThrow(/UNAVAILABLE/);
    state.createRunError = null;
    state.cached = state.stored;
    await reconcile();
    expect(state.runs).toHaveLength(1);
  });

  it('starts nothing once its signal aborted (shutdown or leadership lost)', async () => {
    const { state, reconcile } = harness(swf());
    expect(await reconcile(AbortSignal.abort())).toEqual({});
    expect(state.runs).toEqual([]);
    expect(state.replaced).toEqual([]);
  });

  it('ignores a deleted resource', async () => {
    const { state, reconcile } = harness(swf());
    state.cached = undefined;
    expect(await reconcile()).toEqual({});
    expect(state.runs).toEqual([]);
  });
});
