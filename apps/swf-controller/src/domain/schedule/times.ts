/**
 * The times a ScheduledWorkflow carries: RFC 3339 strings (Kubernetes `metav1.Time`), read as whole
 * epoch seconds, and the start/end window of a trigger.
 */
import { daysFromCivil, ScheduleError } from '@swf/go-time';

/**
 * RFC 3339 as Kubernetes writes it, with an optional fraction and a numeric offset allowed:
 * `2024-01-31T09:00:00Z`, `2024-01-31T10:00:00.5+01:00`.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Epoch seconds of an RFC 3339 time, rounded down to the second.
 *
 * Dropping the fraction changes no schedule decision: every comparison upstream makes between such a
 * time and a whole-second activation time comes out the same.
 *
 * @throws ScheduleError naming `field` when the text is not a valid RFC 3339 time.
 */
export function parseRfc3339(text: string, field: string): number {
  const match = RFC3339.exec(text);
  if (match === null) {
    throw new ScheduleError(field, 'must be an RFC 3339 time such as 2024-01-31T09:00:00Z', text);
  }
  const group = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [
    group(1),
    group(2),
    group(3),
    group(4),
    group(5),
    group(6),
  ];
  const [offsetHours, offsetMinutes] = [group(8), group(9)];
  const outOfRange =
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59;
  if (outOfRange) throw new ScheduleError(field, 'has a date or time field out of range', text);
  const offset = (match[7] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  return daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
}

/** {@link parseRfc3339} for a field that may be absent (`null` is how JSON writes an unset `metav1.Time`). */
export function parseOptionalRfc3339(text: string | null | undefined, field: string): number | undefined {
  return text == null ? undefined : parseRfc3339(text, field);
}

/** A trigger's optional `startTime` and `endTime`, as epoch seconds. */
export interface TimeWindow {
  /** No activation before this instant. */
  readonly startEpoch?: number;
  /** No activation after this instant. */
  readonly endEpoch?: number;
}

/**
 * Reads `startTime` and `endTime` of a trigger.
 *
 * @param fieldPrefix the trigger's path, e.g. `spec.trigger.cronSchedule`.
 * @throws ScheduleError for an unparseable time, or an end before the start: the upstream controller
 *   would then never fire (cron) or fire once at the start time (periodic), neither what was meant.
 */
export function resolveTimeWindow(
  schedule: { readonly startTime?: string | null; readonly endTime?: string | null },
  fieldPrefix: string,
): TimeWindow {
  const startEpoch = parseOptionalRfc3339(schedule.startTime, `${fieldPrefix}.startTime`);
  const endEpoch = parseOptionalRfc3339(schedule.endTime, `${fieldPrefix}.endTime`);
  if (startEpoch !== undefined && endEpoch !== undefined && endEpoch < startEpoch) {
    throw new ScheduleError(
      `${fieldPrefix}.endTime`,
      `must not be before ${fieldPrefix}.startTime (${schedule.startTime})`,
      schedule.endTime ?? undefined,
    );
  }
  return { startEpoch, endEpoch };
}
