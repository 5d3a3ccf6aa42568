import { loadZone, UTC, type WallClock, Zone } from './zone.js';

describe('Zone.instant', () => {
  // Expected instants printed by Go 1.26 `time.Date(...).Unix()` with the system zoneinfo.
  it.each<[string, [number, number, number, number, number, number], number, string]>([
    ['America/New_York', [2024, 3, 10, 2, 30, 0], 1710052200, 'skipped 02:30 goes back to 01:30 EST'],
    ['America/New_York', [2024, 3, 10, 2, 0, 0], 1710050400, 'skipped 02:00 goes back to 01:00 EST'],
    ['America/New_York', [2024, 3, 10, 3, 0, 0], 1710054000, 'first summer-time wall time'],
    ['America/New_York', [2024, 11, 3, 1, 30, 0], 1730611800, 'repeated 01:30 is the first (EDT)'],
    ['America/New_York', [2024, 11, 3, 0, 59, 59], 1730609999, 'last second before the repeat'],
    ['America/New_York', [2024, 11, 3, 2, 0, 0], 1730617200, 'first wall time after the repeat'],
    ['Europe/Berlin', [2024, 3, 31, 2, 30, 0], 1711848600, 'skipped 02:30 goes on to 03:30 CEST'],
    ['Europe/Berlin', [2024, 3, 31, 2, 0, 0], 1711846800, 'skipped 02:00 goes on to 03:00 CEST'],
    ['Europe/Berlin', [2024, 10, 27, 2, 30, 0], 1729992600, 'repeated 02:30 is the second (CET)'],
    ['Europe/Berlin', [2024, 10, 27, 3, 0, 0], 1729994400, 'first wall time after the repeat'],
    [
      'America/Havana',
      [2024, 3, 10, 0, 0, 0],
      1710043200,
      'skipped midnight goes back to 23:00 the day before',
    ],
    ['Australia/Lord_Howe', [2024, 10, 6, 2, 15, 0], 1728143100, 'half-hour gap goes on to 02:45'],
    ['Australia/Lord_Howe', [2024, 4, 7, 1, 45, 0], 1712416500, 'half-hour repeat is the second one'],
    ['Pacific/Apia', [2011, 12, 30, 0, 0, 0], 1325152800, 'a skipped calendar day lands on the day before'],
    ['Pacific/Apia', [2011, 12, 30, 12, 0, 0], 1325282400, 'noon of the skipped day lands on the day after'],
    ['UTC', [2024, 13, 1, 0, 0, 0], 1735689600, 'month 13 is January of the next year'],
    ['UTC', [2024, 0, 1, 0, 0, 0], 1701388800, 'month 0 is December of the year before'],
    ['UTC', [2023, 25, 1, 0, 0, 0], 1735689600, 'month 25 carries two years'],
    ['UTC', [2023, -11, 1, 0, 0, 0], 1640995200, 'month -11 carries back a year'],
    ['UTC', [2024, 2, 30, 0, 0, 0], 1709251200, 'February 30 is March 1 in a leap year'],
    ['UTC', [2024, 1, 0, 0, 0, 0], 1703980800, 'day 0 is the last day of the month before'],
    ['UTC', [2024, 1, 1, 24, 0, 0], 1704153600, 'hour 24 is midnight of the next day'],
    ['UTC', [2024, 1, 1, 0, 0, -1], 1704067199, 'second -1 is the last second of the day before'],
    ['UTC', [2024, 1, 1, 0, 90, 0], 1704072600, 'minute 90 carries into the hour'],
    ['Asia/Kolkata', [2024, 1, 1, 0, 0, 0], 1704047400, 'half-hour offset'],
    ['Asia/Kathmandu', [2024, 1, 1, 0, 0, 0], 1704046500, 'quarter-hour offset'],
    ['Europe/Berlin', [1900, 1, 1, 0, 0, 0], -2208992400, 'before the Unix epoch'],
    ['UTC', [1, 1, 1, 0, 0, 0], -62135596800, "Go's zero time"],
  ])('%s %j is %d (%s)', (zoneName, [year, month, day, hour, minute, second], expected) => {
    expect(loadZone(zoneName).instant(year, month, day, hour, minute, second)).toBe(expected);
  });
});

