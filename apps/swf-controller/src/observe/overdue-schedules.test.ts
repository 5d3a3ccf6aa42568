import type { ArgoWorkflow } from '../domain/argo.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import { countOverdue, OVERDUE_GRACE_SECONDS, overdueReason } from './overdue-schedules.js';

const NOW = Date.parse('2026-03-01T10:00:00Z') / 1000;
const AGO = (seconds: number) => new Date((NOW - seconds) * 1000).toISOString().replace('.000', '');

function swf(
  fields: { enabled?: boolean; maxConcurrency?: number; deleting?: boolean; created?: string } = {},
  status?: ScheduledWorkflow['status'],
): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: {
      name: 'hourly',
      namespace: 'team',
      creationTimestamp: fields.created ?? AGO(3600),
      ...(fields.deleting && { deletionTimestamp: AGO(1) }),
    },
    spec: {
      enabled: fields.enabled ?? true,
      ...(fields.maxConcurrency !== undefined && { maxConcurrency: fields.maxConcurrency }),
      trigger: { cronSchedule: { cron: '0 0 * * * *' } },
    },
    ...(status && { status }),
  };
}

const enabled = { conditions: [{ type: 'Enabled' as const, status: 'True' as const }] };
const next = (secondsAgo: number) => ({ ...enabled, trigger: { nextTriggeredTime: AGO(secondsAgo) } });

describe('overdueReason', () => {
  it.each([
    ['waits for a tick in the future', swf({}, next(-60)), 0, null],
    ['leaves a tick exactly the grace period old alone', swf({}, next(OVERDUE_GRACE_SECONDS)), 0, null],
    [
      'counts a tick past the grace period as not fired',
      swf({}, next(OVERDUE_GRACE_SECONDS + 1)),
      0,
      'not_fired',
    ],
    ['ignores a disabled schedule', swf({ enabled: false }, next(3600)), 0, null],
    ['ignores a schedule being deleted', swf({ deleting: true }, next(3600)), 0, null],
    ['ignores a schedule that never fires again', swf({}, { ...enabled, trigger: {} }), 0, null],
    ['blames maxConcurrency (default 1) with one run active', swf({}, next(3600)), 1, 'max_concurrency'],
    [
      'does not blame maxConcurrency 3 with two runs active',
      swf({ maxConcurrency: 3 }, next(3600)),
      2,
      'not_fired',
    ],
    [
      'blames the Error condition first',
      swf(
        {},
        {
          conditions: [{ type: 'Error', status: 'True', reason: 'SubmitFailed' }],
          trigger: next(3600).trigger,
        },
      ),
      1,
      'error',
    ],
    [
      'counts a resource never reconciled from its creation',
      swf({ created: AGO(600) }, { trigger: {} }),
      0,
      'not_fired',
    ],
    ['gives a resource just created time', swf({ created: AGO(5) }), 0, null],
  ])('%s', (_, resource, active, expected) => {
    expect(overdueReason(resource, active, NOW)).toBe(expected);
  });
});

describe('countOverdue', () => {
  it('counts the cached schedules by reason, every reason present, with active runs from the caches', () => {
    const resources = new Map<string, ScheduledWorkflow>([
      ['team/a', swf({}, next(3600))],
      ['team/b', swf({}, next(3600))],
      ['team/c', swf({}, next(-30))],
      ['team/d', swf({}, next(600))],
    ]);
    const running: ArgoWorkflow = { metadata: { name: 'b-1', labels: {} } };
    const done: ArgoWorkflow = {
      metadata: { name: 'd-1', labels: { 'workflows.argoproj.io/completed': 'true' } },
    };
    const caches = {
      keys: () => resources.keys(),
      scheduledWorkflow: (key: string) => resources.get(key),
      workflowsOf: (key: string) => (key === 'team/b' ? [running] : key === 'team/d' ? [done] : []),
    };
    expect(countOverdue(caches, NOW)).toEqual({ not_fired: 2, max_concurrency: 1, error: 0 });
  });
});
