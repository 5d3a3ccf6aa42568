/**
 * Time zones and calendar arithmetic as Go's `time` package does them, in pure TypeScript.
 *
 * Offsets come from the IANA data inside the runtime's ICU, read through `Intl.DateTimeFormat`; the
 * calendar rules (proleptic Gregorian, `time.Date` normalisation, and how `time.Date` resolves a wall
 * time that a daylight-saving change skips or repeats) are Go's, so schedules land on the same
 * instants as in the upstream Go controller. Go reads the system's zoneinfo instead of ICU's copy:
 * the two agree except where one copy of the IANA database is older than the other.
 *
 * All instants are whole seconds since the Unix epoch.
 */
import { type CivilTime, civilTime, daysFromCivil } from './calendar.js';
import { ScheduleError } from './errors.js';

const SECONDS_PER_DAY = 86_400;
/** Offsets are cached per chunk of about a year, built on first use. */
const CHUNK_SECONDS = 2 ** 25;
/**
 * A chunk is sampled once a day and each change is then bisected to the second. Two changes less
 * than a day apart that cancel out would be missed; the IANA data has none since the 1940s.
 */
const SAMPLE_SECONDS = SECONDS_PER_DAY;

/** The field named in errors about the controller's zone setting. */
export const TIME_ZONE_SETTING = 'CRON_SCHEDULE_TIMEZONE';

/** Wall-clock fields of an instant in a zone, with Go's numbering (month 1-12, weekday 0 = Sunday). */
export type WallClock = CivilTime;

/** A stretch of time over which a zone's offset does not change. */
export interface OffsetPeriod {
  /** First second of the stretch. */
  readonly start: number;
  /** First second after the stretch; the offset may (but need not) change there. */
  readonly end: number;
  /** Seconds east of UTC. */
  readonly offset: number;
}

/**
 * A time zone: its offset at any instant, with wall-clock conversions in both directions.
 *
 * Obtain one with {@link loadZone} (or use {@link UTC}). The constructor takes the function that
 * reads the zone's true offset at an instant, which it calls sparingly: offsets are cached per chunk
 * of about a year, so repeated schedule computations cost a few arithmetic operations each.
 */
export class Zone {
  readonly #chunks = new Map<number, readonly OffsetPeriod[]>();
  #recent: OffsetPeriod = { start: 0, end: 0, offset: 0 };

  /** The zone's name as configured, e.g. `Europe/Berlin`. */
  readonly name: string;
  /** Reads the offset (seconds east of UTC) at an instant. */
  readonly #readOffset: (epochSeconds: number) => number;

  constructor(name: string, readOffset: (epochSeconds: number) => number) {
    this.name = name;
    this.#readOffset = readOffset;
  }

  /** Seconds east of UTC at the instant. */
  offsetAt(epochSeconds: number): number {
    return this.periodAt(epochSeconds).offset;
  }

  /** The stretch around the instant over which the offset stays as it is at the instant. */
  periodAt(epochSeconds: number): OffsetPeriod {
    const recent = this.#recent;
    if (epochSeconds >= recent.start && epochSeconds < recent.end) return recent;
    if (!Number.isFinite(epochSeconds)) throw new RangeError(`not an instant: ${epochSeconds}`);
    const index = Math.floor(epochSeconds / CHUNK_SECONDS);
    let periods = this.#chunks.get(index);
    if (periods === undefined) {
      periods = this.#readChunk(index);
      this.#chunks.set(index, periods);
    }
    const found = periods.find((period) => epochSeconds < period.end) ?? recent;
    this.#recent = found;
    return found;
  }

  /** Wall-clock fields of the instant in this zone (Go's `t.In(zone).Date()`, `.Clock()`, `.Weekday()`). */
  wallClock(epochSeconds: number): WallClock {
    return civilTime(epochSeconds + this.offsetAt(epochSeconds));
  }

