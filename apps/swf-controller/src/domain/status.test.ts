import { computeStatus, needsStatusWrite, type StatusInputs } from './status.js';
import type { ScheduledWorkflow, WorkflowStatus } from './types.js';

const HOUR = 3600;
const MINUTE = 60;
const ENABLED_LABEL = 'scheduledworkflows.kubeflow.org/enabled';
const STATUS_LABEL = 'scheduledworkflows.kubeflow.org/status';

const at = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000', '');
const run = (name: string, scheduledEpoch: number): WorkflowStatus => ({
  name,
  scheduledAt: at(scheduledEpoch),
});

/** The ScheduledWorkflow of upstream's UpdateStatus tests. */
const PERIODIC: ScheduledWorkflow = {
  metadata: { creationTimestamp: at(9 * HOUR) },
  spec: { enabled: true, maxConcurrency: 10, trigger: { periodicSchedule: { intervalSecond: 60 } } },
};

const STATUS1 = run('WORKFLOW1', 5);
const STATUS2 = run('WORKFLOW2', 3);
const STATUS3 = run('WORKFLOW3', 7);
const STATUS4 = run('WORKFLOW4', 4);

const inputs = (overrides: Partial<StatusInputs> = {}): StatusInputs => ({
  submitted: false,
  scheduledEpoch: 10 * HOUR,
  nextScheduledEpochAfterSubmit: 10 * HOUR + MINUTE,
  active: [],
  completed: [],
  ...overrides,
});

describe('computeStatus, upstream cases', () => {
  const history = { active: [STATUS1, STATUS2, STATUS3], completed: [STATUS1, STATUS2, STATUS3, STATUS4] };
  const enabled = {
    type: 'Enabled',
    status: 'True',
    reason: 'Enabled',
    message: 'The schedule is enabled.',
  };
  const sortedHistory = {
    active: [STATUS3, STATUS1, STATUS2],
    completed: [STATUS3, STATUS1, STATUS4, STATUS2],
  };

  it('points the trigger at the scheduled time when nothing was submitted (UpdateStatus_NoWorkflow)', () => {
    expect(computeStatus(PERIODIC, inputs({ submitted: false, ...history }))).toEqual({
      status: {
        conditions: [enabled],
        workflowHistory: sortedHistory,
        trigger: { nextTriggeredTime: '1970-01-01T10:00:00Z' },
      },
      labels: { [ENABLED_LABEL]: 'true', [STATUS_LABEL]: 'Enabled' },
    });
  });

  it('records the submission and points at the following fire time (UpdateStatus_WithWorkflow)', () => {
    expect(computeStatus(PERIODIC, inputs({ submitted: true, ...history }))).toEqual({
      status: {
        conditions: [enabled],
        workflowHistory: sortedHistory,
        trigger: {
          lastTriggeredTime: '1970-01-01T10:00:00Z',
          nextTriggeredTime: '1970-01-01T10:01:00Z',
          lastWorkflowIndex: 1,
        },
      },
      labels: { [ENABLED_LABEL]: 'true', [STATUS_LABEL]: 'Enabled' },
    });
  });
});

