import { CRON_FIELD, parseCron } from './cron.js';
import { loadZone, type WallClock } from './zone.js';

const epoch = (iso: string): number => Date.parse(iso) / 1000;

/** The next `count` activations after `startIso`, as epoch seconds (a `null` ends the list). */
function activations(
  expression: string,
  zoneName: string,
  startIso: string,
  count: number,
): (number | null)[] {
  const cron = parseCron(expression);
  const zone = loadZone(zoneName);
  const result: (number | null)[] = [];
  let after = epoch(startIso);
  while (result.length < count) {
    const next = cron.next(after, zone);
    result.push(next);
    if (next === null) break;
    after = next;
  }
  return result;
}

type Row = [expression: string, zone: string, start: string, expected: (string | null)[]];

const check = (expression: string, zoneName: string, start: string, expected: (string | null)[]) => {
  const want = expected.map((iso) => (iso === null ? null : epoch(iso)));
  expect(activations(expression, zoneName, start, expected.length)).toEqual(want);
};

// Every expected value below was printed by github.com/robfig/cron v1.2.0 (`cron.Parse` then
// repeated `Next`) on Go 1.26 with the system zoneinfo.
const MONDAY = '2024-01-15T10:20:30Z';

describe('parseCron: fields', () => {
  it.each<Row>([
    ['0 * * * * *', 'UTC', MONDAY, ['2024-01-15T10:21:00Z', '2024-01-15T10:22:00Z']],
    ['0 * * * *', 'UTC', MONDAY, ['2024-01-15T10:21:00Z', '2024-01-15T10:22:00Z']],
    ['30 0 12 * *', 'UTC', MONDAY, ['2024-01-15T12:00:30Z', '2024-01-16T12:00:30Z']],
    ['* * * * * *', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    [
      '*/15 * * * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T10:20:45Z', '2024-01-15T10:21:00Z', '2024-01-15T10:21:15Z'],
    ],
    [
      '5/20 * * * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T10:20:45Z', '2024-01-15T10:21:05Z', '2024-01-15T10:21:25Z'],
    ],
    [
      '10-20/5 * * * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T10:21:10Z', '2024-01-15T10:21:15Z', '2024-01-15T10:21:20Z'],
    ],
    [
      '0 0,30 * * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T10:30:00Z', '2024-01-15T11:00:00Z', '2024-01-15T11:30:00Z'],
    ],
    [
      '0 0 9-17 * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T11:00:00Z', '2024-01-15T12:00:00Z', '2024-01-15T13:00:00Z'],
    ],
    ['0 0 0 1,15 * *', 'UTC', MONDAY, ['2024-02-01T00:00:00Z', '2024-02-15T00:00:00Z']],
    ['0 0 0 29 2 *', 'UTC', MONDAY, ['2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z']],
    ['0 0 0 29 2 *', 'UTC', '2095-03-01T00:00:00Z', ['2096-02-29T00:00:00Z']],
    ['+5 * * * * *', 'UTC', MONDAY, ['2024-01-15T10:21:05Z', '2024-01-15T10:22:05Z']],
    ['0\t0  0 * * *', 'UTC', MONDAY, ['2024-01-16T00:00:00Z', '2024-01-17T00:00:00Z']],
    [
      '1,,2 * * * * *',
      'UTC',
      MONDAY,
      ['2024-01-15T10:21:01Z', '2024-01-15T10:21:02Z', '2024-01-15T10:22:01Z'],
    ],
    ['*-5 * * * * *', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
  ])('%j in %s after %s fires at %j', check);
});

