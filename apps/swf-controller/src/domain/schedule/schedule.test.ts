import { loadZone, type Zone } from '@swf/go-time';
import type { ScheduledWorkflow, ScheduledWorkflowSpec } from '../types.js';
import {
  decideSchedule,
  isOneOffRun,
  MAX_SKIPPED_TICKS,
  maxConcurrency,
  maxHistory,
  nextScheduledEpoch,
} from './schedule.js';

const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();
const epoch = (text: string): number => Date.parse(text) / 1000;
const UTC = loadZone('UTC');
const LOS_ANGELES = loadZone('America/Los_Angeles');

/** A resource as the API server stores it; times as RFC 3339 strings. */
function swf(
  spec: ScheduledWorkflowSpec,
  times: { created?: number; lastTriggered?: number } = { created: 9 * HOUR },
): ScheduledWorkflow {
  return {
    metadata: {
      name: 'SCHEDULE1',
      ...(times.created === undefined ? {} : { creationTimestamp: iso(times.created) }),
    },
    spec,
    ...(times.lastTriggered === undefined
      ? {}
      : { status: { trigger: { lastTriggeredTime: iso(times.lastTriggered) } } }),
  };
}

const errorFor = (field: string, rule: string) =>
  expect.objectContaining({ name: 'ScheduleError', field, rule: expect.stringContaining(rule) });

describe('maxConcurrency (TestScheduledWorkflow_maxConcurrency)', () => {
  it.each<[string, number | undefined, number]>([
    ['defaults to 1', undefined, 1],
    ['raises values below 1 to 1', 0, 1],
    ['lowers values above 10 to 10', 2000000, 10],
    ['keeps values in range', 5, 5],
  ])('%s', (_name, value, expected) => {
    expect(maxConcurrency(swf({ maxConcurrency: value }))).toBe(expected);
  });
});

describe('maxHistory (TestScheduledWorkflow_maxHistory)', () => {
  it.each<[string, number | undefined, number]>([
    ['defaults to 10', undefined, 10],
    ['keeps 0', 0, 0],
    ['lowers values above 100 to 100', 2000000, 100],
    ['raises negative values to 0', -5, 0],
    ['keeps values in range', 50, 50],
  ])('%s', (_name, value, expected) => {
    expect(maxHistory(swf({ maxHistory: value }))).toBe(expected);
  });
});

describe('isOneOffRun (TestScheduledWorkflow_isOneOffRun)', () => {
  it.each<[string, ScheduledWorkflowSpec, boolean]>([
    ['no trigger', {}, true],
    ['an empty trigger', { trigger: {} }, true],
    ['a cron trigger', { trigger: { cronSchedule: {} } }, false],
    ['a periodic trigger', { trigger: { periodicSchedule: {} } }, false],
  ])('%s: %s', (_name, spec, expected) => {
    expect(isOneOffRun(swf(spec))).toBe(expected);
  });
});

type DecisionRow = [
  name: string,
  resource: ScheduledWorkflow,
  inputs: { nowEpoch: number; activeWorkflowCount: number; zone: Zone },
  expected: { nextScheduledEpoch: number | null; shouldRunNow: boolean },
];

