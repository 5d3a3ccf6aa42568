import type { Caches, ObjectKey } from '../contract.js';
import { isCompleted } from '../domain/history.js';
import { maxConcurrency } from '../domain/schedule/index.js';
import type { ScheduledWorkflow } from '../domain/types.js';

/**
 * Why an enabled schedule is past its next run time: its condition is `Error` (its submits fail, or
 * its spec cannot start a run: the condition and its events say which), `maxConcurrency` of its runs
 * are still active, or neither (`not_fired`: the controller should have started the run and did not).
 */
export type OverdueReason = 'not_fired' | 'max_concurrency' | 'error';

/** Every {@link OverdueReason}, in the order the metric lists them. */
export const OVERDUE_REASONS: readonly OverdueReason[] = Object.freeze([
  'not_fired',
  'max_concurrency',
  'error',
]);

/**
 * Seconds past its next run time before a schedule counts as overdue. Longer than a `CreateRun`
 * that got no answer holds its run back (the deadline, then the wait for its Workflow), so a run
 * held for that reason alone is not counted; alerts add their own `for` on top.
 */
export const OVERDUE_GRACE_SECONDS = 120;

/**
 * Whether `swf` is overdue at `nowEpoch`, and why; null when it is not (disabled, being deleted,
 * never fires again, or not due for more than `graceSeconds` ago).
 *
 * The next run time is `status.trigger.nextTriggeredTime`, which the controller keeps pointing at
 * the next tick (the `Next run` column of `kubectl get`). A resource without any condition was never
 * reconciled, though the controller writes one at its first reconcile: it counts from its creation.
 */
export function overdueReason(
  swf: ScheduledWorkflow,
  activeWorkflows: number,
  nowEpoch: number,
  graceSeconds: number = OVERDUE_GRACE_SECONDS,
): OverdueReason | null {
  if (swf.spec.enabled !== true || swf.metadata.deletionTimestamp) return null;
  const due = dueEpoch(swf);
  if (due === null || nowEpoch - due <= graceSeconds) return null;
  if (swf.status?.conditions?.[0]?.type === 'Error') return 'error';
  if (activeWorkflows >= maxConcurrency(swf)) return 'max_concurrency';
  return 'not_fired';
}

/** Overdue schedules among those cached, by reason (every reason present, zero when none). */
export function countOverdue(
  caches: Pick<Caches, 'scheduledWorkflow' | 'workflowsOf'> & { keys(): Iterable<ObjectKey> },
  nowEpoch: number,
  graceSeconds: number = OVERDUE_GRACE_SECONDS,
): Record<OverdueReason, number> {
  const counts = Object.fromEntries(OVERDUE_REASONS.map((reason) => [reason, 0])) as Record<
    OverdueReason,
    number
  >;
  for (const key of caches.keys()) {
    const swf = caches.scheduledWorkflow(key);
    if (!swf) continue;
    const active = caches.workflowsOf(key).filter((workflow) => !isCompleted(workflow)).length;
    const reason = overdueReason(swf, active, nowEpoch, graceSeconds);
    if (reason !== null) counts[reason] += 1;
  }
  return counts;
}

function dueEpoch(swf: ScheduledWorkflow): number | null {
  const next = swf.status?.trigger?.nextTriggeredTime;
  if (next) return epochOf(next);
  if ((swf.status?.conditions?.length ?? 0) > 0) return null;
  return epochOf(swf.metadata.creationTimestamp);
}

function epochOf(time: string | undefined): number | null {
  const ms = Date.parse(time ?? '');
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
