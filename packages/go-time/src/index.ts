export { type CivilTime, civilTime, daysFromCivil, isoWeek } from './calendar.js';
export { CRON_FIELD, type CronExpression, parseCron } from './cron.js';
export { ScheduleError } from './errors.js';
export { formatGoTime, formatKubeTime, padInt, RFC3339_LAYOUT } from './go-time-format.js';
export { StrftimePatternError, strftime } from './strftime.js';
export { loadZone, type OffsetPeriod, TIME_ZONE_SETTING, UTC, type WallClock, Zone } from './zone.js';
