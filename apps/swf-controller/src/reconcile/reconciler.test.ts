import { status } from '@grpc/grpc-js';
import { ApiException, type CoreV1Event } from '@kubernetes/client-node';
import { type CreateRunRequest, Experiment, type Run } from '@swf/kfp-api';
import { pino } from 'pino';
import type { Caches } from '../contract.js';
import { type ArgoWorkflow, controllerUid } from '../domain/argo.js';
import { fnv32a } from '../domain/names.js';
import { UTC } from '../domain/schedule/index.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import { ExperimentNamespaces } from '../kfp/experiment-namespaces.js';
import { EventRecorder } from '../kube/events.js';
import { OwnWrites } from '../kube/own-writes.js';
import { ControllerMetrics } from '../observe/metrics.js';
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

/** `object` deleted and created again under its name: another uid, no status. */
function recreated(object: ScheduledWorkflow): ScheduledWorkflow {
  const { status: _status, ...rest } = object;
  return { ...rest, metadata: { ...object.metadata, uid: 'uid-2', resourceVersion: '7' } };
}
const GRACE_MS = 60_000;

/** The controller ownerReference of every run of `swf()`. */
const OWNER = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'ScheduledWorkflow',
  name: 'hourly',
  uid: 'uid-1',
  controller: true,
};

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
      ownerReferences: [OWNER],
    },
  };
}

const deadlineExceeded = () =>
  Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: status.DEADLINE_EXCEEDED });