describe('decideSchedule (upstream GetNextScheduledEpoch)', () => {
  const created = 9 * HOUR;
  const everyMinute: ScheduledWorkflowSpec = {
    enabled: true,
    maxConcurrency: 10,
    trigger: { cronSchedule: { cron: '0 * * * * *' } },
  };
  const periodic: ScheduledWorkflowSpec = {
    enabled: true,
    maxConcurrency: 10,
    trigger: { periodicSchedule: { intervalSecond: 60 } },
  };
  const laCreated = epoch('2006-01-01T16:04:05-08:00');
  const at15: ScheduledWorkflowSpec = {
    enabled: true,
    maxConcurrency: 10,
    trigger: { cronSchedule: { cron: '* * 15 * * *' } },
  };

  it.each<DecisionRow>([
    // TestScheduledWorkflow_GetNextScheduledEpoch_OneTimeRun
    [
      'one-off: runs at creation',
      swf({ enabled: true }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: created, shouldRunNow: true },
    ],
    [
      'one-off: never again once it has run',
      swf({ enabled: true }, { created, lastTriggered: 11 * HOUR }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: null, shouldRunNow: false },
    ],
    [
      'one-off: not before its time',
      swf({ enabled: true }),
      { nowEpoch: 1 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: created, shouldRunNow: false },
    ],
    [
      'one-off: not while disabled',
      swf({ enabled: false }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: created, shouldRunNow: false },
    ],
    [
      'one-off: not while a workflow is active',
      swf({ enabled: true }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 1, zone: UTC },
      { nextScheduledEpoch: created, shouldRunNow: false },
    ],
    // TestScheduledWorkflow_GetNextScheduledEpoch_CronSchedule
    [
      'cron: runs when due',
      swf(everyMinute),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 9, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: true },
    ],
    [
      'cron: not before its time',
      swf(everyMinute),
      { nowEpoch: 3 * HOUR, activeWorkflowCount: 9, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: false },
    ],
    [
      'cron: not at the concurrency limit',
      swf(everyMinute),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 10, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: false },
    ],
    // TestScheduledWorkflow_GetNextScheduledEpoch_PeriodicSchedule
    [
      'periodic: runs when due',
      swf(periodic),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 9, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: true },
    ],
    [
      'periodic: not before its time',
      swf(periodic),
      { nowEpoch: 3 * HOUR, activeWorkflowCount: 9, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: false },
    ],
    [
      'periodic: not at the concurrency limit',
      swf(periodic),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 10, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: false },
    ],
    // TestScheduledWorkflow_GetNextScheduledEpoch_CronScheduleTimeZone
    [
      'cron in Los Angeles: 15:00 local the day after creation',
      swf(at15, { created: laCreated }),
      { nowEpoch: epoch('2006-01-03T14:04:05-08:00'), activeWorkflowCount: 9, zone: LOS_ANGELES },
      { nextScheduledEpoch: epoch('2006-01-02T15:00:00-08:00'), shouldRunNow: true },
    ],
    // TestScheduledWorkflow_GetNextScheduledEpoch_CronScheduleTimeZoneEndTime
    [
      'cron in Los Angeles: never when the end time comes first',
      swf(
        {
          ...at15,
          trigger: {
            cronSchedule: { cron: '* * 15 * * *', endTime: iso(epoch('2006-01-02T14:34:05-08:00')) },
          },
        },
        { created: laCreated },
      ),
      { nowEpoch: epoch('2006-01-02T14:04:05-08:00'), activeWorkflowCount: 9, zone: LOS_ANGELES },
      { nextScheduledEpoch: null, shouldRunNow: false },
    ],
    // TestScheduledWorkflow_GetNextScheduledEpoch_CronSchedule_Fail: in UTC, 15:00 is UTC's, not Los Angeles'.
    [
      'cron in UTC: 15:00 UTC',
      swf(at15, { created: laCreated }),
      { nowEpoch: epoch('2006-01-03T14:04:05-08:00'), activeWorkflowCount: 9, zone: UTC },
      { nextScheduledEpoch: epoch('2006-01-02T15:00:00Z'), shouldRunNow: true },
    ],
    // Own cases.
    [
      'runs when the next run is due exactly now',
      swf(periodic),
      { nowEpoch: 9 * HOUR + MINUTE, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: true },
    ],
    [
      'does not run when enabled is unset',
      swf({ trigger: { periodicSchedule: { intervalSecond: 60 } } }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + MINUTE, shouldRunNow: false },
    ],
    [
      'uses the periodic trigger when both are set',
      swf({
        enabled: true,
        trigger: { periodicSchedule: { intervalSecond: 7 }, cronSchedule: { cron: '@daily' } },
      }),
      { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC },
      { nextScheduledEpoch: 9 * HOUR + 7, shouldRunNow: true },
    ],
  ])('%s', (_name, resource, inputs, expected) => {
    expect(decideSchedule(resource, inputs)).toEqual({ ...expected, skipped: null });
  });

  it('gives a different time in UTC than in Los Angeles (TestScheduledWorkflow_GetNextScheduledEpoch_CronSchedule_Fail)', () => {
    const inputs = { nowEpoch: epoch('2006-01-03T14:04:05-08:00'), activeWorkflowCount: 9 };
    const resource = swf(at15, { created: laCreated });
    expect(decideSchedule(resource, { ...inputs, zone: UTC }).nextScheduledEpoch).not.toBe(
      epoch('2006-01-03T15:00:00-08:00'),
    );
  });
});