describe('computeStatus', () => {
  const ranOnce = { trigger: { lastTriggeredTime: at(HOUR), lastWorkflowIndex: 1 } };
  const oneOff = (enabled: boolean, status = {}): ScheduledWorkflow => ({
    metadata: { name: 'once' },
    spec: { enabled },
    status,
  });
  const cron = (enabled: boolean): ScheduledWorkflow => ({
    metadata: { name: 'cron' },
    spec: { enabled, trigger: { cronSchedule: { cron: '0 * * * * *' } } },
  });

  it.each([
    ['an enabled schedule', cron(true), 0, 'Enabled', 'The schedule is enabled.', 'true'],
    ['a disabled schedule', cron(false), 0, 'Disabled', 'The schedule is disabled.', 'false'],
    ['a one-off run not started yet', oneOff(true), 0, 'Running', 'The one-off schedule is running.', 'true'],
    [
      'a one-off run still active',
      oneOff(true, ranOnce),
      1,
      'Running',
      'The one-off schedule is running.',
      'true',
    ],
    [
      'a finished one-off run',
      oneOff(true, ranOnce),
      0,
      'Succeeded',
      'The one-off schedule has succeeded.',
      'true',
    ],
    [
      'a disabled finished one-off run',
      oneOff(false, ranOnce),
      0,
      'Succeeded',
      'The one-off schedule has succeeded.',
      'false',
    ],
  ])('gives %s the condition %s', (_case, swf, activeCount, type, message, enabledLabel) => {
    const active = Array.from({ length: activeCount }, (_, i) => run(`active-${i}`, i));
    const { status, labels } = computeStatus(swf, inputs({ active }));
    expect(status.conditions).toEqual([{ type, status: 'True', reason: type, message }]);
    expect(labels).toEqual({ [ENABLED_LABEL]: enabledLabel, [STATUS_LABEL]: type });
  });

  it('judges a one-off run by the trigger before this submission, as upstream does', () => {
    const { status } = computeStatus(oneOff(true), inputs({ submitted: true }));
    expect(status.conditions?.[0]?.type).toBe('Running');
  });

  it('reports a spec error as an Error condition naming the field', () => {
    const error = { field: 'spec.workflow.parameters[0].value', rule: 'must be JSON text' };
    const { status, labels } = computeStatus(
      { ...cron(true), metadata: { labels: { team: 'a' } } },
      inputs({ error }),
    );
    expect(status.conditions).toEqual([
      {
        type: 'Error',
        status: 'True',
        reason: 'InvalidSpec',
        message: 'spec.workflow.parameters[0].value: must be JSON text',
      },
    ]);
    expect(labels).toEqual({ team: 'a', [ENABLED_LABEL]: 'true', [STATUS_LABEL]: 'Error' });
  });

  it.each([
    ['not submitted', false, null, 36000],
    ['submitted', true, 36000, null],
  ])(
    'leaves nextTriggeredTime out when the schedule never fires again (%s)',
    (_case, submitted, scheduled, after) => {
      const { status } = computeStatus(
        cron(true),
        inputs({ submitted, scheduledEpoch: scheduled, nextScheduledEpochAfterSubmit: after }),
      );
      expect(status.trigger).not.toHaveProperty('nextTriggeredTime');
    },
  );

  it('keeps the last trigger and index when nothing was submitted', () => {
    const swf = { ...cron(true), status: { trigger: { lastTriggeredTime: at(HOUR), lastWorkflowIndex: 7 } } };
    expect(computeStatus(swf, inputs({ scheduledEpoch: 2 * HOUR })).status.trigger).toEqual({
      lastTriggeredTime: '1970-01-01T01:00:00Z',
      nextTriggeredTime: '1970-01-01T02:00:00Z',
      lastWorkflowIndex: 7,
    });
  });

  describe('the trigger after skipped ticks and run-now runs', () => {
    const swf = {
      ...cron(true),
      metadata: { annotations: { 'scheduledworkflows.kubeflow.org/run-now': 'v2', team: 'a' } },
      status: { trigger: { lastTriggeredTime: at(HOUR), lastWorkflowIndex: 7 } },
    };
    it.each<[string, Partial<StatusInputs>, object]>([
      [
        'skipped ticks, no run: the last triggered time moves to the last one skipped',
        { skippedThroughEpoch: 3 * HOUR, scheduledEpoch: 4 * HOUR },
        { lastTriggeredTime: at(3 * HOUR), nextTriggeredTime: at(4 * HOUR), lastWorkflowIndex: 7 },
      ],
      [
        'skipped ticks, then a scheduled run: the run is the last triggered time',
        {
          skippedThroughEpoch: 3 * HOUR,
          submitted: true,
          scheduledEpoch: 4 * HOUR,
          nextScheduledEpochAfterSubmit: 5 * HOUR,
        },
        { lastTriggeredTime: at(4 * HOUR), nextTriggeredTime: at(5 * HOUR), lastWorkflowIndex: 8 },
      ],
      [
        'a run-now run: only the index advances; the next tick stays',
        {
          runNow: 'v2',
          submitted: true,
          scheduledEpoch: 2 * HOUR + 17,
          nextScheduledEpochAfterSubmit: 2 * HOUR,
        },
        { lastTriggeredTime: at(HOUR), nextTriggeredTime: at(2 * HOUR), lastWorkflowIndex: 8 },
      ],
      [
        'a run-now run after skipped ticks: the skipped ticks stay skipped',
        {
          runNow: 'v2',
          skippedThroughEpoch: 3 * HOUR,
          submitted: true,
          scheduledEpoch: 3 * HOUR + 30,
          nextScheduledEpochAfterSubmit: 4 * HOUR,
        },
        { lastTriggeredTime: at(3 * HOUR), nextTriggeredTime: at(4 * HOUR), lastWorkflowIndex: 8 },
      ],
    ])('%s', (_case, overrides, trigger) => {
      expect(computeStatus(swf, inputs(overrides)).status.trigger).toEqual(trigger);
    });

    it('records the run-now value as honoured with the run, keeping the other annotations', () => {
      const { annotations } = computeStatus(
        swf,
        inputs({ runNow: 'v2', submitted: true, nextScheduledEpochAfterSubmit: 2 * HOUR }),
      );
      expect(annotations).toEqual({
        'scheduledworkflows.kubeflow.org/run-now': 'v2',
        'scheduledworkflows.kubeflow.org/run-now-honoured': 'v2',
        team: 'a',
      });
    });

    it('leaves the annotations as they are without a run-now run', () => {
      expect(computeStatus(swf, inputs({ runNow: 'v2' })).annotations).toBe(swf.metadata.annotations);
      expect(computeStatus(swf, inputs({ submitted: true })).annotations).toBe(swf.metadata.annotations);
    });
  });

  it('advances the index from the last one on submission', () => {
    const swf = { ...cron(true), status: { trigger: { lastWorkflowIndex: 7 } } };
    expect(computeStatus(swf, inputs({ submitted: true })).status.trigger?.lastWorkflowIndex).toBe(8);
  });

  it('keeps other labels and leaves out empty history lists', () => {
    const swf = { ...cron(true), metadata: { labels: { team: 'a', [STATUS_LABEL]: 'Disabled' } } };
    const { status, labels } = computeStatus(swf, inputs());
    expect(labels).toEqual({ team: 'a', [ENABLED_LABEL]: 'true', [STATUS_LABEL]: 'Enabled' });
    expect(status.workflowHistory).toEqual({});
  });

  it('sorts runs without a scheduled time last and does not reorder its input', () => {
    const unscheduled: WorkflowStatus = { name: 'unscheduled', scheduledAt: null };
    const completed = Object.freeze([unscheduled, STATUS2, STATUS1]);
    const { status } = computeStatus(cron(true), inputs({ completed }));
    expect(status.workflowHistory?.completed).toEqual([STATUS1, STATUS2, unscheduled]);
    expect(completed[0]).toBe(unscheduled);
  });
});