/** Collaborators recorded as the reconciler uses them. */
function harness(
  initial: ScheduledWorkflow,
  nowMs = T0,
  options: { recordRunEvents?: boolean; budget?: boolean } = {},
) {
  const state = {
    cached: initial as ScheduledWorkflow | undefined,
    stored: initial,
    replaced: [] as ScheduledWorkflow[],
    created: [] as ArgoWorkflow[],
    runs: [] as CreateRunRequest[],
    events: [] as CoreV1Event[],
    conflictsLeft: 0,
    /** Workflows in the namespace: name to the uid of their controller. */
    existing: new Map<string, string>(),
    createRunError: null as Error | null,
    /** What CreateRun answers (a stored run, for de-duplication); by default a new run. */
    createRunAnswer: undefined as ((request: CreateRunRequest) => Run) | undefined,
    workflows: [] as ArgoWorkflow[],
    /** Experiment ID to namespace, as the KFP API server answers GetExperiment. */
    experiments: { e: 'team' } as Record<string, string>,
    /** The experiment IDs GetExperiment was asked for, in order. */
    experimentReads: [] as string[],
    now: nowMs,
    budget: options.budget ?? true,
  };
  const replace = (obj: ScheduledWorkflow): ScheduledWorkflow => {
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
  };
  // The status-write budget: open unless a test spends it; waiting writes go out once it opens.
  let openBudget: () => void = () => {};
  const budgetOpened = new Promise<void>((resolve) => {
    openBudget = () => {
      state.budget = true;
      resolve();
    };
  });
  const written: string[] = [];
  const ownWrites = new OwnWrites();
  const caches: Caches = {
    scheduledWorkflow: (key) => ownWrites.resolve(key, state.cached),
    workflowsOf: () => state.workflows,
    waitForWorkflows: async (_key, found) => found(state.workflows),
    wrote: (written) => ownWrites.record(written),
  };
  const metrics = new ControllerMetrics();
  const reconciler = new ScheduledWorkflowReconciler({
    caches,
    kubeApi: {
      async createWorkflow(_ns, wf) {
        const name = wf.metadata?.name as string;
        const owner = controllerUid(wf);
        const heldBy = state.existing.get(name);
        if (heldBy !== undefined) return heldBy === owner ? 'exists' : { heldBy };
        state.existing.set(name, owner);
        state.created.push(wf);
        return 'created';
      },
      async tryReplaceScheduledWorkflow(obj) {
        return state.budget ? replace(obj) : 'throttled';
      },
      async replaceScheduledWorkflowWhenAllowed(latest) {
        await budgetOpened;
        const obj = latest();
        return obj === undefined ? undefined : replace(obj);
      },
      async getScheduledWorkflow() {
        return state.stored;
      },
    },
    runs: {
      async createRun(request) {
        if (state.createRunError) throw state.createRunError;
        state.runs.push(request);
        return state.createRunAnswer?.(request) ?? ({ runId: `run-${state.runs.length}` } as Run);
      },
    },
    experiments: new ExperimentNamespaces(
      {
        async getExperiment(experimentId) {
          state.experimentReads.push(experimentId);
          const namespace = state.experiments[experimentId];
          if (namespace === undefined)
            throw Object.assign(new Error('not found'), { code: status.NOT_FOUND });
          return Experiment.fromPartial({ experimentId, namespace });
        },
      },
      { allowCrossNamespace: false },
    ),
    events: new EventRecorder({ createEvent: async (e) => void state.events.push(e) }, log, () => state.now),
    metrics,
    zone: UTC,
    v1Block: { blockV1Pipelines: false, v1AllowedNamespaces: '' },
    now: () => state.now,
    newRunId: () => 'run-uuid',
    createRunGraceMs: GRACE_MS,
    recordRunEvents: options.recordRunEvents ?? false,
    log,
    onStatusWritten: (key) => written.push(key),
  });
  return {
    state,
    metrics,
    openBudget,
    written,
    reconcile: (signal?: AbortSignal) => reconciler.reconcile(KEY, log, signal),
  };
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

  it('lets a status write wait for the budget, and starts the next run of that resource once it is made', async () => {
    const { state, reconcile, openBudget, written } = harness(swf(), T0, { budget: false });
    await reconcile();
    expect(state.runs).toHaveLength(1);
    expect(state.replaced).toEqual([]);

    // The next tick while the write is still waiting: the KFP API server would label the run's
    // Workflow with the stored index + 1, so nothing starts until the write is made.
    state.now = T0 + 3_600_000;
    expect((await reconcile()).requeueAtMs).toBeNull();
    expect(state.runs).toHaveLength(1);

    openBudget();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([1]);
    expect(written).toEqual([KEY]);

    state.cached = state.stored;
    await reconcile();
    expect(state.runs.map((r) => r.run?.displayName?.split('-')[1])).toEqual(['1', '2']);
    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([1, 2]);
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

  it('reads the experiment while the resource waits for its first fire, so the fire waits for no read', async () => {
    const { state, reconcile } = harness(swf(), Date.parse('2026-03-01T09:40:00Z'));
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.experimentReads).toEqual(['e']);
    state.cached = state.stored;
    state.now = T0;
    await reconcile();
    expect(state.runs).toHaveLength(1);
    expect(state.experimentReads).toEqual(['e']);
  });

  it('reads no experiment ahead for an embedded spec or a disabled resource', async () => {
    const early = Date.parse('2026-03-01T09:40:00Z');
    const embedded = harness(swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } }), early);
    await embedded.reconcile();
    const disabled = harness(swf({ enabled: false }), early);
    await disabled.reconcile();
    expect([...embedded.state.experimentReads, ...disabled.state.experimentReads]).toEqual([]);
  });

  it('adopts a Workflow that already exists under the next name instead of making a second', async () => {
    const { state, reconcile } = harness(swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } }));
    await reconcile();
    expect(state.created).toHaveLength(1);
    const name = state.created[0]?.metadata?.name as string;
    // A crash before the status write: the cache still shows index 0, and the retry meets the same name.
    const retry = harness(swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } }));
    retry.state.existing.set(name, 'uid-1');
    await retry.reconcile();
    expect(retry.state.created).toEqual([]);
    expect(retry.state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBe(1);
  });

  it('does not count a Workflow an earlier resource of the same name left under the next name as its run', async () => {
    const embedded = swf({ workflow: { spec: { entrypoint: 'main', templates: [] } } });
    const { state, reconcile } = harness(embedded);
    const name = `hourly-1-${fnv32a('hourly-1')}`;
    // Deleted and created again: the garbage collector has not removed the old one's Workflow yet.
    state.existing.set(name, 'uid-old');

    await expect(reconcile()).rejects.toThrow(`Workflow ${name} already exists with owner uid uid-old`);
    expect(state.created).toEqual([]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex ?? 0).toBe(0);
    expect(state.stored.status?.conditions?.[0]).toMatchObject({
      type: 'Error',
      reason: SUBMIT_FAILED_REASON,
    });
    expect(state.events.map((e) => e.type)).toEqual(['Warning']);

    // Once it is gone, the run starts under that name.
    state.existing.delete(name);
    state.cached = state.stored;
    await reconcile();
    expect(state.created.map((w) => w.metadata?.name)).toEqual([name]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);
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

  it('writes nothing over an object created again under the same name meanwhile', async () => {
    const { state, reconcile } = harness(swf());
    state.conflictsLeft = 1;
    const created = recreated(swf());
    state.stored = created;
    await reconcile();
    expect(state.runs).toHaveLength(1);
    expect(state.replaced).toEqual([]);
    expect(state.stored).toBe(created);
  });

  it('does not make a waiting write of a deleted resource over the one created again under its name', async () => {
    const { state, reconcile, openBudget } = harness(swf(), T0, { budget: false });
    await reconcile();
    expect(state.runs).toHaveLength(1);

    const created = recreated(swf());
    state.cached = created;
    state.stored = created;
    openBudget();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.replaced).toEqual([]);

    // The new object's own first run starts: nothing of the old one holds it back or stands for it.
    await reconcile();
    expect(state.runs).toHaveLength(2);
    expect(state.stored.metadata.uid).toBe('uid-2');
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);
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

  it("refuses another namespace's experiment: Error condition, a Warning event naming both namespaces, no run", async () => {
    const { state, reconcile } = harness(swf({ experimentId: 'theirs' }));
    state.experiments.theirs = 'other-team';
    const result = await reconcile();
    expect(result.requeueAtMs).toBeUndefined();
    expect(state.runs).toEqual([]);
    expect(state.replaced[0]?.status?.conditions?.[0]).toMatchObject({
      type: 'Error',
      reason: 'CrossNamespaceExperiment',
    });
    expect(state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBeUndefined();
    expect(state.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'CrossNamespaceExperiment']]);
    expect(state.events[0]?.message).toMatch(/namespace other-team, not to this resource's namespace team/);
  });

  it('marks an experiment the API server does not know as an invalid spec, without CreateRun', async () => {
    const { state, reconcile } = harness(swf({ experimentId: 'gone' }));
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.replaced[0]?.status?.conditions?.[0]).toMatchObject({
      type: 'Error',
      reason: 'InvalidSpec',
    });
    expect(state.replaced[0]?.status?.conditions?.[0]?.message).toContain('spec.experimentId');
  });

  it("does not read the experiment of an embedded spec, whose Workflow it makes in the resource's namespace", async () => {
    const { state, reconcile } = harness(
      swf({ experimentId: 'theirs', workflow: { spec: { entrypoint: 'main', templates: [] } } }),
    );
    await reconcile();
    expect(state.created).toHaveLength(1);
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

describe('ScheduledWorkflowReconciler: per-schedule annotations', () => {
  const ZONE = 'scheduledworkflows.kubeflow.org/time-zone';
  const DEADLINE = 'scheduledworkflows.kubeflow.org/starting-deadline-seconds';
  const RUN_NOW = 'scheduledworkflows.kubeflow.org/run-now';
  const HONOURED = 'scheduledworkflows.kubeflow.org/run-now-honoured';
  const HOURLY_LAST_10 = { trigger: { lastTriggeredTime: '2026-03-01T10:00:00Z', lastWorkflowIndex: 0 } };

  function annotated(
    annotations: Record<string, string>,
    spec: Partial<ScheduledWorkflow['spec']> = {},
    status?: ScheduledWorkflow['status'],
  ): ScheduledWorkflow {
    const resource = swf(spec, status);
    return { ...resource, metadata: { ...resource.metadata, annotations } };
  }
  const skippedCount = async (metrics: ControllerMetrics) =>
    (await metrics.skippedTicks.get()).values.find((v) => v.labels.reason === 'starting_deadline')?.value ??
    0;
  const eventsOf = (events: CoreV1Event[], reason: string) => events.filter((e) => e.reason === reason);

  it("reads the cron in the resource's time zone", async () => {
    // 09:30 in Kolkata is 04:00 UTC; at 04:00:05 UTC the tick is due there, not in UTC.
    const spec = { trigger: { cronSchedule: { cron: '0 30 9 * * *' } } };
    const status = { trigger: { lastTriggeredTime: '2026-02-28T09:30:00Z' } };
    const kolkata = harness(
      annotated({ [ZONE]: 'Asia/Kolkata' }, spec, status),
      Date.parse('2026-03-01T04:00:05Z'),
    );
    const result = await kolkata.reconcile();
    expect(kolkata.state.runs).toHaveLength(1);
    expect(kolkata.state.stored.status?.trigger).toEqual({
      lastTriggeredTime: '2026-03-01T04:00:00Z',
      nextTriggeredTime: '2026-03-02T04:00:00Z',
      lastWorkflowIndex: 1,
    });
    expect(result.requeueAtMs).toBe(Date.parse('2026-03-02T04:00:00Z'));

    const controllerZone = harness(swf(spec, status), Date.parse('2026-03-01T04:00:05Z'));
    expect((await controllerZone.reconcile()).requeueAtMs).toBe(Date.parse('2026-03-01T09:30:00Z'));
    expect(controllerZone.state.runs).toEqual([]);
  });

  it.each([
    [ZONE, 'Mars/Olympus', '"Mars/Olympus" is not a known IANA time zone'],
    [ZONE, '', 'must name an IANA time zone'],
    [DEADLINE, 'soon', 'must be a whole number of seconds, 0 or more, got "soon"'],
    [DEADLINE, '-1', 'must be a whole number of seconds'],
    [RUN_NOW, '', 'must not be empty'],
  ])(
    'marks %s=%j with an Error condition and a Warning event naming it, and starts nothing',
    async (key, value, rule) => {
      const { state, reconcile } = harness(annotated({ [key]: value }, {}, HOURLY_LAST_10));
      const result = await reconcile();
      expect(result.requeueAtMs).toBeUndefined();
      expect(state.runs).toEqual([]);
      expect(state.created).toEqual([]);
      const condition = state.stored.status?.conditions?.[0];
      expect(condition).toMatchObject({ type: 'Error', reason: 'InvalidSpec' });
      expect(condition?.message?.startsWith(`metadata.annotations["${key}"]: `)).toBe(true);
      expect(condition?.message).toContain(rule);
      expect(state.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'InvalidSpec']]);
      expect(state.events[0]?.message).toContain(`metadata.annotations["${key}"]`);
      expect(state.events[0]?.message).toContain(rule);
      expect(state.stored.metadata.annotations).toEqual({ [key]: value });
    },
  );

  describe('starting deadline', () => {
    it('skips every tick too late to start, records the skip, counts it and reports it once', async () => {
      // Hourly; last run at 10:00; the controller comes back at 13:30 with a 10-minute deadline.
      const { state, metrics, reconcile } = harness(
        annotated({ [DEADLINE]: '600' }, {}, HOURLY_LAST_10),
        Date.parse('2026-03-01T13:30:00Z'),
      );
      const result = await reconcile();
      expect(state.runs).toEqual([]);
      expect(state.stored.status?.trigger).toEqual({
        lastTriggeredTime: '2026-03-01T13:00:00Z',
        nextTriggeredTime: '2026-03-01T14:00:00Z',
        lastWorkflowIndex: 0,
      });
      expect(result.requeueAtMs).toBe(Date.parse('2026-03-01T14:00:00Z'));
      expect(await skippedCount(metrics)).toBe(3);
      const skipped = eventsOf(state.events, 'SkippedTicks');
      expect(skipped.map((e) => e.type)).toEqual(['Normal']);
      expect(skipped[0]?.message).toContain(
        `skipped 3 ticks from 2026-03-01T11:00:00Z to 2026-03-01T13:00:00Z: not started within ${DEADLINE}=600`,
      );
      // The skipped ticks are not considered again.
      state.cached = state.stored;
      state.now += 60_000;
      await reconcile();
      expect(await skippedCount(metrics)).toBe(3);
      expect(eventsOf(state.events, 'SkippedTicks')).toHaveLength(1);
      expect(state.runs).toEqual([]);
    });

    it('with catch-up, runs the first missed tick within the deadline after skipping the older ones', async () => {
      const { state, metrics, reconcile } = harness(
        annotated({ [DEADLINE]: '600' }, {}, HOURLY_LAST_10),
        Date.parse('2026-03-01T13:05:00Z'),
      );
      await reconcile();
      expect(state.runs).toHaveLength(1);
      expect(state.runs[0]?.run?.displayName).toMatch(/^hourly-1-\d+$/);
      expect(state.stored.status?.trigger).toMatchObject({
        lastTriggeredTime: '2026-03-01T13:00:00Z',
        lastWorkflowIndex: 1,
      });
      expect(await skippedCount(metrics)).toBe(2);
      expect(eventsOf(state.events, 'SkippedTicks')).toHaveLength(1);
    });

    it('records a skip in the failure write when the run after it cannot start, and reports it once', async () => {
      const { state, metrics, reconcile } = harness(
        annotated({ [DEADLINE]: '600' }, {}, HOURLY_LAST_10),
        Date.parse('2026-03-01T13:05:00Z'),
      );
      state.createRunError = Object.assign(new Error('14 UNAVAILABLE: down'), { code: status.UNAVAILABLE });
      await expect(reconcile()).rejects.toThrow(/UNAVAILABLE/);
      expect(state.stored.status?.trigger?.lastTriggeredTime).toBe('2026-03-01T12:00:00Z');
      expect(await skippedCount(metrics)).toBe(2);
      // The retry, 8 minutes later and still failing, skips nothing more: 13:00 is within 10 minutes.
      state.cached = state.stored;
      state.now = Date.parse('2026-03-01T13:08:00Z');
      await expect(reconcile()).rejects.toThrow(/UNAVAILABLE/);
      expect(await skippedCount(metrics)).toBe(2);
      // Back after the deadline of 13:00 passed: that tick is skipped too, and 14:00 is waited for.
      state.createRunError = null;
      state.cached = state.stored;
      state.now = Date.parse('2026-03-01T13:20:00Z');
      await reconcile();
      expect(state.runs).toEqual([]);
      expect(await skippedCount(metrics)).toBe(3);
      expect(eventsOf(state.events, 'SkippedTicks').map((e) => e.message)).toEqual([
        expect.stringContaining('skipped 2 ticks from 2026-03-01T11:00:00Z to 2026-03-01T12:00:00Z'),
        expect.stringContaining('skipped the tick of 2026-03-01T13:00:00Z'),
      ]);
    });

    it('does not skip the tick of a run whose Workflow was made already: it records it', async () => {
      const { state, metrics, reconcile } = harness(
        annotated({ [DEADLINE]: '600' }, {}, HOURLY_LAST_10),
        Date.parse('2026-03-01T13:30:00Z'),
      );
      state.workflows = [serverWorkflow(1)];
      await reconcile();
      expect(state.runs).toEqual([]);
      expect(state.stored.status?.trigger).toMatchObject({
        lastTriggeredTime: '2026-03-01T11:00:00Z',
        lastWorkflowIndex: 1,
      });
      expect(await skippedCount(metrics)).toBe(0);
    });

    it('without the annotation, runs the oldest missed tick late, as upstream', async () => {
      const { state, metrics, reconcile } = harness(
        swf({}, HOURLY_LAST_10),
        Date.parse('2026-03-01T13:30:00Z'),
      );
      await reconcile();
      expect(state.stored.status?.trigger?.lastTriggeredTime).toBe('2026-03-01T11:00:00Z');
      expect(await skippedCount(metrics)).toBe(0);
    });
  });

  describe('run-now', () => {
    it('starts one run with the next index, also when disabled, and records the value in the same write', async () => {
      const { state, reconcile } = harness(
        annotated({ [RUN_NOW]: 'first' }, { enabled: false }, HOURLY_LAST_10),
        Date.parse('2026-03-01T10:20:07Z'),
      );
      const result = await reconcile();
      expect(state.runs).toHaveLength(1);
      expect(state.runs[0]?.run?.displayName).toBe(`hourly-1-${fnv32a('hourly-1')}`);
      expect(state.replaced).toHaveLength(1);
      expect(state.stored.metadata.annotations).toEqual({ [RUN_NOW]: 'first', [HONOURED]: 'first' });
      // The schedule stays where it was: only the index moves.
      expect(state.stored.status?.trigger).toEqual({
        lastTriggeredTime: '2026-03-01T10:00:00Z',
        nextTriggeredTime: '2026-03-01T11:00:00Z',
        lastWorkflowIndex: 1,
      });
      expect(result.requeueAtMs).toBeNull();
      expect(eventsOf(state.events, 'RunNow').map((e) => [e.type, e.message])).toEqual([
        [
          'Normal',
          expect.stringContaining(`started run hourly-1-${fnv32a('hourly-1')} for ${RUN_NOW}="first"`),
        ],
      ]);
    });

    it('starts exactly one run per distinct value', async () => {
      const { state, reconcile } = harness(
        annotated({ [RUN_NOW]: 'first' }, { enabled: false }, HOURLY_LAST_10),
      );
      await reconcile();
      // A resync, or a restarted controller, reads the honoured value: nothing more.
      state.cached = state.stored;
      await reconcile();
      expect(state.runs).toHaveLength(1);
      // The same value set again asks for nothing; a new one for one more run.
      const annotations = state.stored.metadata.annotations;
      state.cached = {
        ...state.stored,
        metadata: { ...state.stored.metadata, annotations: { ...annotations, [RUN_NOW]: 'first' } },
      };
      await reconcile();
      expect(state.runs).toHaveLength(1);
      state.cached = {
        ...state.stored,
        metadata: { ...state.stored.metadata, annotations: { ...annotations, [RUN_NOW]: 'second' } },
      };
      await reconcile();
      expect(state.runs.map((r) => r.run?.displayName)).toEqual([
        `hourly-1-${fnv32a('hourly-1')}`,
        `hourly-2-${fnv32a('hourly-2')}`,
      ]);
      expect(state.stored.metadata.annotations?.[HONOURED]).toBe('second');
    });

    it('records a run-now run whose Workflow was made before a crash, with the value, and calls nothing', async () => {
      const { state, reconcile } = harness(
        annotated({ [RUN_NOW]: 'first' }, { enabled: false }, HOURLY_LAST_10),
      );
      state.workflows = [serverWorkflow(1)];
      await reconcile();
      expect(state.runs).toEqual([]);
      expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);
      expect(state.stored.metadata.annotations?.[HONOURED]).toBe('first');
    });

    it('does not record the value when the run could not start, so the retry starts it', async () => {
      const { state, reconcile } = harness(
        annotated({ [RUN_NOW]: 'first' }, { enabled: false }, HOURLY_LAST_10),
      );
      state.createRunError = Object.assign(new Error('14 UNAVAILABLE: down'), { code: status.UNAVAILABLE });
      await expect(reconcile()).rejects.toThrow(/UNAVAILABLE/);
      expect(state.stored.metadata.annotations?.[HONOURED]).toBeUndefined();
      state.createRunError = null;
      state.cached = state.stored;
      await reconcile();
      expect(state.runs).toHaveLength(1);
      expect(state.stored.metadata.annotations?.[HONOURED]).toBe('first');
    });

    it('goes ahead of a due tick and of maxConcurrency; the tick follows in the next pass', async () => {
      const { state, reconcile } = harness(
        annotated({ [RUN_NOW]: 'now' }, { maxConcurrency: 10 }, HOURLY_LAST_10),
        Date.parse('2026-03-01T11:00:03Z'),
      );
      const first = await reconcile();
      expect(first.requeueAtMs).toBe(state.now);
      expect(state.stored.status?.trigger).toEqual({
        lastTriggeredTime: '2026-03-01T10:00:00Z',
        nextTriggeredTime: '2026-03-01T11:00:00Z',
        lastWorkflowIndex: 1,
      });
      state.cached = state.stored;
      await reconcile();
      expect(state.runs).toHaveLength(2);
      expect(state.stored.status?.trigger).toMatchObject({
        lastTriggeredTime: '2026-03-01T11:00:00Z',
        lastWorkflowIndex: 2,
      });
    });

    it('starts the run even at the maxConcurrency limit, which holds the due tick back', async () => {
      const status = { trigger: { lastTriggeredTime: '2026-03-01T09:00:00Z', lastWorkflowIndex: 3 } };
      const { state, reconcile } = harness(annotated({ [RUN_NOW]: 'now' }, { maxConcurrency: 1 }, status));
      state.workflows = [serverWorkflow(3)];
      await reconcile();
      expect(state.runs.map((r) => r.run?.displayName)).toEqual([`hourly-4-${fnv32a('hourly-4')}`]);
      state.cached = state.stored;
      await reconcile();
      expect(state.runs).toHaveLength(1);
    });

    it('makes a Workflow on the embedded path, scheduled at the time it was asked for', async () => {
      const { state, reconcile } = harness(
        annotated(
          { [RUN_NOW]: 'now' },
          {
            enabled: false,
            workflow: {
              parameters: [{ name: 'when', value: '[[ScheduledTime]]' }],
              spec: { entrypoint: 'main', arguments: { parameters: [{ name: 'when' }] }, templates: [] },
            },
          },
          HOURLY_LAST_10,
        ),
        Date.parse('2026-03-01T10:20:07Z'),
      );
      await reconcile();
      expect(state.created).toHaveLength(1);
      expect(state.created[0]?.metadata.labels).toMatchObject({
        'scheduledworkflows.kubeflow.org/workflowIndex': '1',
        'scheduledworkflows.kubeflow.org/workflowEpoch': String(Date.parse('2026-03-01T10:20:07Z') / 1000),
      });
      expect(state.created[0]?.spec?.arguments).toEqual({
        parameters: [{ name: 'when', value: '20260301102007' }],
      });
      expect(state.stored.metadata.annotations?.[HONOURED]).toBe('now');
    });
  });

  it('expands parameter macros on the latest-version path with the tick and the time of the call', async () => {
    const { state, reconcile } = harness(
      swf(
        {
          workflow: {
            parameters: [
              { name: 'scheduled', value: '"[[ScheduledTime]]"' },
              { name: 'current', value: '"{{$.currentTime.strftime(\'%H:%M:%S\')}}"' },
              { name: 'index', value: '[[Index]]' },
            ],
          },
        },
        HOURLY_LAST_10,
      ),
      Date.parse('2026-03-01T11:00:02Z'),
    );
    await reconcile();
    expect(state.runs[0]?.run?.runtimeConfig?.parameters).toEqual({
      scheduled: '20260301110000',
      current: '11:00:02',
      index: 1,
    });
  });
});

