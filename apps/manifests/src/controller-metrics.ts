import { CONTROLLER_NAME } from './names.js';

/**
 * The `job` label of the controller's metrics in Prometheus: the metrics Service's name, which a
 * ServiceMonitor uses as the job by default.
 */
export const METRICS_JOB = CONTROLLER_NAME;

/**
 * The controller's metrics that the alerts and the dashboard read, by the names its registry serves
 * them under (`apps/swf-controller/src/observe/metrics.ts`). `apps/swf-controller/test/monitoring-agreement.test.ts`
 * checks every selector of the generated rules and dashboard against that registry, so a metric
 * renamed on one side only fails the tests.
 */
export const CONTROLLER_METRICS = Object.freeze({
  /** Counter by `path` (`workflow`, `create_run`) and `outcome` (`created`, `exists`). */
  submissions: 'scheduled_workflow_submissions_total',
  /** Counter by `path` and `reason` (a gRPC status name in lower case). */
  submitFailures: 'scheduled_workflow_submit_failures_total',
  /** Histogram by `path`: seconds from a run's scheduled time to its submission. */
  triggerLatenessBucket: 'scheduled_workflow_trigger_lateness_seconds_bucket',
  /** Gauge by `reason` (`not_fired`, `max_concurrency`, `error`). */
  overdueSchedules: 'scheduled_workflow_overdue_schedules',
  /** Counter by `resource`: list or watch errors after which an informer restarted. */
  informerErrors: 'scheduled_workflow_informer_errors_total',
  /** Gauge: 1 while a replica reconciles. */
  leader: 'scheduled_workflow_leader',
  /** Gauge: keys in the work queue. */
  queueSize: 'scheduled_workflow_queue_size',
  /** Counter by `kind` (`update`, `create`, `event`). */
  kubeWrites: 'scheduled_workflow_kube_writes_total',
  /** Histogram by `status`: duration of one reconcile (upstream's name). */
  reconcileDurationBucket: 'process_scheduled_workflow_duration_seconds_bucket',
  /** Node's default process metrics. */
  residentMemory: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
});

/** A selector of `metric` as the controller's scrape job serves it, with more label matchers. */
export function controllerSeries(metric: string, ...matchers: string[]): string {
  return `${metric}{${[`job="${METRICS_JOB}"`, ...matchers].join(', ')}}`;
}
