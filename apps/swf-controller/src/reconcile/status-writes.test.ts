import { ApiException } from '@kubernetes/client-node';
import { pino } from 'pino';
import type { ScheduledWorkflow } from '../domain/types.js';
import { ControllerMetrics } from '../observe/metrics.js';
import { type StatusWrite, StatusWrites } from './status-writes.js';

const KEY = 'team/hourly';
const ENABLED = 'scheduledworkflows.kubeflow.org/enabled';

function swf(lastWorkflowIndex: number, resourceVersion = '1', labels: Record<string, string> = {}) {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: 'hourly', namespace: 'team', resourceVersion, labels },
    spec: { enabled: true },
    status: { trigger: { lastWorkflowIndex } },
  } as ScheduledWorkflow;
}

function withUid(object: ScheduledWorkflow, uid: string): ScheduledWorkflow {
  return { ...object, metadata: { ...object.metadata, uid } };
}

/** The write that records run `index`. */
const recording = (index: number): StatusWrite => ({
  status: { trigger: { lastWorkflowIndex: index, lastTriggeredTime: `2026-03-01T1${index}:00:00Z` } },
  labels: { [ENABLED]: 'true' },
});

/**
 * An API server copy with resourceVersions (a stale write answers 409), a budget that is open or
 * spent for immediate writes, and waiting writes that go out when the test opens the gate.
 */
