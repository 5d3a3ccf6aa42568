/**
 * The fixed-interval trigger (`spec.trigger.periodicSchedule`), with the upstream controller's
 * semantics (`PeriodicSchedule` in KFP's `scheduledworkflow/util`).
 */

import { ScheduleError } from '@swf/go-time';
import type { PeriodicSchedule } from '../types.js';
import { resolveTimeWindow, type TimeWindow } from './times.js';

/** Path of the trigger in the resource. */
export const PERIODIC_FIELD = 'spec.trigger.periodicSchedule';

/** A periodic trigger with its times read and its interval checked. */
export interface PeriodicTrigger extends TimeWindow {
  /** Seconds between runs, at least 1. */
  readonly intervalSecond: number;
}

/**
 * Reads and checks a periodic trigger. An interval of 0 (or none) means 1 s, as upstream.
 *
 * @throws ScheduleError for a negative or fractional interval (upstream would schedule each run
 *   before the last one) or an unusable start or end time.
 */
export function resolvePeriodicTrigger(schedule: PeriodicSchedule): PeriodicTrigger {
  const interval = schedule.intervalSecond ?? 0;
  if (!Number.isSafeInteger(interval) || interval < 0) {
    throw new ScheduleError(
      `${PERIODIC_FIELD}.intervalSecond`,
      'must be a whole number of seconds, at least 1 (0 counts as 1)',
      String(interval),
    );
  }
  return { ...resolveTimeWindow(schedule, PERIODIC_FIELD), intervalSecond: interval === 0 ? 1 : interval };
}

/**
 * The run after the one at `lastJobEpoch`: the start time if that is later, else one interval on;
 * `null` (never again) past the end time. The start time itself is not checked against the end.
 */
export function nextPeriodicEpoch(trigger: PeriodicTrigger, lastJobEpoch: number): number | null {
  if (trigger.startEpoch !== undefined && trigger.startEpoch > lastJobEpoch) return trigger.startEpoch;
  const next = lastJobEpoch + trigger.intervalSecond;
  return trigger.endEpoch !== undefined && trigger.endEpoch < next ? null : next;
}

/**
 * Like {@link nextPeriodicEpoch}, but when a whole interval or more has been missed, runs now (or at
 * the end time, if that has passed) instead of once for every missed interval.
 */
export function nextPeriodicEpochNoCatchup(
  trigger: PeriodicTrigger,
  lastJobEpoch: number,
  nowEpoch: number,
): number | null {
  const next = nextPeriodicEpoch(trigger, lastJobEpoch);
  if (next === null || nowEpoch < next + trigger.intervalSecond) return next;
  return trigger.endEpoch !== undefined && trigger.endEpoch < nowEpoch ? trigger.endEpoch : nowEpoch;
}
