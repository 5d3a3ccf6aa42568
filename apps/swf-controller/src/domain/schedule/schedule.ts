/**
 * The schedule decisions for one ScheduledWorkflow, as pure functions of the resource, the time, the
 * number of active workflows and the zone cron expressions are read in. Semantics are the upstream
 * controller's (`ScheduledWorkflow.GetNextScheduledEpoch` and helpers in KFP's
 * `scheduledworkflow/util`), except that a schedule upstream would silently never fire, or fire on
 * every sync, raises a {@link ScheduleError} naming the field at fault.
 */

import type { Zone } from '@swf/go-time';
import { ScheduleError } from '@swf/go-time';
import type { ScheduledWorkflow } from '../types.js';
import { nextCronEpoch, nextCronEpochNoCatchup, resolveCronTrigger } from './cron-trigger.js';
import { nextPeriodicEpoch, nextPeriodicEpochNoCatchup, resolvePeriodicTrigger } from './periodic.js';
import { parseOptionalRfc3339, parseRfc3339 } from './times.js';

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
  /**
   * The zone cron expressions are read in: the resource's `time-zone` annotation, else
   * `CRON_SCHEDULE_TIMEZONE`, else the machine's.
   */
  readonly zone: Zone;
  /**
   * The resource's starting deadline (`starting-deadline-seconds`): a tick that could start only
   * later than this many seconds after its time is skipped. Absent or null: no deadline.
   */
  readonly startingDeadlineSeconds?: number | null;
}

/** Ticks passed over in one decision because they could no longer start within the starting deadline. */
export interface SkippedTicks {
  /** How many, at least 1. */
  readonly count: number;
  /** Epoch seconds of the first one. */
  readonly firstEpoch: number;
  /** Epoch seconds of the last one: the schedule goes on from there. */
  readonly lastEpoch: number;
  /**
   * Late ticks remain after {@link MAX_SKIPPED_TICKS} were skipped; the next decision skips on from
   * {@link lastEpoch}.
   */
  readonly more: boolean;
}

/** Whether to start a run now, and when the next one is due. */
export interface ScheduleDecision {
  /** Epoch seconds of the next run due (possibly in the past); `null` when it never fires again. */
  readonly nextScheduledEpoch: number | null;
  /** Enabled, below the concurrency limit, and the next run is due. */
  readonly shouldRunNow: boolean;
  /** Ticks skipped past the starting deadline before {@link nextScheduledEpoch}; null when none. */
  readonly skipped: SkippedTicks | null;
}

/**
 * Most ticks one decision skips: a schedule firing every second that was held back for a day has
 * 86,400 late ticks, and one decision must not hold the event loop for long. Ten thousand cron steps
 * take a few milliseconds; the rest follow in the next decisions, each from the last one skipped.
 */
export const MAX_SKIPPED_TICKS = 10_000;

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
 * The function that steps a resource's schedule: from the last run (epoch seconds, or undefined
 * before the first) to the next one due at `nowEpoch`. The trigger is read once, so a caller can step
 * through many ticks cheaply.
 *
 * @throws ScheduleError naming the field when the trigger cannot be evaluated.
 */
function scheduleStepper(
  swf: ScheduledWorkflow,
  zone: Zone,
): (lastTriggered: number | undefined, nowEpoch: number) => number | null {
  const catchUp = swf.spec.noCatchup !== true;
  const trigger = swf.spec.trigger;
  if (trigger?.periodicSchedule != null) {
    const periodic = resolvePeriodicTrigger(trigger.periodicSchedule);
    return (lastTriggered, nowEpoch) => {
      const last = lastTriggered ?? periodic.startEpoch ?? creationEpoch(swf);
      return catchUp
        ? nextPeriodicEpoch(periodic, last)
        : nextPeriodicEpochNoCatchup(periodic, last, nowEpoch);
    };
  }
  if (trigger?.cronSchedule != null) {
    const cron = resolveCronTrigger(trigger.cronSchedule);
    return (lastTriggered, nowEpoch) => {
      const last = lastTriggered ?? cron.startEpoch ?? creationEpoch(swf);
      return catchUp ? nextCronEpoch(cron, last, zone) : nextCronEpochNoCatchup(cron, last, nowEpoch, zone);
    };
  }
  return (lastTriggered) => (lastTriggered === undefined ? creationEpoch(swf) : null);
}

function lastTriggeredEpoch(swf: ScheduledWorkflow): number | undefined {
  return parseOptionalRfc3339(swf.status?.trigger?.lastTriggeredTime, 'status.trigger.lastTriggeredTime');
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
  return scheduleStepper(swf, zone)(lastTriggeredEpoch(swf), nowEpoch);
}

/**
 * The controller's decision for one sync: the next run due and whether to start it now. A disabled
 * resource, or one with `maxConcurrency` workflows still active, does not run, but its next run is
 * still reported.
 *
 * With a starting deadline, a tick that could start now but is more than the deadline late is
 * skipped, and the ones after it in turn, until one is on time or still to come. With catch-up
 * (upstream's default) that is every missed tick older than the deadline, and the missed ticks
 * within it run one after the other as before; with `spec.noCatchup` the missed ticks collapse into
 * the latest, as before, and that one is skipped when it is too late. Ticks are skipped only when a
 * run could start (enabled, below `maxConcurrency`): a tick held back is judged when its turn comes,
 * and a disabled schedule, which would write nothing, skips its missed ticks once enabled again.
 * A one-off run (no trigger) is not a tick and has no deadline.
 *
 * @throws ScheduleError naming the field when the trigger cannot be evaluated.
 */
export function decideSchedule(swf: ScheduledWorkflow, inputs: ScheduleInputs): ScheduleDecision {
  const { nowEpoch } = inputs;
  const step = scheduleStepper(swf, inputs.zone);
  let next = step(lastTriggeredEpoch(swf), nowEpoch);
  const canStart = swf.spec.enabled === true && inputs.activeWorkflowCount < maxConcurrency(swf);
  const deadline = inputs.startingDeadlineSeconds;
  let skipped: SkippedTicks | null = null;
  if (canStart && deadline != null && !isOneOffRun(swf)) {
    const tooLate = (epoch: number | null): epoch is number => epoch !== null && nowEpoch - epoch > deadline;
    let count = 0;
    let firstEpoch = 0;
    let lastEpoch = 0;
    while (tooLate(next) && count < MAX_SKIPPED_TICKS) {
      if (count === 0) firstEpoch = next;
      lastEpoch = next;
      count += 1;
      next = step(next, nowEpoch);
    }
    if (count > 0) skipped = { count, firstEpoch, lastEpoch, more: tooLate(next) };
  }
  const shouldRunNow = canStart && next !== null && next <= nowEpoch && skipped?.more !== true;
  return { nextScheduledEpoch: next, shouldRunNow, skipped };
}