describe('parseCron: names and the day-of-month / day-of-week rule', () => {
  it.each<Row>([
    ['0 0 0 * JAN,jul *', 'UTC', MONDAY, ['2024-01-16T00:00:00Z', '2024-01-17T00:00:00Z']],
    ['0 0 12 * fEb mOn', 'UTC', MONDAY, ['2024-02-05T12:00:00Z', '2024-02-12T12:00:00Z']],
    [
      '0 0 0 * * MON-FRI',
      'UTC',
      MONDAY,
      ['2024-01-16T00:00:00Z', '2024-01-17T00:00:00Z', '2024-01-18T00:00:00Z'],
    ],
    ['0 0 0 * * sat', 'UTC', MONDAY, ['2024-01-20T00:00:00Z', '2024-01-27T00:00:00Z']],
    ['0 0 0 ? * SUN', 'UTC', MONDAY, ['2024-01-21T00:00:00Z', '2024-01-28T00:00:00Z']],
    // Both day fields restricted: either may match (the 13th OR a Friday).
    [
      '0 0 0 13 * FRI',
      'UTC',
      MONDAY,
      ['2024-01-19T00:00:00Z', '2024-01-26T00:00:00Z', '2024-02-02T00:00:00Z'],
    ],
    [
      '0 0 0 1-10 * 1',
      'UTC',
      MONDAY,
      ['2024-01-22T00:00:00Z', '2024-01-29T00:00:00Z', '2024-02-01T00:00:00Z'],
    ],
    // `?` counts as `*`, so only the 13th matches.
    ['0 0 0 13 * ?', 'UTC', MONDAY, ['2024-02-13T00:00:00Z', '2024-03-13T00:00:00Z']],
    // `*/10` starts with `*`, which makes robfig require both: days 1, 11, 21, 31 that are Mondays.
    ['0 0 0 */10 * 1', 'UTC', MONDAY, ['2024-03-11T00:00:00Z', '2024-04-01T00:00:00Z']],
  ])('%j in %s after %s fires at %j', check);
});

