/**
 * The schedules the benchmark gives its ScheduledWorkflows, and when each run was due, computed
 * with the controller's own cron engine.
 */
import { type CronExpression, parseCron, UTC } from '@swf/controller/domain';

/**
 * A six-field cron expression (seconds first) that fires every `periodSeconds`, at an offset of
 * `index mod periodSeconds` seconds, so that resources 0..period-1 fire one per second and the
 * load is even. `periodSeconds` divides 60, or is whole minutes dividing 60.
 */
export function benchCron(index: number, periodSeconds: number): string {
  const offset = index % periodSeconds;
  if (periodSeconds < 60) return `${offset}/${periodSeconds} * * * * *`;
  if (periodSeconds === 60) return `${offset} * * * * *`;
  const minutes = periodSeconds / 60;
  return `${offset % 60} ${Math.floor(offset / 60)}/${minutes} * * * *`;
}

/**
 * The second a burst is due: the first whole minute at or after `earliestEpoch`, so that every
 * resource's cron can name it with second 0 ("the top of the hour" of an hourly schedule).
 */
export function burstSecond(earliestEpoch: number): number {
  return Math.ceil(earliestEpoch / 60) * 60;
}

/**
 * The six-field cron every resource of a burst shares: second 0 of the minute of `epoch`, every
 * hour, so that after a start less than an hour before `epoch` its first fire is `epoch`.
 *
 * @throws RangeError when `epoch` is not a whole minute.
 */
export function burstCron(epoch: number): string {
  if (epoch % 60 !== 0) throw new RangeError(`a burst is due at second 0 of a minute, not at ${epoch}`);
  return `0 ${new Date(epoch * 1000).getUTCMinutes()} * * * *`;
}

/**
 * The fire times of one cron schedule after its start, in order: the `k`-th run the controller
 * makes (index `k`, counted from 1) was due at the `k`-th fire after the start, since each run is
 * scheduled at the first fire after the previous one (catch-up on, as upstream's default).
 */
export class FireTimes {
  /** The schedule's start (`cronSchedule.startTime`), epoch seconds. */
  readonly startEpoch: number;
  readonly #cron: CronExpression;
  readonly #times: number[] = [];

  constructor(expression: string, startEpoch: number) {
    this.startEpoch = startEpoch;
    this.#cron = parseCron(expression);
  }

  /** Epoch seconds the run with this index (1, 2, ...) was due. */
  due(index: number): number {
    while (this.#times.length < index) {
      const previous = this.#times.at(-1) ?? this.startEpoch;
      const next = this.#cron.next(previous, UTC);
      if (next === null) throw new RangeError(`the schedule has no fire number ${this.#times.length + 1}`);
      this.#times.push(next);
    }
    return this.#times[index - 1] as number;
  }

  /** How many fires fall in `[fromEpoch, toEpoch)`. */
  countIn(fromEpoch: number, toEpoch: number): number {
    let count = 0;
    for (let index = 1; this.due(index) < toEpoch; index += 1) if (this.due(index) >= fromEpoch) count += 1;
    return count;
  }
}

/** The index in a run name `<swf>-<index>-<fnv32a>` (the controller's `nextResourceName`). */
export function runIndexOf(displayName: string): number {
  const match = /-([0-9]+)-[0-9]+$/.exec(displayName);
  if (!match) throw new RangeError(`"${displayName}" is not a run name of the form <name>-<index>-<hash>`);
  return Number(match[1]);
}
