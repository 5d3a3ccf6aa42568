import { CRON_FIELD, loadZone } from '@swf/go-time';
import {
  CRON_TRIGGER_FIELD,
  nextCronEpoch,
  nextCronEpochNoCatchup,
  resolveCronTrigger,
} from './cron-trigger.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();
const utc = loadZone('UTC');

describe('nextCronEpoch (upstream getNextScheduledTime)', () => {
  // TestCronSchedule_getNextScheduledTime_Cron_StartDate_EndDate
  const startEnd = resolveCronTrigger({
    startTime: iso(10 * HOUR),
    endTime: iso(11 * HOUR),
    cron: '0 * * * * * ',
  });

  it.each<[string, number, number | null]>([
    ['the first run is one activation after the start time', 0, 10 * HOUR + MINUTE],
    ['a later run is the activation after the last', 10 * HOUR + 5 * MINUTE, 10 * HOUR + 6 * MINUTE],
    ['no run after the end time', 13 * HOUR, null],
    ['a run exactly at the end time is allowed', 11 * HOUR - MINUTE, 11 * HOUR],
  ])('%s', (_name, lastJobEpoch, expected) => {
    expect(nextCronEpoch(startEnd, lastJobEpoch, utc)).toBe(expected);
  });

  it('without start or end, fires at the next activation (TestCronSchedule_getNextScheduledTime_CronOnly)', () => {
    expect(nextCronEpoch(resolveCronTrigger({ cron: '0 * * * * * ' }), 10 * HOUR, utc)).toBe(
      10 * HOUR + MINUTE,
    );
  });

  it('reads the expression in the zone it is given', () => {
    const trigger = resolveCronTrigger({ cron: '0 0 9 * * *' });
    expect(nextCronEpoch(trigger, Date.parse('2024-06-01T12:00:00Z') / 1000, loadZone('Asia/Tokyo'))).toBe(
      Date.parse('2024-06-02T09:00:00+09:00') / 1000,
    );
  });

  it('throws where the expression matches nothing, which upstream turns into a run on every sync', () => {
    expect(() => nextCronEpoch(resolveCronTrigger({ cron: '0 0 0 30 2 *' }), 0, utc)).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: CRON_FIELD,
        rule: expect.stringContaining('matches no time within five years'),
      }),
    );
  });
});

describe('nextCronEpochNoCatchup', () => {
  it('collapses missed activations into the last one due', () => {
    const trigger = resolveCronTrigger({ cron: '0 */5 * * * *' });
    expect(nextCronEpochNoCatchup(trigger, 10 * HOUR, 10 * HOUR + 17 * MINUTE, utc)).toBe(
      10 * HOUR + 15 * MINUTE,
    );
  });

  it('stops at the last activation the expression has, where upstream would step onto the zero time', () => {
    const trigger = resolveCronTrigger({ cron: '0 0 0 29 2 *' });
    const leapDay2096 = Date.parse('2096-02-29T00:00:00Z') / 1000;
    expect(
      nextCronEpochNoCatchup(trigger, leapDay2096 - HOUR, Date.parse('2110-01-01T00:00:00Z') / 1000, utc),
    ).toBe(leapDay2096);
  });
});

describe('resolveCronTrigger', () => {
  it.each<[string, Parameters<typeof resolveCronTrigger>[0], string, string]>([
    // TestCronSchedule_getNextScheduledTime_NoCron: upstream logs and never fires.
    [
      'an empty expression',
      { startTime: iso(10 * HOUR), endTime: iso(11 * HOUR), cron: '' },
      'cron',
      'must not be empty',
    ],
    ['a missing expression', {}, 'cron', 'must not be empty'],
    // TestCronSchedule_getNextScheduledTime_InvalidCron: upstream logs and never fires.
    ['an invalid expression', { cron: '*$&%*(W&' }, 'cron', 'must have 5 or 6 fields'],
    [
      'an unparseable start time',
      { cron: '@daily', startTime: '2024-01-01 00:00:00' },
      'startTime',
      'RFC 3339',
    ],
    [
      'an end time before the start time',
      { cron: '@daily', startTime: '2024-01-02T00:00:00Z', endTime: '2024-01-01T00:00:00Z' },
      'endTime',
      'must not be before',
    ],
  ])('rejects %s', (_name, schedule, field, rule) => {
    expect(() => resolveCronTrigger(schedule)).toThrow(
      expect.objectContaining({
        name: 'ScheduleError',
        field: `${CRON_TRIGGER_FIELD}.${field}`,
        rule: expect.stringContaining(rule),
      }),
    );
  });
});