describe('Zone.wallClock and offsetAt', () => {
  // Expected fields printed by Go 1.26 `time.Unix(u, 0).In(loc)`.
  it.each<[string, number, number, Omit<WallClock, 'yearDay'>]>([
    [
      'America/New_York',
      1710054000,
      -14400,
      { year: 2024, month: 3, day: 10, hour: 3, minute: 0, second: 0, weekday: 0 },
    ],
    [
      'America/New_York',
      1710053999,
      -18000,
      { year: 2024, month: 3, day: 10, hour: 1, minute: 59, second: 59, weekday: 0 },
    ],
    [
      'Europe/Berlin',
      1729990800,
      3600,
      { year: 2024, month: 10, day: 27, hour: 2, minute: 0, second: 0, weekday: 0 },
    ],
    [
      'Asia/Kathmandu',
      0,
      19800,
      { year: 1970, month: 1, day: 1, hour: 5, minute: 30, second: 0, weekday: 4 },
    ],
    [
      'Australia/Lord_Howe',
      1712415600,
      37800,
      { year: 2024, month: 4, day: 7, hour: 1, minute: 30, second: 0, weekday: 0 },
    ],
    ['UTC', -62135596800, 0, { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 1 }],
    ['UTC', 951782400, 0, { year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0, weekday: 2 }],
    [
      'America/St_Johns',
      1700000000,
      -12600,
      { year: 2023, month: 11, day: 14, hour: 18, minute: 43, second: 20, weekday: 2 },
    ],
  ])('%s at %d has offset %d and wall clock %j', (zoneName, epoch, offset, wall) => {
    const zone = loadZone(zoneName);
    expect(zone.offsetAt(epoch)).toBe(offset);
    expect(zone.wallClock(epoch)).toMatchObject(wall);
  });

  it('maps the wall clock of every hour of a year back to it, except the first of a repeated hour', () => {
    const zone = loadZone('Europe/Berlin');
    const start = Date.UTC(2023, 0, 1) / 1000;
    const mismatches: number[] = [];
    for (let epoch = start; epoch < start + 365 * 86_400; epoch += 3600) {
      const { year, month, day, hour, minute, second } = zone.wallClock(epoch);
      if (zone.instant(year, month, day, hour, minute, second) !== epoch) mismatches.push(epoch);
    }
    // Only the repeated hour at the autumn change maps back to its other occurrence.
    expect(mismatches).toEqual([Date.UTC(2023, 9, 29, 0) / 1000]);
  });
});

describe('Zone offset cache', () => {
  const change = 1_000_000_007;
  const steps = (epoch: number) => (epoch < change ? 0 : epoch < change + 600 ? 3600 : 7200);

  it('finds offset changes to the second, even two within one day', () => {
    const zone = new Zone('Test/Steps', steps);
    expect([change - 1, change, change + 599, change + 600].map((epoch) => zone.offsetAt(epoch))).toEqual([
      0, 3600, 3600, 7200,
    ]);
  });

  it('finds a change that is undone two days later', () => {
    const twoDays = 2 * 86_400;
    const zone = new Zone('Test/Blip', (epoch) => (epoch >= change && epoch < change + twoDays ? 3600 : 0));
    expect(
      [change - 1, change, change + twoDays - 1, change + twoDays].map((epoch) => zone.offsetAt(epoch)),
    ).toEqual([0, 3600, 3600, 0]);
  });

  it('reports the stretch over which the offset holds', () => {
    const zone = new Zone('Test/Steps', steps);
    expect(zone.periodAt(change + 10)).toEqual({ start: change, end: change + 600, offset: 3600 });
  });

  it('reads the true offset only while building a chunk, not on every lookup', () => {
    let reads = 0;
    const zone = new Zone('Test/Counted', (epoch) => {
      reads += 1;
      return steps(epoch);
    });
    zone.offsetAt(change);
    const afterFirst = reads;
    for (let epoch = change; epoch < change + 100_000; epoch += 97) zone.offsetAt(epoch);
    expect(afterFirst).toBeGreaterThan(0);
    expect(reads).toBe(afterFirst);
  });

  it('has UTC at offset 0 for all time', () => {
    expect([-1e11, 0, 1e11].map((epoch) => UTC.offsetAt(epoch))).toEqual([0, 0, 0]);
  });
});

describe('loadZone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Etc/GMT+5', 'Asia/Kolkata'])('loads %s', (name) => {
    expect(loadZone(name).name).toBe(name);
  });

  it('returns the same cached zone for the same name', () => {
    expect(loadZone('Asia/Tokyo')).toBe(loadZone('Asia/Tokyo'));
  });

  it.each([
    ['Mars/Olympus_Mons', 'is not a known IANA time zone'],
    ['America/New_York ', 'is not a known IANA time zone'],
    ['+05:00', 'is not a known IANA time zone'],
    ['', 'must name an IANA time zone'],
    ['Local', 'must name an IANA time zone'],
  ])('rejects %j: %s', (name, rule) => {
    expect(() => loadZone(name)).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: 'CRON_SCHEDULE_TIMEZONE',
        rule: expect.stringContaining(rule),
        message: expect.stringContaining(JSON.stringify(name)),
      }),
    );
  });

  it('names the setting the caller gives', () => {
    expect(() => loadZone('Nowhere/Town', '--timezone')).toThrow(
      expect.objectContaining({ field: '--timezone' }),
    );
  });
});