describe('parseCron: descriptors', () => {
  it.each<Row>([
    ['@yearly', 'UTC', MONDAY, ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z']],
    ['@annually', 'UTC', MONDAY, ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z']],
    ['@monthly', 'UTC', MONDAY, ['2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z']],
    ['@weekly', 'UTC', MONDAY, ['2024-01-21T00:00:00Z', '2024-01-28T00:00:00Z']],
    ['@daily', 'UTC', MONDAY, ['2024-01-16T00:00:00Z', '2024-01-17T00:00:00Z']],
    ['@midnight', 'UTC', MONDAY, ['2024-01-16T00:00:00Z', '2024-01-17T00:00:00Z']],
    ['@hourly', 'UTC', MONDAY, ['2024-01-15T11:00:00Z', '2024-01-15T12:00:00Z']],
    ['@every 1h30m', 'UTC', MONDAY, ['2024-01-15T11:50:30Z', '2024-01-15T13:20:30Z']],
    ['@every 1.5h', 'UTC', MONDAY, ['2024-01-15T11:50:30Z', '2024-01-15T13:20:30Z']],
    ['@every 90s', 'UTC', MONDAY, ['2024-01-15T10:22:00Z', '2024-01-15T10:23:30Z']],
    // Below one second rounds up to one second; sub-second parts are dropped.
    ['@every 500ms', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    ['@every 1500ms', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    ['@every 2h45m30.9s', 'UTC', MONDAY, ['2024-01-15T13:06:00Z', '2024-01-15T15:51:30Z']],
    ['@every 1µs', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    ['@every 0', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    ['@every -1h', 'UTC', MONDAY, ['2024-01-15T10:20:31Z', '2024-01-15T10:20:32Z']],
    // Elapsed time, not wall clock: across a spring-forward the local hour jumps by two.
    [
      '@every 1h',
      'America/New_York',
      '2024-03-09T23:30:00-05:00',
      ['2024-03-10T00:30:00-05:00', '2024-03-10T01:30:00-05:00', '2024-03-10T03:30:00-04:00'],
    ],
  ])('%j in %s after %s fires at %j', check);
});

describe('parseCron: daylight-saving changes', () => {
  it.each<Row>([
    // New York, 2024-03-10: 02:00 EST becomes 03:00 EDT. A skipped wall time is skipped for that day.
    [
      '0 30 2 * * *',
      'America/New_York',
      '2024-03-09T12:00:00-05:00',
      ['2024-03-11T02:30:00-04:00', '2024-03-12T02:30:00-04:00'],
    ],
    [
      '0 0 * * * *',
      'America/New_York',
      '2024-03-10T00:30:00-05:00',
      ['2024-03-10T01:00:00-05:00', '2024-03-10T03:00:00-04:00', '2024-03-10T04:00:00-04:00'],
    ],
    [
      '0 */30 * * * *',
      'America/New_York',
      '2024-03-10T01:00:00-05:00',
      ['2024-03-10T01:30:00-05:00', '2024-03-10T03:00:00-04:00', '2024-03-10T03:30:00-04:00'],
    ],
    [
      '@daily',
      'America/New_York',
      '2024-03-09T12:00:00-05:00',
      ['2024-03-10T00:00:00-05:00', '2024-03-11T00:00:00-04:00'],
    ],
    // New York, 2024-11-03: 02:00 EDT becomes 01:00 EST. A repeated wall time fires twice.
    [
      '0 30 1 * * *',
      'America/New_York',
      '2024-11-02T12:00:00-04:00',
      ['2024-11-03T01:30:00-04:00', '2024-11-03T01:30:00-05:00', '2024-11-04T01:30:00-05:00'],
    ],
    [
      '0 0 * * * *',
      'America/New_York',
      '2024-11-03T00:30:00-04:00',
      ['2024-11-03T01:00:00-04:00', '2024-11-03T01:00:00-05:00', '2024-11-03T02:00:00-05:00'],
    ],
    [
      '0 30 2 * * *',
      'America/New_York',
      '2024-11-02T12:00:00-04:00',
      ['2024-11-03T02:30:00-05:00', '2024-11-04T02:30:00-05:00'],
    ],
    // Berlin, 2024-03-31: 02:00 CET becomes 03:00 CEST.
    [
      '0 30 2 * * *',
      'Europe/Berlin',
      '2024-03-30T12:00:00+01:00',
      ['2024-04-01T02:30:00+02:00', '2024-04-02T02:30:00+02:00'],
    ],
    [
      '0 0 * * * *',
      'Europe/Berlin',
      '2024-03-31T00:30:00+01:00',
      ['2024-03-31T01:00:00+01:00', '2024-03-31T03:00:00+02:00', '2024-03-31T04:00:00+02:00'],
    ],
    // Berlin, 2024-10-27: 03:00 CEST becomes 02:00 CET.
    [
      '0 30 2 * * *',
      'Europe/Berlin',
      '2024-10-26T12:00:00+02:00',
      ['2024-10-27T02:30:00+02:00', '2024-10-27T02:30:00+01:00', '2024-10-28T02:30:00+01:00'],
    ],
    [
      '0 */30 2 * * *',
      'Europe/Berlin',
      '2024-10-27T01:00:00+02:00',
      [
        '2024-10-27T02:00:00+02:00',
        '2024-10-27T02:30:00+02:00',
        '2024-10-27T02:00:00+01:00',
        '2024-10-27T02:30:00+01:00',
        '2024-10-28T02:00:00+01:00',
      ],
    ],
    [
      '0 30 3 * * *',
      'Europe/Berlin',
      '2024-10-26T12:00:00+02:00',
      ['2024-10-27T03:30:00+01:00', '2024-10-28T03:30:00+01:00'],
    ],
    [
      '@hourly',
      'Europe/Berlin',
      '2024-10-27T01:30:00+02:00',
      ['2024-10-27T02:00:00+02:00', '2024-10-27T02:00:00+01:00', '2024-10-27T03:00:00+01:00'],
    ],
    // Havana and Santiago change at midnight, so that day has no midnight and is skipped.
    [
      '0 0 0 * * *',
      'America/Havana',
      '2024-03-09T12:00:00-05:00',
      ['2024-03-11T00:00:00-04:00', '2024-03-12T00:00:00-04:00'],
    ],
    [
      '0 0 0 * * *',
      'America/Santiago',
      '2024-09-06T12:00:00-04:00',
      ['2024-09-07T00:00:00-04:00', '2024-09-09T00:00:00-03:00'],
    ],
    // Lord Howe moves by half an hour; robfig's hour stepping even skips an existing 02:15.
    [
      '0 0 2 * * *',
      'Australia/Lord_Howe',
      '2024-10-05T12:00:00+10:30',
      ['2024-10-07T02:00:00+11:00', '2024-10-08T02:00:00+11:00'],
    ],
    [
      '0 15 2 * * *',
      'Australia/Lord_Howe',
      '2024-04-06T12:00:00+11:00',
      ['2024-04-08T02:15:00+10:30', '2024-04-09T02:15:00+10:30'],
    ],
    // St. John's repeated its midnight in 2000; robfig answers with the first one, before the start.
    ['0 0 0 * * *', 'America/St_Johns', '2000-10-29T02:31:00Z', ['2000-10-29T02:30:00Z']],
    // Samoa skipped 2011-12-30 entirely.
    [
      '0 0 12 * * *',
      'Pacific/Apia',
      '2011-12-28T13:00:00-10:00',
      ['2011-12-29T12:00:00-10:00', '2011-12-31T12:00:00+14:00'],
    ],
  ])('%j in %s after %s fires at %j', check);

  it('refuses to search forever where robfig/cron never returns (a day-of-week search across a skipped day)', () => {
    const cron = parseCron('0 0 0 * * 6');
    expect(() => cron.next(epoch('2011-12-27T12:00:00-10:00'), loadZone('Pacific/Apia'))).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: CRON_FIELD,
        rule: expect.stringContaining('Pacific/Apia'),
      }),
    );
  });
});

describe('parseCron: nothing within five years', () => {
  it.each<[string, string]>([
    ['0 0 0 30 2 *', MONDAY],
    ['0 0 0 31 4,6,9,11 *', MONDAY],
    [', * * * * *', MONDAY],
    ['0 0 0 ? * ,', MONDAY],
    // 2100 is not a leap year: the next February 29 after 2096 is eight years away.
    ['0 0 0 29 2 *', '2096-03-01T00:00:00Z'],
  ])('%j after %s gives null', (expression, start) => {
    expect(parseCron(expression).next(epoch(start), loadZone('UTC'))).toBeNull();
  });
});

describe('parseCron: errors', () => {
  it.each([
    ['', 'must not be empty'],
    ['* * * *', 'must have 5 or 6 fields'],
    ['* * * * * * *', 'must have 5 or 6 fields'],
    ['60 * * * * *', 'seconds "60": 60 is above the maximum 59'],
    ['0 60 * * * *', 'minutes "60": 60 is above the maximum 59'],
    ['0 0 24 * * *', 'hours "24": 24 is above the maximum 23'],
    ['0 0 0 0 * *', 'day of month "0": 0 is below the minimum 1'],
    ['0 0 0 32 * *', 'day of month "32": 32 is above the maximum 31'],
    ['0 0 0 * 13 *', 'month "13": 13 is above the maximum 12'],
    ['0 0 0 * * 7', 'day of week "7": 7 is above the maximum 6'],
    ['5-1 * * * * *', 'the range starts at 5, after its end 1'],
    ['0 0 0 * DEC-JAN *', 'the range starts at 12, after its end 1'],
    ['*/0 * * * * *', 'the step must be a positive number'],
    ['1-2-3 * * * * *', 'too many hyphens'],
    ['1/2/3 * * * * *', 'too many slashes'],
    ['-1 * * * * *', '"" is not a number'],
    ['*/-5 * * * * *', 'negative number -5 is not allowed'],
    ['x * * * * *', '"x" is not a number'],
    ['0 0 0 * * MONDAY', '"MONDAY" is not a number'],
    ['0 0 0 * constructor *', '"constructor" is not a number'],
    ['0 0 0 * * __proto__', '"__proto__" is not a number'],
    ['99999999999999999999 * * * * *', 'is out of range'],
    ['@Daily', 'is not a known descriptor'],
    ['@reboot', 'is not a known descriptor'],
    ['@every', 'is not a known descriptor'],
    ['@daily ', 'is not a known descriptor'],
    ['@every ', 'no value in duration ""'],
    ['@every 1', 'missing unit in duration "1"'],
    ['@every 1h30', 'missing unit'],
    ['@every 10x', 'unknown unit "x"'],
    ['@every 1constructor', 'unknown unit "constructor"'],
    ['@every 1h ', 'unknown unit "h "'],
    ['@every .h', 'expected a number'],
    ['@every  1h', 'expected a number'],
    ['@every 2562048h', 'overflow'],
    ['@every 9223372036854775808ns', 'overflow'],
  ])('rejects %j: %s', (expression, rule) => {
    expect(() => parseCron(expression)).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: CRON_FIELD,
        rule: expect.stringContaining(rule),
        message: expect.stringContaining(`${CRON_FIELD} ${JSON.stringify(expression)}: `),
      }),
    );
  });

  it('names the field the caller gives', () => {
    expect(() => parseCron('nope', 'spec.cron')).toThrow(expect.objectContaining({ field: 'spec.cron' }));
  });
});

