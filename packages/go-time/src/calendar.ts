/**
 * Calendar fields of a Unix epoch in UTC, by integer arithmetic on the proleptic Gregorian calendar
 * (as Go's `time` package computes them), so any safe-integer epoch works and no `Date` quirks
 * (two-digit years, range limits) leak into formatted names or labels.
 */

const SECONDS_PER_DAY = 86_400;
const DAYS_PER_ERA = 146_097;
/** Days from 0000-03-01 to 1970-01-01: eras start in March so the leap day ends a year. */
const EPOCH_SHIFT_DAYS = 719_468;
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;

/** One instant broken into UTC calendar fields. */
export interface CivilTime {
  year: number;
  /** 1 to 12. */
  month: number;
  /** 1 to 31. */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 (Sunday) to 6 (Saturday). */
  weekday: number;
  /** 1 to 366. */
  yearDay: number;
}

/** Days since 1970-01-01 of a calendar date (month 1 to 12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT_DAYS;
}

function dateFromDays(days: number): { year: number; month: number; day: number } {
  const shifted = days + EPOCH_SHIFT_DAYS;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** UTC calendar fields of a Unix epoch in seconds. */
export function civilTime(epoch: number): CivilTime {
  const days = Math.floor(epoch / SECONDS_PER_DAY);
  const secondOfDay = epoch - days * SECONDS_PER_DAY;
  const { year, month, day } = dateFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    weekday: (((days + EPOCH_WEEKDAY) % 7) + 7) % 7,
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
  };
}

/** ISO 8601 week-numbering year and week (1 to 53) of a Unix epoch, in UTC. */
export function isoWeek(epoch: number): { year: number; week: number } {
  const { weekday } = civilTime(epoch);
  // The ISO week belongs to the year holding its Thursday.
  const mondayBased = (weekday + 6) % 7;
  const thursday = civilTime(epoch + (3 - mondayBased) * SECONDS_PER_DAY);
  return { year: thursday.year, week: Math.floor((thursday.yearDay - 1) / 7) + 1 };
}
