/**
 * The cron trigger (`spec.trigger.cronSchedule`), with the upstream controller's semantics
 * (`CronSchedule` in KFP's `scheduledworkflow/util`).
 */

import type { Zone } from '@swf/go-time';
import { CRON_FIELD, type CronExpression, parseCron, ScheduleError } from '@swf/go-time';
import type { CronSchedule } from '../types.js';
import { resolveTimeWindow, type TimeWindow } from './times.js';

/** Path of the trigger in the resource. */
export const CRON_TRIGGER_FIELD = 'spec.trigger.cronSchedule';

/** A cron trigger with its expression parsed and its times read. */
export interface CronTrigger extends TimeWindow {
  /** The expression as written, for error messages. */
  readonly expression: string;
  /** The parsed expression. */
  readonly cron: CronExpression;
}

/**
 * Reads and checks a cron trigger.
 *
 * @throws ScheduleError for a missing or invalid expression (upstream logs it and never fires) or an
 *   unusable start or end time.
 */
export function resolveCronTrigger(schedule: CronSchedule): CronTrigger {
  const expression = schedule.cron ?? '';
  return {
    ...resolveTimeWindow(schedule, CRON_TRIGGER_FIELD),
    expression,
    cron: parseCron(expression, CRON_FIELD),
  };
}

/**
 * The first activation after the later of `lastJobEpoch` and the start time, read in `zone`; `null`
 * (never again) when it falls after the end time.
 *
 * @throws ScheduleError when the expression matches no time in the five years robfig/cron searches
 *   (e.g. `0 0 0 30 2 *`): upstream then gets Go's zero time and starts a run on every sync.
 */
export function nextCronEpoch(trigger: CronTrigger, lastJobEpoch: number, zone: Zone): number | null {
  const from = Math.max(lastJobEpoch, trigger.startEpoch ?? lastJobEpoch);
  const next = trigger.cron.next(from, zone);
  if (next === null) {
    throw new ScheduleError(
      CRON_FIELD,
      `matches no time within five years after ${new Date(from * 1000).toISOString()} in ${zone.name}`,
      trigger.expression,
    );
  }
  return trigger.endEpoch !== undefined && trigger.endEpoch < next ? null : next;
}

/**
 * Like {@link nextCronEpoch}, but skips ahead to the last activation at or before both now and the
 * end time, so missed activations collapse into one run.
 */
export function nextCronEpochNoCatchup(
  trigger: CronTrigger,
  lastJobEpoch: number,
  nowEpoch: number,
  zone: Zone,
): number | null {
  const first = nextCronEpoch(trigger, lastJobEpoch, zone);
  if (first === null) return null;
  const limit = Math.min(nowEpoch, trigger.endEpoch ?? Infinity);
  let next = first;
  let candidate = trigger.cron.next(next, zone);
  while (candidate !== null && candidate <= limit) {
    next = candidate;
    candidate = trigger.cron.next(next, zone);
  }
  return next;
}
