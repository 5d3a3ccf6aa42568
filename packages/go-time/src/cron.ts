/**
 * Cron expressions in the dialect of `github.com/robfig/cron` v1.2.0's `cron.Parse`, which the
 * upstream controller uses, with the same activation times.
 *
 * Written by hand because no npm cron library speaks this dialect: five or six fields with seconds
 * first and the day of week optional, `?` as `*`, the `@every <Go duration>` descriptor, robfig's
 * "a `*` in either day field makes the day fields AND, otherwise OR" rule, and next times computed
 * the way robfig steps through Go's `time.Date` normalisation across daylight-saving changes.
 *
 * | Field        | Values | Names            |
 * | ------------ | ------ | ---------------- |
 * | seconds      | 0-59   |                  |
 * | minutes      | 0-59   |                  |
 * | hours        | 0-23   |                  |
 * | day of month | 1-31   |                  |
 * | month        | 1-12   | JAN-DEC          |
 * | day of week  | 0-6    | SUN-SAT (0 = Sunday), optional, default `*` |
 *
 * Each field is a comma-separated list of `*`, `?`, `N`, `N-M`, each optionally followed by `/step`
 * (`N/step` means `N-max/step`). Names are case-insensitive; descriptors are not.
 */
import { ScheduleError } from './errors.js';
import type { WallClock, Zone } from './zone.js';

/** The resource field a cron expression comes from. */
export const CRON_FIELD = 'spec.trigger.cronSchedule.cron';

/** A parsed cron expression. */
export interface CronExpression {
  /**
   * The first activation strictly after the instant, in whole seconds, with wall-clock fields read
   * in `zone`; `null` when there is none within five years (robfig returns Go's zero time there).
   */
  next(afterEpochSeconds: number, zone: Zone): number | null;
}

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Lower-case names of values (a Map, so that `constructor` and the like are not names). */
  readonly names?: ReadonlyMap<string, number>;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The six fields in the order they are written. */
const FIELDS: readonly Bounds[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: new Map(MONTH_NAMES.map((name, index) => [name, index + 1])),
  },
  {
    name: 'day of week',
    min: 0,
    max: 6,
    names: new Map(WEEKDAY_NAMES.map((name, index) => [name, index])),
  },
];

/** Fields filled in when only five are written: the day of week. */
const DEFAULT_WEEKDAY_FIELD = '*';

