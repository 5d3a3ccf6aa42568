/**
 * The cron engines the micro-benchmark compares, behind one shape: compile an expression once for a
 * zone, then ask for the next fire after an instant.
 */
import { loadZone, parseCron } from '@swf/controller/domain';
import { CronExpressionParser } from 'cron-parser';
import { Cron } from 'croner';

/** An expression compiled for one zone. */
export interface CompiledCron {
  /** The first fire strictly after `afterMs`, epoch ms; `null` when there is none. */
  next(afterMs: number): number | null;
}

/** A cron engine under test. */
export interface CronEngine {
  readonly name: string;
  /** The compiled expression, or `null` when the engine rejects it. */
  compile(expression: string, zone: string): CompiledCron | null;
}

/** The controller's engine (robfig/cron v1 semantics), working in whole seconds. */
export const OURS: CronEngine = {
  name: 'ours',
  compile(expression, zoneName) {
    const cron = parseCron(expression);
    const zone = loadZone(zoneName);
    return {
      next(afterMs) {
        const next = cron.next(Math.floor(afterMs / 1000), zone);
        return next === null ? null : next * 1000;
      },
    };
  },
};

/** cron-parser 5: one parsed expression, reset to each instant. */
export const CRON_PARSER: CronEngine = {
  name: 'cron-parser',
  compile(expression, zone) {
    let parsed: ReturnType<typeof CronExpressionParser.parse>;
    try {
      parsed = CronExpressionParser.parse(expression, { tz: zone, strict: false });
    } catch {
      return null;
    }
    return {
      next(afterMs) {
        parsed.reset(new Date(afterMs));
        try {
          return parsed.next().getTime();
        } catch {
          return null;
        }
      },
    };
  },
};

/** croner 11: one paused job, asked for the run after each instant. */
export const CRONER: CronEngine = {
  name: 'croner',
  compile(expression, zone) {
    let job: Cron;
    try {
      job = new Cron(expression, { timezone: zone, paused: true });
    } catch {
      return null;
    }
    return {
      next(afterMs) {
        return job.nextRun(new Date(afterMs))?.getTime() ?? null;
      },
    };
  },
};

/** Every engine, ours first. */
export const ENGINES: readonly CronEngine[] = [OURS, CRON_PARSER, CRONER];

/**
 * The expressions timed: six fields, seconds first, as ScheduledWorkflows write them; the last two
 * only robfig/cron's dialect has.
 */
export const BENCH_EXPRESSIONS: readonly string[] = [
  '*/15 * * * * *',
  '0 * * * * *',
  '0 0 * * * *',
  '0 */5 8-18 * * *',
  '0 30 9 * * 1-5',
  '30 0 2 * * *',
  '0 0 6 * * SUN',
  '0 0 12 1,15 * *',
  '0 0 0 1 * *',
  '0 0 0 29 2 *',
  '@hourly',
  '@every 90s',
];

/** UTC, and a zone with daylight-saving changes. */
export const BENCH_ZONES: readonly string[] = ['UTC', 'America/New_York'];

/** The days of 2025 on which America/New_York changes its offset, in UTC. */
const DST_CHANGE_DAYS = [Date.UTC(2025, 2, 9), Date.UTC(2025, 10, 2)];

/**
 * `count` instants spread over the year 2025, then one every half hour across each day with a
 * daylight-saving change (where engines differ), each at an odd second so none sits on a fire.
 */
export function benchInstants(count: number): number[] {
  const start = Date.UTC(2025, 0, 1);
  const year = 365 * 86_400_000;
  const spread = Array.from(
    { length: count },
    (_, i) => start + Math.floor((i * year) / count) + (i % 60) * 1000,
  );
  const halfHours = DST_CHANGE_DAYS.flatMap((day) =>
    Array.from({ length: 96 }, (_, i) => day - 12 * 3_600_000 + i * 1_800_000),
  );
  return [...spread, ...halfHours].map((at) => at + 7);
}
