import { pino } from 'pino';

/** A log level, normalised (`warning` becomes `warn`). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

/** The structured logger every module takes; one child per reconcile carries the key. */
export type Logger = pino.Logger;

/**
 * Paths whose values never reach a log line: bearer tokens in metadata, headers or errors.
 * The identity value is not a secret and stays visible, since operators debug with it.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'metadata.authorization',
  'token',
  '*.token',
];

/**
 * A JSON logger to stderr at the configured level (`panic` logs as `fatal`).
 *
 * @param destination - where lines go; tests pass a stream to capture them
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: level === 'panic' ? 'fatal' : level,
      base: { component: 'scheduled-workflow-controller' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