/** Go's `strings.Fields` separators (Unicode white space as Go's `unicode.IsSpace` defines it). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** What `strconv.Atoi` accepts. */
const GO_INT = /^[+-]?[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** One field: which values match, and whether it was written with `*` or `?`. */
interface FieldSet {
  readonly values: readonly boolean[];
  readonly star: boolean;
}

/**
 * Parses a cron expression as robfig/cron v1.2.0's `cron.Parse` does.
 *
 * @param field the resource field named in errors.
 * @throws ScheduleError naming the field, the expression and the rule it breaks.
 */
export function parseCron(expression: string, field: string = CRON_FIELD): CronExpression {
  const fail = (rule: string): never => {
    throw new ScheduleError(field, rule, expression);
  };
  if (expression.length === 0) return fail('must not be empty');
  if (expression.startsWith('@')) return parseDescriptor(expression, fail);
  const texts = expression.split(GO_SPACE).filter((text) => text.length > 0);
  if (texts.length < FIELDS.length - 1 || texts.length > FIELDS.length) {
    fail(
      `must have 5 or 6 fields (seconds, minutes, hours, day of month, month, optional day of week), found ${texts.length}`,
    );
  }
  const sets = FIELDS.map((bounds, index) => parseField(texts[index] ?? DEFAULT_WEEKDAY_FIELD, bounds, fail));
  return new FieldsCron(sets, fail);
}

type Fail = (rule: string) => never;

/** The descriptors as field lists; the day fields are written so the AND/OR rule gives robfig's result. */
const DESCRIPTORS: ReadonlyMap<string, readonly string[]> = new Map([
  ['@yearly', ['0', '0', '0', '1', '1', '*']],
  ['@annually', ['0', '0', '0', '1', '1', '*']],
  ['@monthly', ['0', '0', '0', '1', '*', '*']],
  ['@weekly', ['0', '0', '0', '*', '*', '0']],
  ['@daily', ['0', '0', '0', '*', '*', '*']],
  ['@midnight', ['0', '0', '0', '*', '*', '*']],
  ['@hourly', ['0', '0', '*', '*', '*', '*']],
]);

function parseDescriptor(expression: string, fail: Fail): CronExpression {
  const every = '@every ';
  if (expression.startsWith(every)) return everyCron(parseGoDuration(expression.slice(every.length), fail));
  const fields = DESCRIPTORS.get(expression);
  return fields === undefined
    ? fail(
        'is not a known descriptor (@yearly @annually @monthly @weekly @daily @midnight @hourly @every <duration>)',
      )
    : new FieldsCron(
        fields.map((text, index) => parseField(text, FIELDS[index] as Bounds, fail)),
        fail,
      );
}

/** A comma-separated list of ranges; empty list items are skipped, as Go's `strings.FieldsFunc` does. */
function parseField(text: string, bounds: Bounds, fail: Fail): FieldSet {
  const values: boolean[] = new Array(bounds.max + 1).fill(false);
  let star = false;
  for (const range of text.split(',').filter((item) => item.length > 0)) {
    const failInRange = (rule: string) => fail(`${bounds.name} ${JSON.stringify(range)}: ${rule}`);
    if (parseRange(range, bounds, values, failInRange)) star = true;
  }
  return { values, star };
}

/** Marks the values of `number | number-number | * | ?`, each with an optional `/step`; true for `*` or `?`. */
function parseRange(range: string, bounds: Bounds, values: boolean[], fail: Fail): boolean {
  const rangeAndStep = range.split('/');
  const lowAndHigh = (rangeAndStep[0] as string).split('-');
  const low = lowAndHigh[0] as string;
  const star = low === '*' || low === '?';
  let start = bounds.min;
  let end = bounds.max;
  if (!star) {
    // robfig ignores whatever follows `*-`, so only a numeric range can have too many hyphens.
    start = parseNumberOrName(low, bounds, fail);
    if (lowAndHigh.length > 2) fail('too many hyphens');
    end = lowAndHigh.length === 2 ? parseNumberOrName(lowAndHigh[1] as string, bounds, fail) : start;
  }
  if (rangeAndStep.length > 2) fail('too many slashes');
  const step = rangeAndStep.length === 2 ? parseNonNegative(rangeAndStep[1] as string, fail) : 1;
  if (rangeAndStep.length === 2 && lowAndHigh.length === 1) end = bounds.max;
  if (start < bounds.min) fail(`${start} is below the minimum ${bounds.min}`);
  if (end > bounds.max) fail(`${end} is above the maximum ${bounds.max}`);
  if (start > end) fail(`the range starts at ${start}, after its end ${end}`);
  if (step === 0) fail('the step must be a positive number');
  for (let value = start; value <= end; value += step) values[value] = true;
  return star;
}

function parseNumberOrName(text: string, bounds: Bounds, fail: Fail): number {
  // Go lower-cases with the simple mapping, which turns U+0130 into a plain "i"; JavaScript does not.
  return bounds.names?.get(text.replace(/\u0130/g, 'i').toLowerCase()) ?? parseNonNegative(text, fail);
}

/** Go's `strconv.Atoi`, then robfig's refusal of negative numbers. */
function parseNonNegative(text: string, fail: Fail): number {
  if (!GO_INT.test(text)) return fail(`${JSON.stringify(text)} is not a number`);
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) return fail(`${JSON.stringify(text)} is out of range`);
  if (value < 0n) return fail(`negative number ${value} is not allowed`);
  return Number(value);
}

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek small letter mu
  ['ms', 1_000_000n],
  ['s', NANOS_PER_SECOND],
  ['m', 60n * NANOS_PER_SECOND],
  ['h', 3600n * NANOS_PER_SECOND],
]);
const DURATION_LIMIT = 2n ** 63n;

/** Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with Go's units. */
function parseGoDuration(text: string, fail: Fail): bigint {
  const invalid = (reason: string): never => fail(`@every: ${reason} in duration ${JSON.stringify(text)}`);
  const negative = text.startsWith('-');
  let rest = negative || text.startsWith('+') ? text.slice(1) : text;
  if (rest === '0') return 0n;
  if (rest === '') invalid('no value');
  let total = 0n;
  while (rest !== '') {
    const match = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest) as RegExpExecArray;
    const [number, whole = '', fraction] = match;
    if (whole === '' && (fraction === undefined || fraction === '')) invalid('expected a number');
    rest = rest.slice(number.length);
    const unitLength = rest.search(/[0-9.]/);
    const unit = unitLength === -1 ? rest : rest.slice(0, unitLength);
    if (unit === '') invalid('missing unit');
    const nanos = NANOS_PER_UNIT.get(unit) ?? invalid(`unknown unit ${JSON.stringify(unit)}`);
    rest = rest.slice(unit.length);
    total += durationPart(whole, fraction ?? '', nanos, invalid);
    if (total > DURATION_LIMIT) invalid('overflow');
  }
  if (!negative && total > DURATION_LIMIT - 1n) invalid('overflow');
  return negative ? -total : total;
}