  /**
   * The instant of a wall-clock time in this zone, as Go's `time.Date` computes it.
   *
   * Out-of-range fields carry over (month 13 is January of the next year, day 32 the next month, and
   * so on). A wall time that does not exist or exists twice resolves the way Go resolves it: Go looks
   * up the offset at the wall time read as UTC, then again at the instant that offset gives, and
   * uses the second. So, for example, 02:30 on a spring-forward day becomes 01:30 standard time in
   * New York but 03:30 summer time in Berlin, and a repeated 01:30 in New York is the first (summer
   * time) one while a repeated 02:30 in Berlin is the second (standard time) one.
   */
  instant(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const monthIndex = month - 1;
    const carriedYears = Math.floor(monthIndex / 12);
    const asUtc =
      (daysFromCivil(year + carriedYears, monthIndex - carriedYears * 12 + 1, 1) + day - 1) *
        SECONDS_PER_DAY +
      hour * 3600 +
      minute * 60 +
      second;
    return asUtc - this.offsetAt(asUtc - this.offsetAt(asUtc));
  }

  #readChunk(index: number): readonly OffsetPeriod[] {
    const read = this.#readOffset;
    const start = index * CHUNK_SECONDS;
    const end = start + CHUNK_SECONDS;
    const periods: OffsetPeriod[] = [];
    let periodStart = start;
    let offset = read(start);
    for (let from = start; from < end; from += SAMPLE_SECONDS) {
      const to = Math.min(from + SAMPLE_SECONDS, end);
      const offsetAtTo = read(to);
      while (offset !== offsetAtTo) {
        const change = firstChange(read, Math.max(periodStart, from), to, offset);
        periods.push({ start: periodStart, end: change, offset });
        periodStart = change;
        offset = read(change);
      }
    }
    periods.push({ start: periodStart, end, offset });
    return periods;
  }
}

/** The first second in (from, to] whose offset differs from `offset`, the offset at `from`. */
function firstChange(
  read: (epochSeconds: number) => number,
  from: number,
  to: number,
  offset: number,
): number {
  let unchanged = from;
  let changed = to;
  while (changed - unchanged > 1) {
    const middle = Math.floor((unchanged + changed) / 2);
    if (read(middle) === offset) unchanged = middle;
    else changed = middle;
  }
  return changed;
}

function intlOffsetReader(format: Intl.DateTimeFormat): (epochSeconds: number) => number {
  return (epochSeconds) => {
    // `format` is several times faster than `formatToParts`; the en-US layout is fixed by the options.
    const text = format.format(epochSeconds * 1000);
    const [month, day, year, hour, minute, second] = (text.match(/\d+/g) ?? []).map(Number);
    const wallYear = text.includes('BC') ? 1 - Number(year) : Number(year);
    const wall =
      daysFromCivil(wallYear, Number(month), Number(day)) * SECONDS_PER_DAY +
      Number(hour) * 3600 +
      Number(minute) * 60 +
      Number(second);
    return wall - epochSeconds;
  };
}

/** Coordinated Universal Time. */
export const UTC: Zone = new Zone('UTC', () => 0);

const loaded = new Map<string, Zone>([['UTC', UTC]]);

/**
 * The zone with this IANA name (`UTC`, `Europe/Berlin`, `America/New_York`, `Etc/GMT+5`, ...),
 * cached per name.
 *
 * `Local` and the empty name are not accepted: the caller resolves the machine's zone to a name.
 *
 * @param field the setting named in the error, e.g. `CRON_SCHEDULE_TIMEZONE` or `--timezone`.
 * @throws ScheduleError when the name is empty or not a zone the runtime knows.
 */
export function loadZone(name: string, field: string = TIME_ZONE_SETTING): Zone {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  if (name === '' || name === 'Local') {
    throw new ScheduleError(
      field,
      'must name an IANA time zone; resolve the machine zone to its name first',
      name,
    );
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new ScheduleError(field, 'is not a known IANA time zone', name);
  }
  const zone = new Zone(name, intlOffsetReader(format));
  loaded.set(name, zone);
  return zone;
}