function harness(options: { budget: boolean }) {
  const state = {
    budget: options.budget,
    stored: swf(0),
    cached: swf(0) as ScheduledWorkflow | undefined,
    tried: [] as ScheduledWorkflow[],
    replaced: [] as ScheduledWorkflow[],
    wrote: [] as ScheduledWorkflow[],
    version: 1,
    /** Runs while a waiting write is on its way, after it was built and before it is stored. */
    inFlight: undefined as (() => Promise<void>) | undefined,
    conflicts: 0,
  };
  const store = (object: ScheduledWorkflow): ScheduledWorkflow => {
    if (object.metadata.resourceVersion !== state.stored.metadata.resourceVersion) {
      throw new ApiException(409, 'Conflict', {}, {});
    }
    state.version += 1;
    state.stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(state.version) } };
    return state.stored;
  };
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const metrics = new ControllerMetrics();
  const writes = new StatusWrites({
    kubeApi: {
      tryReplaceScheduledWorkflow: async (object) => {
        if (!state.budget) return 'throttled';
        state.tried.push(object);
        return store(object);
      },
      replaceScheduledWorkflowWhenAllowed: async (latest) => {
        await gate;
        const object = latest();
        if (object === undefined) return undefined;
        const during = state.inFlight;
        state.inFlight = undefined;
        await during?.();
        let stored: ScheduledWorkflow;
        try {
          stored = store(object);
        } catch (error) {
          state.conflicts += 1;
          throw error;
        }
        state.replaced.push(object);
        return stored;
      },
      getScheduledWorkflow: async () => state.stored,
    },
    caches: {
      scheduledWorkflow: () => state.cached,
      wrote: (object) => {
        state.wrote.push(object);
        // As the controller's caches do: its own write is what it reads next.
        if (state.cached !== undefined) state.cached = object;
      },
    },
    metrics,
    log: pino({ level: 'silent' }),
    onStatusWritten: () => {},
  });
  return { state, writes, metrics, open: () => release() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StatusWrites', () => {
  it('writes at once while the budget has a token, and keeps nothing', async () => {
    const { state, writes } = harness({ budget: true });

    const result = await writes.write(KEY, swf(0), recording(1));

    expect(result.outcome).toBe('written');
    expect(state.tried.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([1]);
    expect(state.wrote).toHaveLength(1);
    expect(writes.pending).toBe(0);
  });

  it('keeps a write the budget cannot take now, and shows it through overlay at once', async () => {
    const { state, writes, metrics } = harness({ budget: false });

    const result = await writes.write(KEY, swf(0), recording(1));

    expect(result.outcome).toBe('deferred');
    expect(writes.overlay(KEY, swf(0)).status?.trigger?.lastWorkflowIndex).toBe(1);
    expect(writes.overlay('team/other', swf(0)).status?.trigger?.lastWorkflowIndex).toBe(0);
    expect(state.replaced).toEqual([]);
    expect((await metrics.statusWritesPending.get()).values[0]?.value).toBe(1);
  });

  it('holds a run back only while a waiting write records a run the stored object does not', async () => {
    const { writes } = harness({ budget: false });

    await writes.write(KEY, swf(0), { status: { trigger: { lastWorkflowIndex: 0 } }, labels: {} });
    expect(writes.holdsRun(KEY, swf(0))).toBe(false);
    await writes.write(KEY, swf(0), recording(1));
    expect(writes.holdsRun(KEY, swf(0))).toBe(true);
    expect(writes.holdsRun(KEY, swf(1))).toBe(false);
    expect(writes.holdsRun('team/other', swf(0))).toBe(false);
  });

  it('makes successive waiting writes of one resource as one, the newest, once the budget allows', async () => {
    const { state, writes, open } = harness({ budget: false });

    await writes.write(KEY, swf(0), recording(1));
    await writes.write(KEY, writes.overlay(KEY, swf(0)), recording(2));
    open();
    await settle();

    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([2]);
    expect(state.wrote).toHaveLength(1);
    expect(writes.pending).toBe(0);
  });

  it('writes a newer write of a key that came while one was in flight right after it', async () => {
    const { state, writes, open } = harness({ budget: false });
    state.inFlight = async () => {
      await writes.write(KEY, writes.overlay(KEY, swf(0)), recording(2));
      await settle();
    };

    await writes.write(KEY, swf(0), recording(1));
    open();
    await settle();
    await settle();

    expect(state.conflicts).toBe(0);
    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([1, 2]);
    expect(writes.pending).toBe(0);
  });

  it('writes nothing more once the replica stops leading, and drops what waited when it leads again', async () => {
    const { state, writes, open, metrics } = harness({ budget: false });
    const leading = new AbortController();
    writes.stopWhen(leading.signal);

    await writes.write(KEY, swf(0), recording(1));
    leading.abort();
    open();
    await settle();
    expect(state.replaced).toEqual([]);

    // A later term starts from what the API server has: the lost term's writes are not made.
    writes.stopWhen(new AbortController().signal);
    await settle();
    expect(state.replaced).toEqual([]);
    expect(writes.pending).toBe(0);
    expect((await metrics.statusWritesPending.get()).values[0]?.value).toBe(0);
  });

  it('makes what waits when drained at shutdown, and resolves once none is left', async () => {
    const { state, writes, open } = harness({ budget: false });
    const running = new AbortController();
    writes.stopWhen(running.signal);
    await writes.write(KEY, swf(0), recording(1));
    await writes.write('team/other', swf(0), recording(4));
    running.abort();

    const drained = writes.drain(60_000);
    open();
    expect(await drained).toBe(0);
    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex).sort()).toEqual([1, 4]);
    expect(writes.pending).toBe(0);
  });

  it('gives up a drain at its deadline when writes cannot be made (a dead network), dropping them', async () => {
    const { state, writes } = harness({ budget: false });
    const running = new AbortController();
    writes.stopWhen(running.signal);
    await writes.write(KEY, swf(0), recording(1));
    running.abort();

    const started = Date.now();
    // The budget never opens: the write hangs as on a dead connection.
    expect(await writes.drain(50)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(state.replaced).toEqual([]);
    expect(writes.pending).toBe(0);
  });

  it('resolves a drain at once when nothing waits', async () => {
    const { writes } = harness({ budget: true });
    expect(await writes.drain(60_000)).toBe(0);
  });

  it.each([
    ['made at once', { budget: true, deferred: false, replaced: false, dropped: false }, 1],
    [
      'deferred, once the budget allows',
      { budget: false, deferred: true, replaced: false, dropped: false },
      1,
    ],
    [
      'replaced by a newer write of the key, once that one is made',
      { budget: false, deferred: true, replaced: true, dropped: false },
      1,
    ],
    [
      'dropped (leadership lost, then a new term)',
      { budget: false, deferred: true, replaced: false, dropped: true },
      0,
    ],
  ])('tells onWritten only once its write is made: %s', async (_case, how, told) => {
    const { writes, open } = harness({ budget: how.budget });
    const leading = new AbortController();
    writes.stopWhen(leading.signal);
    let calls = 0;
    await writes.write(KEY, swf(0), recording(1), () => {
      calls += 1;
    });
    if (how.deferred) expect(calls).toBe(0);
    if (how.replaced) await writes.write(KEY, writes.overlay(KEY, swf(0)), recording(2));
    if (how.dropped) {
      leading.abort();
      writes.stopWhen(new AbortController().signal);
    }
    open();
    await settle();
    await settle();
    expect(calls).toBe(told);
  });

  it('writes over a fresh read after a conflict, keeping the labels someone else set', async () => {
    const { state, writes, open } = harness({ budget: false });

    await writes.write(KEY, swf(0), recording(1));
    state.stored = swf(0, '7', { team: 'a' });
    open();
    await settle();

    expect(state.replaced).toHaveLength(1);
    expect(state.replaced[0]?.metadata).toMatchObject({
      resourceVersion: '7',
      labels: { team: 'a', [ENABLED]: 'true' },
    });
    expect(state.replaced[0]?.status?.trigger?.lastWorkflowIndex).toBe(1);
  });

  it('drops a waiting write once the resource shows more runs recorded than it would', async () => {
    const { state, writes, open } = harness({ budget: false });

    await writes.write(KEY, swf(0), recording(1));
    state.cached = swf(3);
    expect(writes.overlay(KEY, swf(3)).status?.trigger?.lastWorkflowIndex).toBe(3);
    open();
    await settle();

    expect(state.replaced).toEqual([]);
    expect(writes.pending).toBe(0);
  });

  it('drops a waiting write when the resource is gone', async () => {
    const { state, writes, open } = harness({ budget: false });

    await writes.write(KEY, swf(0), recording(1));
    state.cached = undefined;
    open();
    await settle();

    expect(state.replaced).toEqual([]);
    expect(writes.pending).toBe(0);
  });

  it('drops a waiting write when the resource was deleted and created again under its name', async () => {
    const { state, writes, open } = harness({ budget: false });
    const old = withUid(swf(0), 'uid-old');
    const created = withUid(swf(0), 'uid-new');

    await writes.write(KEY, old, recording(1));
    expect(writes.holdsRun(KEY, old)).toBe(true);
    state.cached = created;
    state.stored = created;

    expect(writes.overlay(KEY, created)).toBe(created);
    expect(writes.holdsRun(KEY, created)).toBe(false);
    open();
    await settle();
    expect(state.replaced).toEqual([]);
    expect(state.stored.status?.trigger?.lastWorkflowIndex).toBe(0);
    expect(writes.pending).toBe(0);
  });

  it('puts a write behind a waiting write of the same key even when the budget has a token, and writes the newest once', async () => {
    const { state, writes, open } = harness({ budget: false });

    await writes.write(KEY, swf(0), recording(1));
    state.budget = true;
    expect((await writes.write(KEY, writes.overlay(KEY, swf(0)), recording(2))).outcome).toBe('deferred');
    open();
    await settle();

    expect(state.tried).toEqual([]);
    expect(state.replaced.map((o) => o.status?.trigger?.lastWorkflowIndex)).toEqual([2]);
    expect(writes.pending).toBe(0);
  });
});