describe('decideSchedule: starting deadline', () => {
  // Last run at 10:00; the controller decides at 10:05:30, the ticks of 10:01 to 10:05 missed.
  const last = 10 * HOUR;
  const now = 10 * HOUR + 5 * MINUTE + 30;
  const everyMinute = (more: ScheduledWorkflowSpec = {}): ScheduledWorkflowSpec => ({
    enabled: true,
    maxConcurrency: 10,
    trigger: { cronSchedule: { cron: '0 * * * * *' } },
    ...more,
  });
  const everyInterval = (
    intervalSecond: number,
    more: ScheduledWorkflowSpec = {},
  ): ScheduledWorkflowSpec => ({
    enabled: true,
    maxConcurrency: 10,
    trigger: { periodicSchedule: { intervalSecond } },
    ...more,
  });
  const tick = (minute: number) => 10 * HOUR + minute * MINUTE;
  const skips = (count: number, first: number, lastSkipped: number, more = false) => ({
    count,
    firstEpoch: first,
    lastEpoch: lastSkipped,
    more,
  });

  it.each<
    [
      name: string,
      spec: ScheduledWorkflowSpec,
      inputs: { nowEpoch?: number; deadline: number | null; active?: number },
      expected: { nextScheduledEpoch: number | null; shouldRunNow: boolean; skipped: unknown },
    ]
  >([
    [
      'no deadline: the oldest missed tick runs, late (upstream)',
      everyMinute(),
      { deadline: null },
      { nextScheduledEpoch: tick(1), shouldRunNow: true, skipped: null },
    ],
    [
      'catch-up: skips the ticks older than the deadline and runs the first within it',
      everyMinute(),
      { deadline: 60 },
      { nextScheduledEpoch: tick(5), shouldRunNow: true, skipped: skips(4, tick(1), tick(4)) },
    ],
    [
      'catch-up: skips every missed tick when none is within the deadline, and waits',
      everyMinute(),
      { deadline: 10 },
      { nextScheduledEpoch: tick(6), shouldRunNow: false, skipped: skips(5, tick(1), tick(5)) },
    ],
    [
      'catch-up: a tick exactly the deadline late still runs',
      everyMinute(),
      { deadline: 30 },
      { nextScheduledEpoch: tick(5), shouldRunNow: true, skipped: skips(4, tick(1), tick(4)) },
    ],
    [
      'catch-up: a deadline of 0 runs a tick decided in its own second',
      everyMinute(),
      { nowEpoch: tick(1), deadline: 0 },
      { nextScheduledEpoch: tick(1), shouldRunNow: true, skipped: null },
    ],
    [
      'catch-up: a deadline of 0 skips a tick one second late',
      everyMinute(),
      { nowEpoch: tick(1) + 1, deadline: 0 },
      { nextScheduledEpoch: tick(2), shouldRunNow: false, skipped: skips(1, tick(1), tick(1)) },
    ],
    [
      'no catch-up: the collapsed tick runs when within the deadline',
      everyMinute({ noCatchup: true }),
      { deadline: 60 },
      { nextScheduledEpoch: tick(5), shouldRunNow: true, skipped: null },
    ],
    [
      'no catch-up: the collapsed tick is skipped when too late, and the schedule waits',
      everyMinute({ noCatchup: true }),
      { deadline: 10 },
      { nextScheduledEpoch: tick(6), shouldRunNow: false, skipped: skips(1, tick(5), tick(5)) },
    ],
    [
      'periodic, catch-up: as cron',
      everyInterval(60),
      { deadline: 60 },
      { nextScheduledEpoch: tick(5), shouldRunNow: true, skipped: skips(4, tick(1), tick(4)) },
    ],
    [
      'periodic, no catch-up: a whole missed interval runs now (its tick is now), not skipped',
      everyInterval(60, { noCatchup: true }),
      { deadline: 10 },
      { nextScheduledEpoch: now, shouldRunNow: true, skipped: null },
    ],
    [
      'periodic, no catch-up: a tick late by less than its interval but more than the deadline is skipped',
      everyInterval(600, { noCatchup: true }),
      { nowEpoch: tick(10) + 30, deadline: 10 },
      { nextScheduledEpoch: tick(20), shouldRunNow: false, skipped: skips(1, tick(10), tick(10)) },
    ],
    [
      'stops at the end time: every tick skipped, never again',
      everyMinute({ trigger: { cronSchedule: { cron: '0 * * * * *', endTime: iso(tick(3)) } } }),
      { deadline: 10 },
      { nextScheduledEpoch: null, shouldRunNow: false, skipped: skips(3, tick(1), tick(3)) },
    ],
    [
      'skips nothing while disabled (a disabled schedule writes nothing)',
      everyMinute({ enabled: false }),
      { deadline: 10 },
      { nextScheduledEpoch: tick(1), shouldRunNow: false, skipped: null },
    ],
    [
      'skips nothing while held back by maxConcurrency: the tick is judged when its turn comes',
      everyMinute({ maxConcurrency: 1 }),
      { deadline: 10, active: 1 },
      { nextScheduledEpoch: tick(1), shouldRunNow: false, skipped: null },
    ],
  ])('%s', (_name, spec, inputs, expected) => {
    const decision = decideSchedule(swf(spec, { created: 9 * HOUR, lastTriggered: last }), {
      nowEpoch: inputs.nowEpoch ?? now,
      activeWorkflowCount: inputs.active ?? 0,
      zone: UTC,
      startingDeadlineSeconds: inputs.deadline,
    });
    expect(decision).toEqual(expected);
  });

  it('does not apply to a one-off run, which is not a tick', () => {
    const decision = decideSchedule(swf({ enabled: true }, { created: 9 * HOUR }), {
      nowEpoch: now,
      activeWorkflowCount: 0,
      zone: UTC,
      startingDeadlineSeconds: 10,
    });
    expect(decision).toEqual({ nextScheduledEpoch: 9 * HOUR, shouldRunNow: true, skipped: null });
  });

  it('skips at most MAX_SKIPPED_TICKS in one decision, and the rest from the last one skipped', () => {
    const everySecond: ScheduledWorkflowSpec = {
      enabled: true,
      trigger: { cronSchedule: { cron: '* * * * * *' } },
    };
    const inputs = { nowEpoch: 14 * HOUR, activeWorkflowCount: 0, zone: UTC, startingDeadlineSeconds: 5 };
    const first = decideSchedule(swf(everySecond, { created: 9 * HOUR, lastTriggered: last }), inputs);
    expect(first).toEqual({
      nextScheduledEpoch: last + MAX_SKIPPED_TICKS + 1,
      shouldRunNow: false,
      skipped: skips(MAX_SKIPPED_TICKS, last + 1, last + MAX_SKIPPED_TICKS, true),
    });
    const lastSkipped = first.skipped?.lastEpoch as number;
    const second = decideSchedule(
      swf(everySecond, { created: 9 * HOUR, lastTriggered: lastSkipped }),
      inputs,
    );
    // Every tick before 13:59:55 is more than 5 s late: 14,394 in all.
    expect(second).toEqual({
      nextScheduledEpoch: 14 * HOUR - 5,
      shouldRunNow: true,
      skipped: skips(4 * HOUR - 6 - MAX_SKIPPED_TICKS, lastSkipped + 1, 14 * HOUR - 6),
    });
  });

  it('reads the ticks in the zone it is given (the time-zone annotation)', () => {
    // 09:30 every day: in Kolkata (UTC+05:30) that is 04:00 UTC.
    const daily: ScheduledWorkflowSpec = {
      enabled: true,
      trigger: { cronSchedule: { cron: '0 30 9 * * *' } },
    };
    const resource = swf(daily, { created: epoch('2026-03-01T00:00:00Z') });
    const inputs = { nowEpoch: epoch('2026-03-01T00:00:00Z'), activeWorkflowCount: 0 };
    expect(decideSchedule(resource, { ...inputs, zone: loadZone('Asia/Kolkata') }).nextScheduledEpoch).toBe(
      epoch('2026-03-01T04:00:00Z'),
    );
    expect(decideSchedule(resource, { ...inputs, zone: UTC }).nextScheduledEpoch).toBe(
      epoch('2026-03-01T09:30:00Z'),
    );
  });
});

