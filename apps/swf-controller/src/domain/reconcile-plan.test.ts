import type { ArgoWorkflow } from './argo.js';
import { fnv32a } from './names.js';
import { planReconcile } from './reconcile-plan.js';
import { UTC } from './schedule/index.js';
import type { ScheduledWorkflow } from './types.js';

const EPOCH = 'scheduledworkflows.kubeflow.org/workflowEpoch';
const INDEX = 'scheduledworkflows.kubeflow.org/workflowIndex';
const NAME = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
const PREFIX = 'scheduledworkflows.kubeflow.org/';
const at = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000', '');
/** Hourly ticks; 10:00 is T, and the last run recorded is that of 09:00. */
const T = Date.parse('2026-03-01T10:00:00Z') / 1000;
const H = 3600;

function swf(
  spec: Partial<ScheduledWorkflow['spec']> = {},
  annotations: Record<string, string> = {},
): ScheduledWorkflow {
  return {
    metadata: {
      name: 'hourly',
      namespace: 'team',
      uid: 'uid-1',
      creationTimestamp: at(T - 2 * H),
      annotations,
    },
    spec: { enabled: true, maxConcurrency: 10, trigger: { cronSchedule: { cron: '0 0 * * * *' } }, ...spec },
    status: { trigger: { lastWorkflowIndex: 1, lastTriggeredTime: at(T - H) } },
  };
}

/** The controller's Workflow of run `index` for the tick `epoch`, active unless `completed`. */
function own(index: number, epoch: number, completed = false): ArgoWorkflow {
  return {
    metadata: {
      name: `hourly-${index}-${fnv32a(`hourly-${index}`)}`,
      namespace: 'team',
      labels: {
        [NAME]: 'hourly',
        [INDEX]: String(index),
        [EPOCH]: String(epoch),
        ...(completed && { 'workflows.argoproj.io/completed': 'true' }),
      },
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

const plan = (
  resource: ScheduledWorkflow,
  nowEpoch: number,
  workflows: ArgoWorkflow[] = [],
  alsoActive = 0,
) => planReconcile(resource, workflows, { nowEpoch, zone: UTC, alsoActive });

describe('planReconcile', () => {
  it('starts the tick due under the next index, and asks to come back at the tick after it', () => {
    const p = plan(swf(), T + 5);
    expect(p).toMatchObject({
      kind: 'start',
      made: null,
      runNow: null,
      runEpoch: T,
      recorded: { submitted: true, scheduledEpoch: T, nextScheduledEpochAfterSubmit: T + H },
      requeue: T + H,
    });
  });

  it.each([
    ['a tick in the future: it waits for it', swf(), T - 5, T],
    ['a disabled schedule: only events bring it back', swf({ enabled: false }), T + 5, null],
  ])('waits for %s', (_, resource, now, requeue) => {
    const p = plan(resource, now);
    expect(p).toMatchObject({ kind: 'wait', requeue, status: { submitted: false } });
  });

  it('reads the experiment ahead only while a tick of the latest-version path is ahead', () => {
    expect(plan(swf(), T - 5)).toMatchObject({ kind: 'wait', waitsForTick: true });
    expect(plan(swf({ enabled: false }), T - 5)).toMatchObject({ kind: 'wait', waitsForTick: false });
  });

  it('holds a due tick back at maxConcurrency, counting the runs `alsoActive` adds', () => {
    const full = [own(1, T - H)];
    expect(plan(swf({ maxConcurrency: 1 }), T + 5, full)).toMatchObject({ kind: 'wait', requeue: null });
    expect(plan(swf({ maxConcurrency: 1 }), T + 5, [], 1)).toMatchObject({ kind: 'wait', requeue: null });
    expect(plan(swf({ maxConcurrency: 1 }), T + 5, [own(1, T - H, true)])).toMatchObject({ kind: 'start' });
  });

  it('records the run of the tick due when its Workflow was made already, not held back by itself', () => {
    const made = own(2, T);
    const p = plan(swf({ maxConcurrency: 1 }), T + 5, [made]);
    expect(p).toMatchObject({
      kind: 'start',
      made: { index: 2, workflow: made },
      adopted: null,
      runEpoch: T,
    });
  });

  it('moves the index past runs of older ticks before it starts the tick due (a status set back)', () => {
    const p = plan(swf(), T + 5, [own(2, T - 10 * H), own(3, T - 9 * H)]);
    expect(p).toMatchObject({
      kind: 'move-past',
      beyond: { recordedIndex: 1, throughIndex: 3, count: 2 },
      requeue: 'now',
    });
  });

  it('starts a pending run-now run at once, even disabled, leaving the schedule where it was', () => {
    const p = plan(swf({ enabled: false }, { [`${PREFIX}run-now`]: 'go' }), T + 5);
    expect(p).toMatchObject({
      kind: 'start',
      runNow: 'go',
      runEpoch: T + 5,
      recorded: { runNow: 'go', scheduledEpoch: T + 5 },
      requeue: null,
    });
  });

  it('skips ticks past the starting deadline in the status it writes, and reports them', () => {
    const p = plan(swf({}, { [`${PREFIX}starting-deadline-seconds`]: '60' }), T + 2 * H + 30);
    expect(p).toMatchObject({
      kind: 'start',
      runEpoch: T + 2 * H,
      skips: { ticks: { count: 2, firstEpoch: T, lastEpoch: T + H, more: false }, deadlineSeconds: 60 },
      recorded: { skippedThroughEpoch: T + H },
    });
  });

  it.each([
    ['an unknown time zone', swf({}, { [`${PREFIX}time-zone`]: 'Mars/Olympus' }), 'time-zone'],
    [
      'a cron it cannot read',
      swf({ trigger: { cronSchedule: { cron: 'every day' } } }),
      'spec.trigger.cronSchedule.cron',
    ],
  ])('plans %s as invalid, naming the field', (_, resource, field) => {
    const p = plan(resource, T + 5);
    expect(p.kind).toBe('invalid');
    expect(p.kind === 'invalid' && p.error.field).toContain(field);
    expect(p.status).toMatchObject({ submitted: false, scheduledEpoch: null });
  });
});