describe('ScheduledWorkflowReconciler: a status set back while its Workflows stay', () => {
  // Room for the runs found: maxConcurrency is not what these tests are about.
  const EMBEDDED = { maxConcurrency: 10, workflow: { spec: { entrypoint: 'main', templates: [] } } };
  const RUN_NOW = 'scheduledworkflows.kubeflow.org/run-now';
  const at = (time: string) => Date.parse(time) / 1000;
  /** Runs up to index 1 (the tick of 10:00) recorded. */
  const AFTER_RUN_1 = {
    trigger: { lastTriggeredTime: '2026-03-01T10:00:00Z', lastWorkflowIndex: 1 },
  };
  const behind = (events: CoreV1Event[]) => events.filter((e) => e.reason === 'StatusBehindWorkflows');

  /** The controller's Workflow of run `index`, made for the tick at `time` (or for a run-now value). */
  function own(index: number, time: string, runNow?: string): ArgoWorkflow {
    return {
      metadata: {
        name: `hourly-${index}-${fnv32a(`hourly-${index}`)}`,
        namespace: 'team',
        labels: {
          'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'hourly',
          'scheduledworkflows.kubeflow.org/workflowIndex': String(index),
          'scheduledworkflows.kubeflow.org/workflowEpoch': String(at(time)),
        },
        ...(runNow !== undefined && { annotations: { [RUN_NOW]: runNow } }),
        ownerReferences: [OWNER],
      },
    };
  }

  /** The API server's Workflow of run `index`, made at `time` (its workflowEpoch). */
  function made(index: number, time: string): ArgoWorkflow {
    const workflow = serverWorkflow(index);
    (workflow.metadata.labels as Record<string, string>)['scheduledworkflows.kubeflow.org/workflowEpoch'] =
      String(at(time));
    return workflow;
  }

  it('moves the index past older ticks\u2019 Workflows with a Warning, then runs the tick under a new index', async () => {
    const { state, reconcile } = harness(
      swf({ ...EMBEDDED, noCatchup: true }, AFTER_RUN_1),
      Date.parse('2026-03-01T13:00:01Z'),
    );
    state.workflows = [own(2, '2026-03-01T11:00:00Z'), own(3, '2026-03-01T12:00:00Z')];

    const first = await reconcile();
    expect(state.created).toEqual([]);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 3,
      lastTriggeredTime: '2026-03-01T12:00:00Z',
    });
    expect(first.requeueAtMs).toBe(state.now);
    expect(behind(state.events).map((e) => [e.type, e.message])).toEqual([
      [
        'Warning',
        expect.stringContaining('2 runs up to index 3 exist beyond status.trigger.lastWorkflowIndex 1'),
      ],
    ]);

    state.cached = state.stored;
    await reconcile();
    expect(state.created.map((w) => w.metadata.name)).toEqual([`hourly-4-${fnv32a('hourly-4')}`]);
    expect(state.created[0]?.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowEpoch']).toBe(
      String(at('2026-03-01T13:00:00Z')),
    );
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 4,
      lastTriggeredTime: '2026-03-01T13:00:00Z',
    });
  });

  it('with catch-up, records each run found for its own tick, one Warning for all', async () => {
    const { state, reconcile } = harness(swf(EMBEDDED, AFTER_RUN_1), Date.parse('2026-03-01T12:30:00Z'));
    state.workflows = [own(2, '2026-03-01T11:00:00Z'), own(3, '2026-03-01T12:00:00Z')];

    await reconcile();
    state.cached = state.stored;
    await reconcile();
    state.cached = state.stored;
    await reconcile();
    expect(state.created).toEqual([]);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 3,
      lastTriggeredTime: '2026-03-01T12:00:00Z',
      nextTriggeredTime: '2026-03-01T13:00:00Z',
    });
    expect(behind(state.events)).toHaveLength(1);
  });

  it('after a crash, without catch-up, runs the later tick too under a new index when the earlier one was made', async () => {
    // The run of 10:00 was made at 10:00:01; the status write that records it was lost, and the
    // retry comes after 11:00, which is the tick decided without catch-up.
    const { state, reconcile } = harness(
      swf(
        // Room for both: the earlier run is still active.
        { noCatchup: true, maxConcurrency: 10 },
        { trigger: { lastTriggeredTime: '2026-03-01T09:00:00Z', lastWorkflowIndex: 0 } },
      ),
      Date.parse('2026-03-01T11:00:05Z'),
    );
    state.workflows = [made(1, '2026-03-01T10:00:01Z')];
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);

    state.cached = state.stored;
    await reconcile();
    expect(state.runs.map((r) => r.run?.displayName)).toEqual([`hourly-2-${fnv32a('hourly-2')}`]);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 2,
      lastTriggeredTime: '2026-03-01T11:00:00Z',
    });
  });

  it('after a crash, with catch-up, records the run the API server made for the same tick', async () => {
    const { state, reconcile } = harness(
      swf({}, { trigger: { lastTriggeredTime: '2026-03-01T09:00:00Z', lastWorkflowIndex: 0 } }),
      Date.parse('2026-03-01T11:00:05Z'),
    );
    state.workflows = [made(1, '2026-03-01T10:00:01Z')];
    await reconcile();
    expect(state.runs).toEqual([]);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 1,
      lastTriggeredTime: '2026-03-01T10:00:00Z',
    });
    expect(behind(state.events)).toEqual([]);
  });

  it('takes a CreateRun answered with a run made before this tick (de-duplicated by name) for no run', async () => {
    const { state, reconcile } = harness(swf({}, AFTER_RUN_1), Date.parse('2026-03-01T11:00:01Z'));
    // The run of index 2's name was stored at 10:30 (its Workflow is gone): the server returns it.
    state.createRunAnswer = () =>
      ({ runId: 'old-run', createdAt: { seconds: at('2026-03-01T10:30:00Z'), nanos: 0 } }) as Run;

    const first = await reconcile();
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 2,
      lastTriggeredTime: '2026-03-01T10:00:00Z',
    });
    expect(first.requeueAtMs).toBe(state.now);
    expect(behind(state.events).map((e) => e.message)).toEqual([
      expect.stringContaining(
        `CreateRun for run hourly-2-${fnv32a('hourly-2')} (the tick of 2026-03-01T11:00:00Z) answered with run old-run, which the KFP API server made at 2026-03-01T10:30:00Z`,
      ),
    ]);

    state.createRunAnswer = undefined;
    state.cached = state.stored;
    await reconcile();
    expect(state.runs.map((r) => r.run?.displayName?.split('-')[1])).toEqual(['2', '3']);
    expect(state.stored.status?.trigger).toMatchObject({
      lastWorkflowIndex: 3,
      lastTriggeredTime: '2026-03-01T11:00:00Z',
    });
  });

  it('counts active runs found beyond the status toward maxConcurrency, and leaves them until the tick may start', async () => {
    const { state, reconcile } = harness(
      swf({ ...EMBEDDED, noCatchup: true, maxConcurrency: 2 }, AFTER_RUN_1),
      Date.parse('2026-03-01T13:00:01Z'),
    );
    state.workflows = [own(2, '2026-03-01T11:00:00Z'), own(3, '2026-03-01T12:00:00Z')];
    await reconcile();
    expect(state.created).toEqual([]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(1);
  });

  it('marks a run-now Workflow with its value, and records it after a crash for that value only', async () => {
    const resource = swf({ ...EMBEDDED, enabled: false }, AFTER_RUN_1);
    const asked = { ...resource, metadata: { ...resource.metadata, annotations: { [RUN_NOW]: 'now' } } };
    const { state, reconcile } = harness(asked, Date.parse('2026-03-01T10:20:07Z'));
    await reconcile();
    expect(state.created[0]?.metadata.annotations?.[RUN_NOW]).toBe('now');

    // The retry, a second later (another epoch), finds that Workflow: it is this value's run.
    const retry = harness(asked, Date.parse('2026-03-01T10:20:08Z'));
    retry.state.workflows = [own(2, '2026-03-01T10:20:07Z', 'now')];
    await retry.reconcile();
    expect(retry.state.created).toEqual([]);
    expect(retry.state.stored.status?.trigger?.lastWorkflowIndex).toBe(2);

    // Another value's run under that index is not this one's.
    const other = harness(asked, Date.parse('2026-03-01T10:20:08Z'));
    other.state.workflows = [own(2, '2026-03-01T10:20:07Z', 'before')];
    await other.reconcile();
    expect(other.state.created).toEqual([]);
    expect(other.state.stored.status?.trigger?.lastWorkflowIndex).toBe(2);
    other.state.cached = other.state.stored;
    await other.reconcile();
    expect(other.state.created.map((w) => w.metadata.name)).toEqual([`hourly-3-${fnv32a('hourly-3')}`]);
  });
});