/** One `number unit` term, with Go's float64 rounding of fractions and its overflow checks. */
function durationPart(whole: string, fraction: string, unitNanos: bigint, invalid: Fail): bigint {
  const value = whole === '' ? 0n : BigInt(whole);
  if (value > DURATION_LIMIT / unitNanos) invalid('overflow');
  let nanos = value * unitNanos;
  // Go keeps at most the fraction digits that fit in an int64 and scales them in float64.
  let digits = fraction;
  while (digits.length > 0 && BigInt(digits) > DURATION_LIMIT) digits = digits.slice(0, -1);
  if (digits !== '' && BigInt(digits) > 0n) {
    let scale = 1;
    for (let i = 0; i < digits.length; i += 1) scale *= 10;
    nanos += BigInt(Math.trunc(Number(BigInt(digits)) * (Number(unitNanos) / scale)));
    if (nanos > DURATION_LIMIT) invalid('overflow');
  }
  return nanos;
}

/** robfig's `Every`: at least one second, sub-second parts dropped, activations not aligned to the clock. */
function everyCron(durationNanos: bigint): CronExpression {
  const delaySeconds = durationNanos < NANOS_PER_SECOND ? 1 : Number(durationNanos / NANOS_PER_SECOND);
  return { next: (afterEpochSeconds) => Math.floor(afterEpochSeconds) + delaySeconds };
}

/**
 * Far more steps than any search that ends takes (one that finds nothing in five years takes a few
 * thousand). A search in a zone that skips a calendar day (Pacific/Apia on 2011-12-30) can step back
 * onto the day it left, forever; robfig/cron hangs there, this stops.
 */
const MAX_SEARCH_STEPS = 100_000;

/** robfig's `SpecSchedule`. */
class FieldsCron implements CronExpression {
  readonly #second: readonly boolean[];
  readonly #minute: readonly boolean[];
  readonly #hour: readonly boolean[];
  readonly #dayOfMonth: FieldSet;
  readonly #month: readonly boolean[];
  readonly #dayOfWeek: FieldSet;
  /** A field that matches no value (written as `,`) can never fire; robfig searches five years to find that out. */
  readonly #satisfiable: boolean;

  constructor(
    sets: readonly FieldSet[],
    /** Raises a ScheduleError about this expression. */
    readonly fail: Fail,
  ) {
    const [second, minute, hour, dayOfMonth, month, dayOfWeek] = sets as [
      FieldSet,
      FieldSet,
      FieldSet,
      FieldSet,
      FieldSet,
      FieldSet,
    ];
    this.#second = second.values;
    this.#minute = minute.values;
    this.#hour = hour.values;
    this.#dayOfMonth = dayOfMonth;
    this.#month = month.values;
    this.#dayOfWeek = dayOfWeek;
    const dayPossible =
      dayOfMonth.star || dayOfWeek.star
        ? dayOfMonth.values.includes(true) && dayOfWeek.values.includes(true)
        : dayOfMonth.values.includes(true) || dayOfWeek.values.includes(true);
    this.#satisfiable =
      dayPossible && [second, minute, hour, month].every((set) => set.values.includes(true));
  }

  next(afterEpochSeconds: number, zone: Zone): number | null {
    if (!this.#satisfiable) return null;
    return new Search(this, zone, Math.floor(afterEpochSeconds) + 1).run();
  }

  matchesMonth(month: number): boolean {
    return this.#month[month] === true;
  }

  /** When either day field was written with `*` (or `?`), both must match; otherwise either may. */
  matchesDay(day: number, weekday: number): boolean {
    const dayOfMonth = this.#dayOfMonth.values[day] === true;
    const dayOfWeek = this.#dayOfWeek.values[weekday] === true;
    return this.#dayOfMonth.star || this.#dayOfWeek.star ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
  }

  matchesHour(hour: number): boolean {
    return this.#hour[hour] === true;
  }

  matchesMinute(minute: number): boolean {
    return this.#minute[minute] === true;
  }

  matchesSecond(second: number): boolean {
    return this.#second[second] === true;
  }
}

/**
 * One run of robfig's `SpecSchedule.Next`, step for step, because its daylight-saving behaviour
 * comes from those steps: months and days advance through `time.Date` (wall clock, normalised),
 * hours, minutes and seconds through `Time.Add` (elapsed time), and the first field that does not
 * match resets the smaller ones once. After each step that wraps a field to its first value, the
 * search restarts from the month. Runs of steps that cannot cross an offset change are taken in
 * one jump, which lands where the single steps would.
 */
class Search {
  /** robfig's `added`: whether the smaller fields have been reset yet. */
  #added = false;
  #steps = 0;
  #wall: WallClock;
  readonly #yearLimit: number;
  #time: number;
  readonly #cron: FieldsCron;
  readonly #zone: Zone;
  /** The first candidate second. */
  readonly #start: number;

