/**
 * The schedule decisions for one ScheduledWorkflow, as pure functions of the resource, the time, the
 * number of active workflows and the zone cron expressions are read in. Semantics are the upstream
 * controller's (`ScheduledWorkflow.GetNextScheduledEpoch` and helpers in KFP's
 * `scheduledworkflow/util`), except that a schedule upstream would silently never fire, or fire on
 * every sync, raises a {@link ScheduleError} naming the field at fault.
 */
import type { ScheduledWorkflow } from '../types.js';
import { nextCronEpoch, nextCronEpochNoCatchup, resolveCronTrigger } from './cron-trigger.js';
import { ScheduleError } from './errors.js';
import { nextPeriodicEpoch, nextPeriodicEpochNoCatchup, resolvePeriodicTrigger } from './periodic.js';
import { parseOptionalRfc3339, parseRfc3339 } from './times.js';
import type { Zone } from './zone.js';

/** `spec.maxConcurrency` when unset. */
export const DEFAULT_MAX_CONCURRENCY = 1;
/** Lowest effective `spec.maxConcurrency`. */
export const MIN_MAX_CONCURRENCY = 1;
/** Highest effective `spec.maxConcurrency`. */
export const MAX_MAX_CONCURRENCY = 10;
/** `spec.maxHistory` when unset. */
export const DEFAULT_MAX_HISTORY = 10;
/** Lowest effective `spec.maxHistory`. */
export const MIN_MAX_HISTORY = 0;
/** Highest effective `spec.maxHistory`. */
export const MAX_MAX_HISTORY = 100;

/** What the controller needs besides the resource to decide. */
export interface ScheduleInputs {
  /** The current time, epoch seconds. */
  readonly nowEpoch: number;
  /** Workflows of this resource that have not finished. */
  readonly activeWorkflowCount: number;
  /** The zone cron expressions are read in (`CRON_SCHEDULE_TIMEZONE`, else the machine's). */
  readonly zone: Zone;
}

/** Whether to start a run now, and when the next one is due. */
export interface ScheduleDecision {
  /** Epoch seconds of the next run due (possibly in the past); `null` when it never fires again. */
  readonly nextScheduledEpoch: number | null;
  /** Enabled, below the concurrency limit, and the next run is due. */
  readonly shouldRunNow: boolean;
}

function clamp(value: number | undefined | null, fallback: number, min: number, max: number): number {
  return value == null ? fallback : Math.min(max, Math.max(min, value));
}

/** How many of its workflows may run at once: `spec.maxConcurrency` clamped to 1..10, default 1. */
export function maxConcurrency(swf: ScheduledWorkflow): number {
  return clamp(swf.spec.maxConcurrency, DEFAULT_MAX_CONCURRENCY, MIN_MAX_CONCURRENCY, MAX_MAX_CONCURRENCY);
}

/** How many finished workflows to keep in the history: `spec.maxHistory` clamped to 0..100, default 10. */
export function maxHistory(swf: ScheduledWorkflow): number {
  return clamp(swf.spec.maxHistory, DEFAULT_MAX_HISTORY, MIN_MAX_HISTORY, MAX_MAX_HISTORY);
}

/** A resource with neither a cron nor a periodic trigger runs once, at creation. */
export function isOneOffRun(swf: ScheduledWorkflow): boolean {
  return swf.spec.trigger?.cronSchedule == null && swf.spec.trigger?.periodicSchedule == null;
}

function creationEpoch(swf: ScheduledWorkflow): number {
  const text = swf.metadata.creationTimestamp;
  if (text == null)
    throw new ScheduleError('metadata.creationTimestamp', 'is required to schedule the first run');
  return parseRfc3339(text, 'metadata.creationTimestamp');
}

/**
 * When the next run is due, in epoch seconds (in the past when runs are overdue); `null` when the
 * resource never fires again (its end time has passed, or its one-off run has been made).
 *
 * The last run is `status.trigger.lastTriggeredTime`, else the trigger's start time, else the
 * creation time. A periodic trigger wins over a cron trigger when both are set, as upstream.
 * With `spec.noCatchup`, missed runs collapse into one, due now.
 *
 * @throws ScheduleError naming the field when the trigger cannot be evaluated.
 */
export function nextScheduledEpoch(swf: ScheduledWorkflow, nowEpoch: number, zone: Zone): number | null {
  const lastTriggered = parseOptionalRfc3339(
    swf.status?.trigger?.lastTriggeredTime,
    'status.trigger.lastTriggeredTime',
  );
  const catchUp = swf.spec.noCatchup !== true;
  const trigger = swf.spec.trigger;
  if (trigger?.periodicSchedule != null) {
    const periodic = resolvePeriodicTrigger(trigger.periodicSchedule);
    const last = lastTriggered ?? periodic.startEpoch ?? creationEpoch(swf);
    return catchUp ? nextPeriodicEpoch(periodic, last) : nextPeriodicEpochNoCatchup(periodic, last, nowEpoch);
  }
  if (trigger?.cronSchedule != null) {
    const cron = resolveCronTrigger(trigger.cronSchedule);
    const last = lastTriggered ?? cron.startEpoch ?? creationEpoch(swf);
    return catchUp ? nextCronEpoch(cron, last, zone) : nextCronEpochNoCatchup(cron, last, nowEpoch, zone);
  }
  return lastTriggered === undefined ? creationEpoch(swf) : null;
}

/**
 * The controller's decision for one sync: the next run due and whether to start it now. A disabled
 * resource, or one with `maxConcurrency` workflows still active, does not run, but its next run is
 * still reported.
 *
 * @throws ScheduleError naming the field when the trigger cannot be evaluated.
 */
export function decideSchedule(swf: ScheduledWorkflow, inputs: ScheduleInputs): ScheduleDecision {
  const next = nextScheduledEpoch(swf, inputs.nowEpoch, inputs.zone);
  const shouldRunNow =
    swf.spec.enabled === true &&
    inputs.activeWorkflowCount < maxConcurrency(swf) &&
    next !== null &&
    next <= inputs.nowEpoch;
  return { nextScheduledEpoch: next, shouldRunNow };
}
