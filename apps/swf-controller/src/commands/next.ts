import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TIMEZONE_ENV } from '@swf/contract';
import { parse as parseYaml } from 'yaml';
import { ConfigError, resolveZone } from '../config/config.js';
import { formatKubeTime, planReconcile, type ScheduledWorkflow } from '../domain/index.js';
import { nextScheduledEpoch } from '../domain/schedule/index.js';

/** Usage of `swf-controller next`. */
export const NEXT_USAGE = `swf-controller next --file <swf.yaml|json> [--now <epoch|RFC 3339>] [--active N] [--timezone Z] [--count K]

Prints one JSON line: when the ScheduledWorkflow fires next and whether it would run now.
  --file      a ScheduledWorkflow as YAML or JSON (status.trigger and the annotations
              scheduledworkflows.kubeflow.org/time-zone, starting-deadline-seconds and run-now
              are honoured as the controller honours them)
  --now       the time to decide at (default: now)
  --active    runs currently active, for maxConcurrency (default 0)
  --timezone  IANA zone for cron schedules when the resource names none in its time-zone
              annotation (default: $${TIMEZONE_ENV}, else the machine's zone)
  --count     also list the next K fire times, assuming each one runs (default 1)
The line also has "skippedTicks" when ticks are past the starting deadline, and "runNow" with a
run-now value not honoured yet (the controller starts that run at once).
Exit 0 on success, 1 when the schedule is invalid (the line then has "error"), 2 on bad arguments.`;

/** One answer of `next`. */
export interface NextAnswer {
  nextScheduledEpoch: number | null;
  shouldRunNow: boolean;
  nextScheduledTime?: string | null;
  upcoming?: number[];
  timezone?: string;
  /** Ticks the controller would skip at `--now`, past the starting deadline. */
  skippedTicks?: { count: number; first: string; last: string; more: boolean };
  /** A `run-now` value not honoured yet. */
  runNow?: string;
  error?: string;
}

/**
 * Runs `next`: reads the resource, decides with the pure schedule code, returns the answer and
 * the exit code.
 *
 * @throws ConfigError (exit 2) for bad arguments or an unreadable file
 */
export async function nextCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  nowMs: number,
): Promise<{ answer: NextAnswer; exitCode: 0 | 1 }> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        file: { type: 'string' },
        now: { type: 'string' },
        active: { type: 'string' },
        timezone: { type: 'string' },
        count: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new ConfigError('next', (error as Error).message);
  }
  if (!values.file) throw new ConfigError('--file', 'is required: the ScheduledWorkflow to evaluate');
  const swf = await readResource(values.file);
  const nowEpoch = values.now === undefined ? Math.floor(nowMs / 1000) : parseNow(values.now);
  const active = parseCount(values.active ?? '0', '--active', 0);
  const count = parseCount(values.count ?? '1', '--count', 1);
  const controllerZone =
    values.timezone === undefined
      ? resolveZone(env[TIMEZONE_ENV] ?? '', TIMEZONE_ENV, env)
      : resolveZone(values.timezone, '--timezone');
  const plan = planReconcile(swf, [], { nowEpoch, zone: controllerZone, alsoActive: active });
  if (plan.kind === 'invalid') {
    return {
      answer: { nextScheduledEpoch: null, shouldRunNow: false, error: plan.error.message },
      exitCode: 1,
    };
  }
  const { decision, skips, zone } = plan;
  const epoch = decision.nextScheduledEpoch;
  const answer: NextAnswer = {
    nextScheduledEpoch: epoch,
    shouldRunNow: decision.shouldRunNow,
    nextScheduledTime: epoch === null ? null : formatKubeTime(epoch),
    timezone: zone.name,
    ...(skips && {
      skippedTicks: {
        count: skips.ticks.count,
        first: formatKubeTime(skips.ticks.firstEpoch),
        last: formatKubeTime(skips.ticks.lastEpoch),
        more: skips.ticks.more,
      },
    }),
    ...(plan.kind === 'start' && plan.runNow !== null && { runNow: plan.runNow }),
  };
  if (count > 1) answer.upcoming = upcoming(swf, epoch, count, (s) => nextScheduledEpoch(s, 0, zone));
  return { answer, exitCode: 0 };
}

/** The next `count` fire times, each computed as if the previous one had run. */
function upcoming(
  swf: ScheduledWorkflow,
  first: number | null,
  count: number,
  next: (swf: ScheduledWorkflow) => number | null,
): number[] {
  const times: number[] = [];
  let current = first;
  let resource = swf;
  while (current !== null && times.length < count) {
    times.push(current);
    resource = {
      ...resource,
      status: {
        ...resource.status,
        trigger: { ...resource.status?.trigger, lastTriggeredTime: formatKubeTime(current) },
      },
    };
    current = next(resource);
  }
  return times;
}

async function readResource(path: string): Promise<ScheduledWorkflow> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      '--file',
      `cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      '--file',
      `"${path}" is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const swf = parsed as Partial<ScheduledWorkflow> | null;
  if (!swf || typeof swf !== 'object' || typeof swf.spec !== 'object' || swf.spec === null) {
    throw new ConfigError('--file', `"${path}" is not a ScheduledWorkflow (no spec object)`);
  }
  return { ...swf, metadata: swf.metadata ?? {}, spec: swf.spec } as ScheduledWorkflow;
}

function parseNow(text: string): number {
  if (/^-?\d+$/.test(text.trim())) return Number(text.trim());
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new ConfigError('--now', `must be Unix seconds or an RFC 3339 time, got "${text}"`);
  }
  return Math.floor(ms / 1000);
}

function parseCount(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > 10_000) {
    throw new ConfigError(flag, `must be an integer from ${min} to 10000, got "${text}"`);
  }
  return Number(text);
}