  constructor(cron: FieldsCron, zone: Zone, start: number) {
    this.#cron = cron;
    this.#zone = zone;
    this.#start = start;
    this.#time = start;
    this.#wall = zone.wallClock(start);
    this.#yearLimit = this.#wall.year + 5;
  }

  run(): number | null {
    for (;;) {
      if (this.#wall.year > this.#yearLimit) return null;
      if (
        this.#advanceMonth() &&
        this.#advanceDay() &&
        this.#advanceHour() &&
        this.#advanceMinute() &&
        this.#advanceSecond()
      ) {
        return this.#time;
      }
    }
  }

  #moveTo(time: number): void {
    this.#steps += 1;
    if (this.#steps > MAX_SEARCH_STEPS) {
      this.#cron.fail(
        `has no computable next time after ${new Date((this.#start - 1) * 1000).toISOString()} in ${this.#zone.name}: ` +
          'a skipped calendar day sends the search back to where it was (robfig/cron never returns here)',
      );
    }
    this.#time = time;
    this.#wall = this.#zone.wallClock(time);
  }

  /** The first mismatch resets the smaller fields, once per search. */
  #resetOnce(reset: () => number): void {
    if (this.#added) return;
    this.#added = true;
    this.#moveTo(reset());
  }

  /**
   * Each `advance` step returns false when its field wrapped to its first value (a new year, month,
   * day, hour or minute), after which the search starts again from the month.
   */
  #advanceMonth(): boolean {
    while (!this.#cron.matchesMonth(this.#wall.month)) {
      this.#resetOnce(() => this.#zone.instant(this.#wall.year, this.#wall.month, 1, 0, 0, 0));
      const { year, month, day, hour, minute, second } = this.#wall;
      this.#moveTo(this.#zone.instant(year, month + 1, day, hour, minute, second));
      if (this.#wall.month === 1) return false;
    }
    return true;
  }

  #advanceDay(): boolean {
    while (!this.#cron.matchesDay(this.#wall.day, this.#wall.weekday)) {
      this.#resetOnce(() => this.#zone.instant(this.#wall.year, this.#wall.month, this.#wall.day, 0, 0, 0));
      const { year, month, day, hour, minute, second } = this.#wall;
      this.#moveTo(this.#zone.instant(year, month, day + 1, hour, minute, second));
      if (this.#wall.day === 1) return false;
    }
    return true;
  }

  #advanceHour(): boolean {
    return this.#advanceClockField(
      3600,
      24,
      (wall) => wall.hour,
      (hour) => this.#cron.matchesHour(hour),
      () => this.#zone.instant(this.#wall.year, this.#wall.month, this.#wall.day, this.#wall.hour, 0, 0),
    );
  }

  #advanceMinute(): boolean {
    // Go's Truncate(time.Minute) works on elapsed time, not on the wall clock.
    return this.#advanceClockField(
      60,
      60,
      (wall) => wall.minute,
      (minute) => this.#cron.matchesMinute(minute),
      () => this.#time - floorMod(this.#time, 60),
    );
  }

  #advanceSecond(): boolean {
    return this.#advanceClockField(
      1,
      60,
      (wall) => wall.second,
      (second) => this.#cron.matchesSecond(second),
      () => this.#time,
    );
  }

  /**
   * Adds `unit` seconds until the field matches (true) or wraps to 0 (false, restart). While the
   * zone's offset stays put, the field rises by one per step, so the steps up to the next match or
   * the wrap are taken at once.
   */
  #advanceClockField(
    unit: number,
    modulus: number,
    read: (wall: WallClock) => number,
    matches: (value: number) => boolean,
    reset: () => number,
  ): boolean {
    while (!matches(read(this.#wall))) {
      this.#resetOnce(reset);
      const current = read(this.#wall);
      let target = current + 1;
      while (target < modulus && !matches(target)) target += 1;
      const jump = (target - current) * unit;
      const steps = this.#time + jump < this.#zone.periodAt(this.#time).end ? jump : unit;
      this.#moveTo(this.#time + steps);
      if (read(this.#wall) === 0) return false;
    }
    return true;
  }
}

function floorMod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