describe('parseCron: activations match their expression', () => {
  const between = (value: number, low: number, high: number) => value >= low && value <= high;
  // Predicates written independently of the parser; `hourly` marks those cheap enough to scan
  // second by second for an earlier match.
  const cases: [string, (wall: WallClock) => boolean, boolean][] = [
    ['0 */15 * * * *', (w) => w.second === 0 && w.minute % 15 === 0, true],
    ['*/20 30-40 * * * *', (w) => w.second % 20 === 0 && between(w.minute, 30, 40), true],
    [
      '30 5 9-17 * * MON-FRI',
      (w) => w.second === 30 && w.minute === 5 && between(w.hour, 9, 17) && between(w.weekday, 1, 5),
      false,
    ],
    ['0 0 0 1,15 * *', (w) => w.second + w.minute + w.hour === 0 && (w.day === 1 || w.day === 15), false],
    [
      '0 0 12 13 * FRI',
      (w) => w.hour === 12 && w.minute + w.second === 0 && (w.day === 13 || w.weekday === 5),
      false,
    ],
    [
      '0 0 6 */2 * 1',
      (w) => w.hour === 6 && w.minute + w.second === 0 && w.day % 2 === 1 && w.weekday === 1,
      false,
    ],
    ['15,45 * * * 2 *', (w) => (w.second === 15 || w.second === 45) && w.month === 2, false],
    ['@hourly', (w) => w.minute === 0 && w.second === 0, true],
  ];
  let seed = 20240115;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const starts = Array.from({ length: 40 }, () => Math.floor(946684800 + random() * 1_262_304_000));

  it.each(['UTC', 'America/New_York', 'Europe/Berlin'])('in %s, next is later and matches', (zoneName) => {
    const zone = loadZone(zoneName);
    const failures: string[] = [];
    for (const [expression, matches] of cases) {
      const cron = parseCron(expression);
      for (const start of starts) {
        const next = cron.next(start, zone);
        if (next === null || next <= start || !matches(zone.wallClock(next)))
          failures.push(`${expression} @${start}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('in UTC, nothing between the start and next matches', () => {
    const zone = loadZone('UTC');
    const failures: string[] = [];
    for (const [expression, matches] of cases.filter(([, , hourly]) => hourly)) {
      const cron = parseCron(expression);
      for (const start of starts) {
        const next = cron.next(start, zone) ?? start;
        for (let second = start + 1; second < next; second += 1) {
          if (matches(zone.wallClock(second))) failures.push(`${expression} @${start}: ${second}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