describe('nextScheduledEpoch: which last run counts', () => {
  // Upstream TestCronSchedule_GetNextScheduledTime, TestCronSchedule_GetNextScheduledTimeNoCatchup,
  // TestPeriodicSchedule_GetNextScheduledEpoch and TestPeriodicSchedule_GetNextScheduledEpochNoCatchup:
  // start 10:10, end 11:00, every minute; the last run at 10:20; created (the default start) at 10:15.
  const window = { startTime: iso(10 * HOUR + 10 * MINUTE), endTime: iso(11 * HOUR) };
  const triggers = {
    cron: { cronSchedule: { ...window, cron: '0 * * * * * ' } },
    periodic: { periodicSchedule: { ...window, intervalSecond: 60 } },
  };
  const noStart = {
    cron: { cronSchedule: { endTime: iso(11 * HOUR), cron: '0 * * * * * ' } },
    periodic: { periodicSchedule: { endTime: iso(11 * HOUR), intervalSecond: 60 } },
  };
  const everyMinuteTriggers = {
    cron: { cronSchedule: { cron: '0 * * * * *' } },
    periodic: { periodicSchedule: { intervalSecond: 60 } },
  };
  const created = 10 * HOUR + 15 * MINUTE;
  const lastTriggered = 10 * HOUR + 20 * MINUTE;

  describe.each(['cron', 'periodic'] as const)('%s trigger', (kind) => {
    it.each<[string, ScheduledWorkflow, number, number | null]>([
      [
        'after the last run',
        swf({ trigger: triggers[kind] }, { created, lastTriggered }),
        0,
        10 * HOUR + 21 * MINUTE,
      ],
      [
        'without a last run, after the start time',
        swf({ trigger: triggers[kind] }, { created }),
        0,
        10 * HOUR + 11 * MINUTE,
      ],
      [
        'without a start time, after creation',
        swf({ trigger: noStart[kind] }, { created }),
        0,
        10 * HOUR + 16 * MINUTE,
      ],
      [
        'no catch-up, not yet time for the next run',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created, lastTriggered }),
        10 * HOUR + 20 * MINUTE + 30 * SECOND,
        10 * HOUR + 21 * MINUTE,
      ],
      [
        'no catch-up, exactly time for the next run',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created, lastTriggered }),
        10 * HOUR + 21 * MINUTE,
        10 * HOUR + 21 * MINUTE,
      ],
      [
        'no catch-up, shortly after the next run was due',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created, lastTriggered }),
        10 * HOUR + 21 * MINUTE + 30 * SECOND,
        10 * HOUR + 21 * MINUTE,
      ],
      [
        'no catch-up, behind schedule',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created, lastTriggered }),
        10 * HOUR + 30 * MINUTE,
        10 * HOUR + 30 * MINUTE,
      ],
      [
        'no catch-up, behind schedule past the end time',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created, lastTriggered }),
        12 * HOUR,
        11 * HOUR,
      ],
      [
        'no catch-up, without a last run, after the start time',
        swf({ noCatchup: true, trigger: triggers[kind] }, { created }),
        0,
        10 * HOUR + 11 * MINUTE,
      ],
      [
        'no catch-up, without a start time, after creation',
        swf({ noCatchup: true, trigger: noStart[kind] }, { created }),
        0,
        10 * HOUR + 16 * MINUTE,
      ],
      [
        'after a run just made (upstream UpdateStatus asks with now = 0)',
        swf({ trigger: everyMinuteTriggers[kind] }, { created: 9 * HOUR, lastTriggered: 10 * HOUR }),
        0,
        10 * HOUR + MINUTE,
      ],
    ])('%s', (_name, resource, nowEpoch, expected) => {
      expect(nextScheduledEpoch(resource, nowEpoch, UTC)).toBe(expected);
    });
  });

  it('reads cron times in the given zone (TestCronSchedule_GetNextScheduledTime_LocationsEnvSet)', () => {
    const shanghai = loadZone('Asia/Shanghai');
    const trigger = {
      cronSchedule: {
        startTime: '2010-01-11T10:00:00+08:00',
        endTime: '2010-01-11T11:00:00+08:00',
        cron: '0 * * * * * ',
      },
    };
    const created = epoch('2010-01-11T10:15:00+08:00');
    expect(
      nextScheduledEpoch(
        swf({ trigger }, { created, lastTriggered: epoch('2010-01-11T10:20:00+08:00') }),
        0,
        shanghai,
      ),
    ).toBe(epoch('2010-01-11T10:21:00+08:00'));
    expect(nextScheduledEpoch(swf({ trigger }, { created }), 0, shanghai)).toBe(
      epoch('2010-01-11T10:01:00+08:00'),
    );
  });

  it('treats a null lastTriggeredTime as no run yet', () => {
    const resource: ScheduledWorkflow = {
      metadata: { creationTimestamp: iso(9 * HOUR) },
      spec: { trigger: { periodicSchedule: { intervalSecond: 60 } } },
      status: { trigger: { lastTriggeredTime: null as unknown as string } },
    };
    expect(nextScheduledEpoch(resource, 0, UTC)).toBe(9 * HOUR + MINUTE);
  });

  it('needs no creation time once a run has been made', () => {
    expect(nextScheduledEpoch(swf({ trigger: triggers.periodic }, { lastTriggered }), 0, UTC)).toBe(
      10 * HOUR + 21 * MINUTE,
    );
  });
});

