import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets in seconds for reconcile durations and trigger lateness. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * The controller's Prometheus metrics: upstream's four under upstream's names, then what this
 * controller adds (lateness of each trigger, submissions, writes, informer restarts).
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
