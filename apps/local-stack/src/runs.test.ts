import {
  describeTrigger,
  type ObservedSchedule,
  runIndex,
  runRows,
  type ScheduleObject,
  scheduleRows,
  triggeredRun,
} from './runs.js';

const CRON: ScheduleObject = {
  metadata: { uid: 'uid-1', name: 'every-5s', namespace: 'team-a' },
  spec: { trigger: { cronSchedule: { cron: '*/5 * * * * *' } } },
  status: {
    conditions: [{ type: 'Enabled' }],
    trigger: {
      lastWorkflowIndex: 2,
      lastTriggeredTime: '2026-01-01T00:00:05Z',
      nextTriggeredTime: '2026-01-01T00:00:10Z',
    },
  },
};
const PERIODIC: ScheduleObject = {
  metadata: { uid: 'uid-2', name: 'every-3s', namespace: 'team-a' },
  spec: { trigger: { periodicSchedule: { intervalSecond: 3 } }, workflow: { spec: { entrypoint: 'main' } } },
};
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('runIndex', () => {
  it.each([
    ['every-5s-12-2716318364', 12],
    ['a-b-1-0', 1],
    ['no-index', null],
  ])('reads %s as %s', (name, index) => {
    expect(runIndex(name)).toBe(index);
  });
});

describe('triggeredRun', () => {
  it('pairs the last run index with the time it was scheduled for', () => {
    expect(triggeredRun(CRON)).toEqual([2, T0 + 5000]);
  });

  it('finds nothing before the first run', () => {
    expect(triggeredRun(PERIODIC)).toBeNull();
  });
});

describe('describeTrigger', () => {
  it.each([
    [CRON, 'cron */5 * * * * *'],
    [PERIODIC, 'periodic 3 s'],
    [{ metadata: {}, spec: {} }, 'no trigger'],
  ])('describes %#', (object, text) => {
    expect(describeTrigger(object)).toBe(text);
  });
});

describe('scheduleRows', () => {
  it('shows runs, last and next fire time and condition of each schedule, sorted by key', () => {
    const rows = scheduleRows([
      { object: PERIODIC, scheduledByIndex: new Map() },
      { object: CRON, scheduledByIndex: new Map() },
    ]);
    expect(rows).toEqual([
      {
        schedule: 'team-a/every-3s',
        trigger: 'periodic 3 s',
        path: 'Workflow',
        runs: 0,
        lastScheduledAt: null,
        nextAt: null,
        condition: 'pending',
      },
      {
        schedule: 'team-a/every-5s',
        trigger: 'cron */5 * * * * *',
        path: 'CreateRun',
        runs: 2,
        lastScheduledAt: T0 + 5000,
        nextAt: T0 + 10_000,
        condition: 'Enabled',
      },
    ]);
  });

  it('shows the message of an Error condition', () => {
    const broken = { ...CRON, status: { conditions: [{ type: 'Error', message: 'bad cron' }] } };
    expect(scheduleRows([{ object: broken, scheduledByIndex: new Map() }])[0]?.condition).toBe(
      'Error: bad cron',
    );
  });
});

describe('runRows', () => {
  const schedules: ObservedSchedule[] = [
    { object: CRON, scheduledByIndex: new Map([[1, T0]]) },
    { object: PERIODIC, scheduledByIndex: new Map() },
  ];
  const identity = 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow';

  it('measures a CreateRun call against the second its index was scheduled for', () => {
    const [row] = runRows(
      schedules,
      [
        {
          displayName: 'every-5s-1-123',
          recurringRunId: 'uid-1',
          identity,
          outcome: 'created',
          workflow: 'hello-world-x7k2p',
          at: T0 + 12,
        },
      ],
      [],
      null,
    );
    expect(row).toEqual({
      schedule: 'team-a/every-5s',
      run: 'every-5s-1-123',
      path: 'CreateRun',
      identity,
      receivedAt: T0 + 12,
      scheduledAt: T0,
      latenessMs: 12,
      outcome: 'created',
      workflow: 'hello-world-x7k2p',
    });
  });

  it('leaves the lateness open while no status names the run', () => {
    const [row] = runRows(
      schedules,
      [
        {
          displayName: 'every-5s-2-9',
          recurringRunId: 'uid-1',
          identity,
          outcome: 'created',
          workflow: null,
          at: T0,
        },
      ],
      [],
      null,
    );
    expect(row).toMatchObject({ scheduledAt: null, latenessMs: null });
  });

  it('measures a Workflow against its workflowEpoch label, newest first', () => {
    const labels = (epoch: number) => ({
      'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'every-3s',
      'scheduledworkflows.kubeflow.org/workflowEpoch': String(epoch),
    });
    const rows = runRows(
      schedules,
      [],
      [
        { namespace: 'team-a', name: 'every-3s-1-1', labels: labels(T0 / 1000), seenAt: T0 + 7 },
        { namespace: 'team-a', name: 'every-3s-2-2', labels: labels(T0 / 1000 + 3), seenAt: T0 + 3020 },
      ],
      identity,
    );
    expect(rows.map((r) => [r.run, r.schedule, r.latenessMs, r.identity])).toEqual([
      ['every-3s-2-2', 'team-a/every-3s', 20, identity],
      ['every-3s-1-1', 'team-a/every-3s', 7, identity],
    ]);
  });

  it('lists no Workflow of a CreateRun schedule, or of no known schedule, apart from the calls', () => {
    const workflow = (name: string, schedule: string) => ({
      namespace: 'team-a',
      name,
      labels: { 'scheduledworkflows.kubeflow.org/scheduledWorkflowName': schedule },
      seenAt: T0,
    });
    const rows = runRows(
      schedules,
      [],
      [
        workflow('hello-world-x7k2p', 'every-5s'),
        workflow('other-1', 'unknown'),
        workflow('every-3s-1-1', 'every-3s'),
      ],
      identity,
    );
    expect(rows.map((r) => r.run)).toEqual(['every-3s-1-1']);
  });
});