describe('ScheduledWorkflowReconciler: skipped ticks reported once recorded', () => {
  const DEADLINE = 'scheduledworkflows.kubeflow.org/starting-deadline-seconds';
  const late = () => {
    const resource = swf(
      {},
      { trigger: { lastTriggeredTime: '2026-03-01T10:00:00Z', lastWorkflowIndex: 0 } },
    );
    return { ...resource, metadata: { ...resource.metadata, annotations: { [DEADLINE]: '600' } } };
  };
  const skipEvents = (events: CoreV1Event[]) => events.filter((e) => e.reason === 'SkippedTicks');
  const skippedCount = async (metrics: ControllerMetrics) =>
    (await metrics.skippedTicks.get()).values.find((v) => v.labels.reason === 'starting_deadline')?.value ??
    0;

  it('reports a skip only once the write that records it, which waited for the budget, is made', async () => {
    const { state, metrics, reconcile, openBudget } = harness(late(), Date.parse('2026-03-01T13:30:00Z'), {
      budget: false,
    });
    await reconcile();
    expect(skipEvents(state.events)).toEqual([]);
    expect(await skippedCount(metrics)).toBe(0);

    openBudget();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.stored.status?.trigger?.lastTriggeredTime).toBe('2026-03-01T13:00:00Z');
    expect(skipEvents(state.events)).toHaveLength(1);
    expect(await skippedCount(metrics)).toBe(3);
  });

  it('never reports a skip whose write was dropped (leadership lost): the next leader does', async () => {
    const { state, metrics, reconcile, openBudget } = harness(late(), Date.parse('2026-03-01T13:30:00Z'), {
      budget: false,
    });
    const leading = new AbortController();
    await reconcile(leading.signal);
    leading.abort();
    openBudget();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.replaced).toEqual([]);
    expect(skipEvents(state.events)).toEqual([]);
    expect(await skippedCount(metrics)).toBe(0);
  });
});
