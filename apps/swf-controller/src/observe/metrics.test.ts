import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import type { ScheduledWorkflow } from '../domain/types.js';
import { Controller, type RunnableCaches } from '../loop/controller.js';
import { ControllerMetrics } from './metrics.js';

async function scrape(metrics: ControllerMetrics, name: string): Promise<string> {
  return metrics.registry.getSingleMetricAsString(name);
}

describe('ControllerMetrics', () => {
  it('counts a failed submit under its path and reason', async () => {
    const metrics = new ControllerMetrics();
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: no'), { code: status.PERMISSION_DENIED });
    metrics.countSubmitFailure('create_run', denied);
    metrics.countSubmitFailure('create_run', denied);
    expect(await scrape(metrics, 'scheduled_workflow_submit_failures_total')).toContain(
      'scheduled_workflow_submit_failures_total{path="create_run",reason="permission_denied"} 2',
    );
  });

  it('reads overdue schedules from the source at each scrape, and zero for every reason without one', async () => {
    const metrics = new ControllerMetrics();
    let counts = { not_fired: 1, max_concurrency: 2, error: 0 };
    metrics.countOverdueFrom(() => counts);
    expect(await scrape(metrics, 'scheduled_workflow_overdue_schedules')).toContain(
      'scheduled_workflow_overdue_schedules{reason="max_concurrency"} 2',
    );
    counts = { not_fired: 4, max_concurrency: 0, error: 0 };
    expect(await scrape(metrics, 'scheduled_workflow_overdue_schedules')).toContain(
      'scheduled_workflow_overdue_schedules{reason="not_fired"} 4',
    );
    metrics.countOverdueFrom(undefined);
    const stopped = await scrape(metrics, 'scheduled_workflow_overdue_schedules');
    for (const reason of ['not_fired', 'max_concurrency', 'error']) {
      expect(stopped).toContain(`scheduled_workflow_overdue_schedules{reason="${reason}"} 0`);
    }
  });
});

describe('Controller', () => {
  it('leads and counts overdue schedules from its caches only while it runs', async () => {
    const metrics = new ControllerMetrics();
    const overdue: ScheduledWorkflow = {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'ScheduledWorkflow',
      metadata: { name: 'late', namespace: 'team', creationTimestamp: '2026-03-01T08:00:00Z' },
      spec: { enabled: true, trigger: { periodicSchedule: { intervalSecond: 60 } } },
      status: {
        conditions: [{ type: 'Enabled', status: 'True' }],
        trigger: { nextTriggeredTime: '2026-03-01T09:00:00Z' },
      },
    };
    let synced!: () => void;
    const sync = new Promise<void>((resolve) => {
      synced = resolve;
    });
    const caches: RunnableCaches = {
      start: async () => synced(),
      stop: async () => {},
      keys: () => ['team/late'],
      scheduledWorkflow: () => overdue,
      workflowsOf: () => [],
      waitForWorkflows: async () => false,
      wrote: () => {},
    };
    const controller = new Controller({
      resyncIntervalMs: 60_000,
      log: pino({ level: 'silent' }),
      metrics,
      workers: 1,
      now: () => Date.parse('2026-03-01T10:00:00Z'),
    });
    const abort = new AbortController();
    expect(await scrape(metrics, 'scheduled_workflow_leader')).toContain('scheduled_workflow_leader 0');
    const running = controller.run(caches, { reconcile: async () => ({}) }, abort.signal);
    await sync;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await scrape(metrics, 'scheduled_workflow_leader')).toContain('scheduled_workflow_leader 1');
    expect(await scrape(metrics, 'scheduled_workflow_overdue_schedules')).toContain(
      'scheduled_workflow_overdue_schedules{reason="not_fired"} 1',
    );
    abort.abort();
    await running;
    expect(await scrape(metrics, 'scheduled_workflow_leader')).toContain('scheduled_workflow_leader 0');
    expect(await scrape(metrics, 'scheduled_workflow_overdue_schedules')).toContain(
      'scheduled_workflow_overdue_schedules{reason="not_fired"} 0',
    );
  });
});
