import type { ArgoWorkflow } from './argo.js';
import { fnv32a } from './names.js';
import { UTC } from './schedule/index.js';
import type { ScheduledWorkflow } from './types.js';
import { behindMessage, createdForTick, planNextRun, planRun, unrecordedRuns } from './unrecorded-runs.js';

const EPOCH = 'scheduledworkflows.kubeflow.org/workflowEpoch';
const INDEX = 'scheduledworkflows.kubeflow.org/workflowIndex';
const NAME = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
const RUN_NAME = 'pipelines.kubeflow.org/run_name';
const RUN_NOW = 'scheduledworkflows.kubeflow.org/run-now';
const at = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000', '');
/** Hourly ticks, 10:00 is T. */
const T = Date.parse('2026-03-01T10:00:00Z') / 1000;
const H = 3600;

/** Hourly, runs recorded up to index `last` (tick `lastTick`). */
function swf(
  last: number,
  lastTick: number,
  spec: Partial<ScheduledWorkflow['spec']> = {},
): ScheduledWorkflow {
  return {
    metadata: { name: 'hourly', namespace: 'team', uid: 'uid-1', creationTimestamp: at(T - H) },
    spec: { enabled: true, trigger: { cronSchedule: { cron: '0 0 * * * *' } }, ...spec },
    status: { trigger: { lastWorkflowIndex: last, lastTriggeredTime: at(lastTick) } },
  };
}

const owner = (uid = 'uid-1') => [
  { apiVersion: 'kubeflow.org/v1beta1', kind: 'ScheduledWorkflow', name: 'hourly', uid, controller: true },
];

/** The controller's Workflow of run `index` for the tick `epoch` (or for a run-now value). */
function own(index: number, epoch: number, runNow?: string, uid?: string): ArgoWorkflow {
  return {
    metadata: {
      name: `hourly-${index}-${fnv32a(`hourly-${index}`)}`,
      namespace: 'team',
      labels: { [NAME]: 'hourly', [INDEX]: String(index), [EPOCH]: String(epoch) },
      ...(runNow !== undefined && { annotations: { [RUN_NOW]: runNow } }),
      ownerReferences: owner(uid),
    },
  };
}

/** The API server's Workflow of run `index`, made (its epoch) at `created`. */
function server(index: number, created: number | undefined): ArgoWorkflow {
  return {
    metadata: {
      name: `hello-world-${index}x`,
      namespace: 'team',
      labels: {
        [NAME]: 'hourly',
        [INDEX]: String(index),
        ...(created !== undefined && { [EPOCH]: String(created) }),
      },
      annotations: { [RUN_NAME]: `hourly-${index}-${fnv32a(`hourly-${index}`)}` },
      ownerReferences: owner(),
    },
  };
}

const tick = (epoch: number) => ({ kind: 'tick', epoch }) as const;
const runNow = (value: string) => ({ kind: 'run-now', value }) as const;

describe('unrecordedRuns', () => {
  it('lists the runs of this object at or above the next index, lowest first', () => {
    const found = unrecordedRuns(swf(1, T), [
      own(3, T + 2 * H),
      own(1, T),
      own(2, T + H),
      own(4, T + 3 * H, undefined, 'uid-old'),
    ]);
    expect(found.map((r) => r.index)).toEqual([2, 3]);
  });

  it("takes the next run's display name for its index when the index label is missing", () => {
    const workflow = server(2, T + H);
    delete (workflow.metadata.labels as Record<string, string>)[INDEX];
    expect(unrecordedRuns(swf(1, T), [workflow]).map((r) => r.index)).toEqual([2]);
  });
});

