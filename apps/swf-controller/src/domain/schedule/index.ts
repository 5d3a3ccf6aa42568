/**
 * The schedule engine: robfig/cron v1 expressions, IANA zones with Go's calendar rules, periodic and
 * cron triggers, and the per-resource decisions (next run, run now, concurrency, history size).
 */
export {
  CRON_FIELD,
  type CronExpression,
  loadZone,
  type OffsetPeriod,
  parseCron,
  ScheduleError,
  TIME_ZONE_SETTING,
  UTC,
  type WallClock,
  Zone,
} from '@swf/go-time';
export {
  CRON_TRIGGER_FIELD,
  type CronTrigger,
  nextCronEpoch,
  nextCronEpochNoCatchup,
  resolveCronTrigger,
} from './cron-trigger.js';
export {
  nextPeriodicEpoch,
  nextPeriodicEpochNoCatchup,
  PERIODIC_FIELD,
  type PeriodicTrigger,
  resolvePeriodicTrigger,
} from './periodic.js';
export {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_HISTORY,
  decideSchedule,
  isOneOffRun,
  MAX_MAX_CONCURRENCY,
  MAX_MAX_HISTORY,
  MAX_SKIPPED_TICKS,
  MIN_MAX_CONCURRENCY,
  MIN_MAX_HISTORY,
  maxConcurrency,
  maxHistory,
  nextScheduledEpoch,
  type ScheduleDecision,
  type ScheduleInputs,
  type SkippedTicks,
} from './schedule.js';
export { parseOptionalRfc3339, parseRfc3339, resolveTimeWindow, type TimeWindow } from './times.js';
