import {
  nextPeriodicEpoch,
  nextPeriodicEpochNoCatchup,
  PERIODIC_FIELD,
  type PeriodicTrigger,
  resolvePeriodicTrigger,
} from './periodic.js';

const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/** Upstream's fixture: start 10:00, end 11:00 (1970-01-01 UTC), every minute. */
const START_END = resolvePeriodicTrigger({
  startTime: iso(10 * HOUR),
  endTime: iso(11 * HOUR),
  intervalSecond: MINUTE,
});

describe('nextPeriodicEpoch (upstream getNextScheduledEpoch)', () => {
  it.each<[string, PeriodicTrigger, number, number | null]>([
    // TestPeriodicSchedule_getNextScheduledEpoch_StartDate_EndDate
    ['the first run is at the start time', START_END, 0, 10 * HOUR],
    ['a later run is one interval after the last', START_END, 10 * HOUR + 5 * MINUTE, 10 * HOUR + 6 * MINUTE],
    ['no run after the end time', START_END, 13 * HOUR, null],
    // TestPeriodicSchedule_getNextScheduledEpoch_PeriodOnly
    [
      'without start or end, one interval on',
      resolvePeriodicTrigger({ intervalSecond: MINUTE }),
      10 * HOUR,
      10 * HOUR + MINUTE,
    ],
    // TestPeriodicSchedule_getNextScheduledEpoch_NoPeriod
    [
      'an interval of 0 means one second',
      resolvePeriodicTrigger({ startTime: iso(10 * HOUR), endTime: iso(11 * HOUR), intervalSecond: 0 }),
      10 * HOUR,
      10 * HOUR + SECOND,
    ],
    // TestPeriodicSchedule_TestStarttime
    [
      'a start time with a numeric offset is the first run',
      resolvePeriodicTrigger({ startTime: '2012-11-01T22:00:00+00:00', intervalSecond: MINUTE * 60 * 24 }),
      0,
      Date.UTC(2012, 10, 1, 22) / 1000,
    ],
    // Own cases.
    ['a run exactly at the end time is allowed', START_END, 11 * HOUR - MINUTE, 11 * HOUR],
    ['an absent interval means one second', resolvePeriodicTrigger({}), 100, 101],
  ])('%s', (_name, trigger, lastJobEpoch, expected) => {
    expect(nextPeriodicEpoch(trigger, lastJobEpoch)).toBe(expected);
  });
});

describe('nextPeriodicEpochNoCatchup (upstream GetNextScheduledEpochNoCatchup, last run given)', () => {
  // TestPeriodicSchedule_GetNextScheduledEpochNoCatchup: start 10:10, end 11:00, every minute,
  // last run 10:20. The cases without a last run are in schedule.test.ts.
  const trigger = resolvePeriodicTrigger({
    startTime: iso(10 * HOUR + 10 * MINUTE),
    endTime: iso(11 * HOUR),
    intervalSecond: 60,
  });
  const last = 10 * HOUR + 20 * MINUTE;

  it.each<[string, number, number | null]>([
    ['not yet time for the next run', 10 * HOUR + 20 * MINUTE + 30 * SECOND, 10 * HOUR + 21 * MINUTE],
    ['exactly time for the next run', 10 * HOUR + 21 * MINUTE, 10 * HOUR + 21 * MINUTE],
    ['shortly after the next run was due', 10 * HOUR + 21 * MINUTE + 30 * SECOND, 10 * HOUR + 21 * MINUTE],
    ['behind schedule: run now', 10 * HOUR + 30 * MINUTE, 10 * HOUR + 30 * MINUTE],
    ['behind schedule past the end time: run at the end time', 12 * HOUR, 11 * HOUR],
  ])('%s', (_name, nowEpoch, expected) => {
    expect(nextPeriodicEpochNoCatchup(trigger, last, nowEpoch)).toBe(expected);
  });

  it('stays never once the end time has passed', () => {
    expect(nextPeriodicEpochNoCatchup(trigger, 11 * HOUR, 12 * HOUR)).toBeNull();
  });
});

describe('resolvePeriodicTrigger', () => {
  it('reads start and end times as epoch seconds', () => {
    expect(
      resolvePeriodicTrigger({
        startTime: '2024-01-01T00:00:00Z',
        endTime: '2024-01-02T01:00:00+01:00',
        intervalSecond: 5,
      }),
    ).toEqual({ startEpoch: 1704067200, endEpoch: 1704153600, intervalSecond: 5 });
  });

  it.each<[string, Parameters<typeof resolvePeriodicTrigger>[0], string, string]>([
    ['a negative interval', { intervalSecond: -60 }, 'intervalSecond', 'at least 1'],
    ['a fractional interval', { intervalSecond: 1.5 }, 'intervalSecond', 'whole number'],
    ['an interval that is not a number', { intervalSecond: Number.NaN }, 'intervalSecond', 'whole number'],
    ['an unparseable start time', { startTime: 'yesterday', intervalSecond: 1 }, 'startTime', 'RFC 3339'],
    [
      'an unparseable end time',
      { endTime: '2024-13-01T00:00:00Z', intervalSecond: 1 },
      'endTime',
      'out of range',
    ],
    [
      'an end time before the start time',
      { startTime: '2024-01-02T00:00:00Z', endTime: '2024-01-01T00:00:00Z', intervalSecond: 1 },
      'endTime',
      'must not be before',
    ],
  ])('rejects %s', (_name, schedule, field, rule) => {
    expect(() => resolvePeriodicTrigger(schedule)).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: `${PERIODIC_FIELD}.${field}`,
        rule: expect.stringContaining(rule),
      }),
    );
  });
});