describe('decideSchedule: loud where upstream is silent', () => {
  const inputs = { nowEpoch: 10 * HOUR, activeWorkflowCount: 0, zone: UTC };

  it.each<[string, ScheduledWorkflow, string, string]>([
    [
      'an invalid cron expression (upstream never fires)',
      swf({ enabled: true, trigger: { cronSchedule: { cron: '*$&%*(W&' } } }),
      'spec.trigger.cronSchedule.cron',
      'must have 5 or 6 fields',
    ],
    [
      'a cron expression that never matches (upstream fires on every sync)',
      swf({ enabled: true, trigger: { cronSchedule: { cron: '0 0 0 30 2 *' } } }),
      'spec.trigger.cronSchedule.cron',
      'matches no time',
    ],
    [
      'a negative interval (upstream schedules each run before the last)',
      swf({ enabled: true, trigger: { periodicSchedule: { intervalSecond: -60 } } }),
      'spec.trigger.periodicSchedule.intervalSecond',
      'at least 1',
    ],
    [
      'an unparseable start time',
      swf({ enabled: true, trigger: { cronSchedule: { cron: '@daily', startTime: 'tomorrow' } } }),
      'spec.trigger.cronSchedule.startTime',
      'RFC 3339',
    ],
    [
      'an unparseable last run time',
      {
        metadata: { creationTimestamp: iso(0) },
        spec: { enabled: true },
        status: { trigger: { lastTriggeredTime: '10:00' } },
      },
      'status.trigger.lastTriggeredTime',
      'RFC 3339',
    ],
    [
      'a missing creation time when it is needed',
      swf({ enabled: true }, {}),
      'metadata.creationTimestamp',
      'is required',
    ],
  ])('throws for %s', (_name, resource, field, rule) => {
    expect(() => decideSchedule(resource, inputs)).toThrow(errorFor(field, rule));
  });
});