describe('planRun', () => {
  it.each([
    ['nothing found', [], tick(T + H), 'start', undefined],
    ['a crash: the Workflow of this tick under the next index', [own(2, T + H)], tick(T + H), 'adopt', 2],
    [
      'a crash, retried later without catch-up: an earlier tick',
      [own(2, T + H)],
      tick(T + 2 * H),
      'move-past',
      2,
    ],
    [
      'set back, with catch-up: this tick\u2019s run among later ones',
      [own(2, T + H), own(3, T + 2 * H), own(4, T + 3 * H)],
      tick(T + H),
      'adopt',
      2,
    ],
    [
      'set back, without catch-up: the latest tick\u2019s run above older ones',
      [own(2, T + H), own(3, T + 2 * H)],
      tick(T + 2 * H),
      'adopt',
      3,
    ],
    [
      'set back: none of them is this tick\u2019s',
      [own(2, T + H), own(3, T + 2 * H)],
      tick(T + 3 * H),
      'move-past',
      3,
    ],
    [
      'a run-now run does not count for a tick at its epoch',
      [own(2, T + H, 'now')],
      tick(T + H),
      'move-past',
      2,
    ],
    [
      'a run-now run, made before a crash, for its value',
      [own(2, T + 1234, 'now')],
      runNow('now'),
      'adopt',
      2,
    ],
    ['another value\u2019s run-now run', [own(2, T + 1234, 'before')], runNow('now'), 'move-past', 2],
    ['a tick\u2019s run for a run-now value', [own(2, T + H)], runNow('now'), 'move-past', 2],
    ['nothing due: whatever was found is behind', [own(2, T + H)], null, 'move-past', 2],
    ['API server: made at the tick', [server(2, T + H + 1)], tick(T + H), 'adopt', 2],
    ['API server: made within the clock skew before it', [server(2, T + H - 2)], tick(T + H), 'adopt', 2],
    ['API server: made before the tick', [server(2, T + H - 3)], tick(T + H), 'move-past', 2],
    ['API server: made at an unknown time', [server(2, undefined)], tick(T + H), 'adopt', 2],
    [
      'API server, without catch-up: the latest run, made at this tick',
      [server(2, T + H), server(3, T + 2 * H)],
      tick(T + 2 * H),
      'adopt',
      3,
    ],
    ['API server: a run-now run under the next index', [server(2, T + 99)], runNow('now'), 'adopt', 2],
    ['API server: a run-now run is the next index only', [server(3, T + 99)], runNow('now'), 'move-past', 3],
  ])('%s: %s', (_case, workflows, intent, kind, index) => {
    const subject = swf(1, T);
    const plan = planRun(subject, unrecordedRuns(subject, workflows), intent);
    expect(plan.kind).toBe(kind);
    if (plan.kind === 'adopt') expect(plan.run.index).toBe(index);
    if (plan.kind === 'move-past') expect(plan.beyond.throughIndex).toBe(index);
  });

  it.each([
    ['one run at the next index (a crash)', [own(2, T + H)], tick(T + H), null],
    ['runs above the one adopted', [own(2, T + H), own(3, T + 2 * H)], tick(T + H), 3],
    ['runs below the one adopted', [own(2, T + H), own(3, T + 2 * H)], tick(T + 2 * H), 3],
  ])(
    'says the status was behind only when more than a crash left runs: %s',
    (_case, workflows, intent, through) => {
      const subject = swf(1, T);
      const plan = planRun(subject, unrecordedRuns(subject, workflows), intent);
      expect(plan.kind).toBe('adopt');
      expect(plan.kind === 'adopt' && (plan.beyond?.throughIndex ?? null)).toBe(through);
    },
  );

  it.each([
    [
      'the latest known tick among its own runs',
      [own(2, T + H), own(3, T + 2 * H), own(4, T + 99, 'now')],
      T + 2 * H,
    ],
    ['none for the API server\u2019s runs, whose epoch is when they were made', [server(2, T + H)], null],
    ['none for ticks at or before the last triggered time', [own(2, T)], null],
  ])('moves the last triggered time past %s', (_case, workflows, through) => {
    const subject = swf(1, T);
    const plan = planRun(subject, unrecordedRuns(subject, workflows), null);
    expect(plan.kind === 'move-past' && plan.beyond.throughEpoch).toBe(through);
  });
});

describe('planNextRun', () => {
  const inputs = { nowEpoch: T + 3 * H + 60, zone: UTC, runNow: null, startingDeadlineSeconds: null };

  it('judges a run found against the oldest tick due with catch-up, and the latest without', () => {
    const workflows = [own(2, T + H), own(3, T + 2 * H), own(4, T + 3 * H)];
    const catchUp = planNextRun(swf(1, T), workflows, inputs);
    expect(catchUp.intent).toEqual(tick(T + H));
    expect(catchUp.plan).toMatchObject({ kind: 'adopt', run: { index: 2 } });
    const latest = planNextRun(swf(1, T, { noCatchup: true }), workflows, inputs);
    expect(latest.intent).toEqual(tick(T + 3 * H));
    expect(latest.plan).toMatchObject({ kind: 'adopt', run: { index: 4 } });
  });

  it('moves past the runs found when no tick is due', () => {
    const next = planNextRun(swf(1, T + 3 * H), [own(2, T + H)], inputs);
    expect(next.intent).toBeNull();
    expect(next.plan.kind).toBe('move-past');
  });

  it('judges against the pending run-now value before any tick', () => {
    const next = planNextRun(swf(1, T), [own(2, T + 77, 'now')], { ...inputs, runNow: 'now' });
    expect(next.plan).toMatchObject({ kind: 'adopt', run: { index: 2 } });
  });

  it.each([
    ['the tick due within the deadline', own(2, T + 3 * H), T + 3 * H, 600],
    [
      'the oldest tick, made in time before a crash that outlived the deadline',
      server(2, T + H + 5),
      T + H,
      null,
    ],
  ])('with a starting deadline, adopts a run made for %s', (_case, workflow, epoch, deadline) => {
    const next = planNextRun(swf(1, T), [workflow], { ...inputs, startingDeadlineSeconds: 600 });
    expect(next.intent).toEqual(tick(epoch));
    expect(next.plan.kind).toBe('adopt');
    expect(next.startingDeadlineSeconds).toBe(deadline);
  });

  it('starts when nothing was found, deciding nothing itself', () => {
    expect(planNextRun(swf(1, T), [own(1, T)], inputs)).toEqual({
      plan: { kind: 'start' },
      intent: null,
      startingDeadlineSeconds: null,
    });
  });
});

describe('createdForTick', () => {
  it.each([
    [T, T, true],
    [T + 500, T, true],
    [T - 2, T, true],
    [T - 3, T, false],
    [undefined, T, true],
  ])('a run made at %s is the run of the tick %s: %s', (created, tickEpoch, expected) => {
    expect(createdForTick(created, tickEpoch)).toBe(expected);
  });
});

describe('behindMessage', () => {
  const found = { recordedIndex: 1, throughIndex: 10, count: 9, throughEpoch: null };

  it('names the runs found and the next index when it moves past them', () => {
    expect(behindMessage(found, 'move-past')).toBe(
      "status.trigger is behind this ScheduledWorkflow's Workflows, as after a restore or replace of an older copy of the object: 9 runs up to index 10 exist beyond status.trigger.lastWorkflowIndex 1, none of them the run due; the index moves past them and the next run gets index 11",
    );
  });

  it('reads the same at each run adopted while a status catches up, so one event says it', () => {
    const later = { ...found, recordedIndex: 4, count: 6 };
    expect(behindMessage(later, 'adopt')).toBe(behindMessage(found, 'adopt'));
  });
});