describe('needsStatusWrite', () => {
  /** Before the stored next fire time (10:00): nothing is due yet. */
  const NOW = 9 * HOUR;
  const swf: ScheduledWorkflow = {
    metadata: { name: 'cron', labels: { team: 'a' } },
    spec: { enabled: true, trigger: { cronSchedule: { cron: '0 * * * * *' } } },
  };
  const first = computeStatus(swf, inputs({ active: [STATUS1] }));
  const stored: ScheduledWorkflow = {
    ...swf,
    status: first.status,
    metadata: { ...swf.metadata, labels: first.labels },
  };

  it('is false when the same status is computed again', () => {
    const again = computeStatus(stored, inputs({ active: [STATUS1] }));
    expect(needsStatusWrite(stored, again.status, again.labels, NOW)).toBe(false);
  });

  it('is false when the stored status differs only in key order and empty fields', () => {
    const readBack: ScheduledWorkflow = {
      ...stored,
      metadata: { labels: Object.fromEntries(Object.entries(first.labels).reverse()), name: 'cron' },
      status: {
        workflowHistory: {
          completed: [],
          active: [{ scheduledAt: STATUS1.scheduledAt, name: 'WORKFLOW1', message: '' }],
        },
        trigger: { ...first.status.trigger },
        conditions: first.status.conditions?.map((c) => ({
          message: c.message,
          reason: c.reason,
          status: c.status,
          type: c.type,
        })),
      },
    };
    expect(needsStatusWrite(readBack, first.status, first.labels, NOW)).toBe(false);
  });

  it.each([
    ['a new condition', inputs({ active: [STATUS1], error: { field: 'f', rule: 'r' } })],
    ['a run started (new index and last time)', inputs({ active: [STATUS1], submitted: true })],
    ['a next fire time moved to the future', inputs({ active: [STATUS1], scheduledEpoch: 11 * HOUR })],
  ])('is true for %s', (_case, next) => {
    const computed = computeStatus(stored, next);
    expect(needsStatusWrite(stored, computed.status, computed.labels, NOW)).toBe(true);
  });

  it.each([
    ['a changed label', { ...first.labels, team: 'b' }],
    ['a removed label', { [ENABLED_LABEL]: 'true', [STATUS_LABEL]: 'Enabled' }],
    ['an added empty label', { ...first.labels, extra: '' }],
  ])('is true for %s', (_case, labels) => {
    expect(needsStatusWrite(stored, first.status, labels, NOW)).toBe(true);
  });

  it('is true for a resource that has never had a status', () => {
    expect(needsStatusWrite(swf, first.status, first.labels, NOW)).toBe(true);
  });

  it('is false for a change of the history alone: the next write brings it up to date', () => {
    const computed = computeStatus(stored, inputs({ active: [STATUS1, STATUS2], completed: [STATUS3] }));
    expect(needsStatusWrite(stored, computed.status, computed.labels, NOW)).toBe(false);
  });

  it('is false when a due next fire time moves to a later due time (held back, noCatchup)', () => {
    const held = computeStatus(stored, inputs({ active: [STATUS1], scheduledEpoch: 10 * HOUR + 2 * MINUTE }));
    expect(needsStatusWrite(stored, held.status, held.labels, 11 * HOUR)).toBe(false);
  });

  it('is true when the stored next fire time is still ahead, or a due one moves ahead', () => {
    const moved = computeStatus(
      stored,
      inputs({ active: [STATUS1], scheduledEpoch: 10 * HOUR + 2 * MINUTE }),
    );
    expect(needsStatusWrite(stored, moved.status, moved.labels, 10 * HOUR + MINUTE)).toBe(true);
    expect(needsStatusWrite(stored, moved.status, moved.labels, NOW)).toBe(true);
  });
});
