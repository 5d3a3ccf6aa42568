import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { OVERDUE_GRACE_SECONDS, OVERDUE_REASONS, type OverdueReason } from './overdue-schedules.js';
import { type SubmitPath, submitFailureReason } from './submit-failure-reason.js';

/** Buckets in seconds for reconcile durations and trigger lateness. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * The controller's Prometheus metrics: upstream's four under upstream's names, then what this
 * controller adds (lateness of each trigger, submissions and failed submits, writes, informer
 * restarts, leadership, overdue schedules). The monitoring component of `@swf/manifests` alerts on
 * them by name; a test checks those names against this registry.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  /** Upstream: duration of one reconcile, by `status` ok/error. */
  readonly reconcileDuration = new Histogram({
    name: 'process_scheduled_workflow_duration_seconds',
    help: 'The duration of scheduled workflow handling in seconds',
    labelNames: ['status'],
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  /** Upstream: duration of each step of a reconcile. */
  readonly operationDuration = new Histogram({
    name: 'scheduled_workflow_duration_operation_seconds',
    help: 'The duration of scheduled workflow handling in seconds',
    labelNames: ['operation', 'status'],
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  /** Upstream: keys waiting in the work queue. */
  readonly queueSize = new Gauge({
    name: 'scheduled_workflow_queue_size',
    help: 'Current number of workflows in the queue',
    registers: [this.registry],
  });
  /** Upstream: reconciles that succeeded. */
  readonly throughput = new Counter({
    name: 'scheduled_workflow_throughput_total',
    help: 'Total number of workflows processed (throughput)',
    registers: [this.registry],
  });
  /** Seconds from a run's scheduled time to its successful submission. */
  readonly triggerLateness = new Histogram({
    name: 'scheduled_workflow_trigger_lateness_seconds',
    help: 'Seconds from the scheduled time of a run to its submission',
    labelNames: ['path'],
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  /** Runs submitted, by path (`workflow` for an embedded spec, `create_run` for the API server). */
  readonly submissions = new Counter({
    name: 'scheduled_workflow_submissions_total',
    help: 'Runs submitted, by path and outcome (created, or already existing)',
    labelNames: ['path', 'outcome'],
    registers: [this.registry],
  });
  /** Writes to the Kubernetes API. */
  readonly kubeWrites = new Counter({
    name: 'scheduled_workflow_kube_writes_total',
    help: 'Writes to the Kubernetes API, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  /** Informer restarts after list/watch errors. */
  readonly informerRestarts = new Counter({
    name: 'scheduled_workflow_informer_errors_total',
    help: 'List or watch errors after which an informer was restarted',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  /** Submits that failed, by path and reason (see {@link submitFailureReason}); each is retried with backoff. */
  readonly submitFailures = new Counter({
    name: 'scheduled_workflow_submit_failures_total',
    help: 'Runs that could not be submitted, by path and reason (a gRPC status name such as unauthenticated)',
    labelNames: ['path', 'reason'],
    registers: [this.registry],
  });
  /** 1 while this process runs the reconcilers: it holds the Lease, or leader election is off. */
  readonly leader = new Gauge({
    name: 'scheduled_workflow_leader',
    help: '1 while this replica reconciles (it leads, or leader election is off); 0 while it stands by or starts',
    registers: [this.registry],
  });
  /** Enabled schedules past their next run time, by reason; counted from the caches at each scrape. */
  readonly overdueSchedules = new Gauge({
    name: 'scheduled_workflow_overdue_schedules',
    help: `Enabled ScheduledWorkflows more than ${OVERDUE_GRACE_SECONDS} s past their next run time, by reason`,
    labelNames: ['reason'],
    registers: [this.registry],
    collect: () => {
      const counts = this.#overdue?.();
      for (const reason of OVERDUE_REASONS) this.overdueSchedules.set({ reason }, counts?.[reason] ?? 0);
    },
  });
  #overdue: (() => Readonly<Record<OverdueReason, number>>) | undefined;
  /**
   * Ticks passed over without a run, by reason: `starting_deadline` for a tick that could not start
   * within its resource's `starting-deadline-seconds`.
   */
  readonly skippedTicks = new Counter({
    name: 'scheduled_workflow_skipped_ticks_total',
    help: 'Scheduled ticks skipped without a run, by reason (starting_deadline)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** Status writes that record runs already started, waiting for the `--clientQPS` budget. */
  readonly statusWritesPending = new Gauge({
    name: 'scheduled_workflow_status_writes_pending',
    help: 'Status writes waiting for the client QPS budget (their runs have started)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts a failed submit under its reason. */
  countSubmitFailure(path: SubmitPath, error: unknown): void {
    this.submitFailures.inc({ path, reason: submitFailureReason(path, error) });
  }

  /**
   * Where {@link overdueSchedules} is counted from at each scrape, while the caches run; `undefined`
   * when they stop (every reason then reads 0).
   */
  countOverdueFrom(source: (() => Readonly<Record<OverdueReason, number>>) | undefined): void {
    this.#overdue = source;
  }
}
