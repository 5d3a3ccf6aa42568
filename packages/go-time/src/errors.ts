/**
 * A schedule setting or resource field breaks a rule: an unparseable cron expression or time, a
 * negative interval, an unknown time zone, a cron expression that never matches.
 *
 * Where the upstream controller logs and then never fires (or fires on every sync), this error is
 * raised instead, so the resource or the controller reports what is wrong.
 */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';

  constructor(
    /** The resource field or setting at fault, e.g. `spec.trigger.cronSchedule.cron`. */
    readonly field: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
    /** The offending value, quoted in the message when given (schedule values are never secret). */
    readonly value?: string,
  ) {
    super(value === undefined ? `${field}: ${rule}` : `${field} ${JSON.stringify(value)}: ${rule}`);
  }
}
