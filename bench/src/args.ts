/**
 * The command line of `pnpm bench`: `[run] [--n N] [--seconds S] [--period P] [--qps Q] [--burst B]
 * [--namespaces K] [--resync R] [--cpu-prof] [--bundle | --controller PATH] [--node-flags "F..."]
 * [--out DIR]`, `cron [--ms M] [--out DIR]`, or
 * `summary [--out DIR]`.
 */

/** A flag of `pnpm bench` breaks a rule. */
export class BenchArgumentError extends Error {
  override readonly name = 'BenchArgumentError';

  constructor(
    /** The flag at fault, e.g. `--n`. */
    readonly flag: string,
    /** The rule it breaks. */
    readonly rule: string,
  ) {
    super(`${flag}: ${rule}`);
  }
}

/** Settings of the end-to-end benchmark. */
export interface EndToEndArgs {
  readonly command: 'run';
  /** ScheduledWorkflows to create. */
  readonly n: number;
  /** Length of the measured steady-state window (whole periods, so each resource fires equally often). */
  readonly seconds: number;
  /** Seconds between two fires of one ScheduledWorkflow. */
  readonly periodSeconds: number;
  /** The controller's `CLIENT_QPS`. */
  readonly qps: number;
  /** The controller's `CLIENT_BURST`. */
  readonly burst: number;
  /** Namespaces the ScheduledWorkflows are spread over (one KFP experiment each). */
  readonly namespaces: number;
  /** The controller's `RESYNC_INTERVAL_SECONDS`. */
  readonly resyncSeconds: number;
  /** Run the controller with `--cpu-prof`, writing the profile next to the results. */
  readonly cpuProfile: boolean;
  /** Extra flags for the controller's node, e.g. `--max-old-space-size=160` (`--node-flags "..."`). */
  readonly nodeFlags: readonly string[];
  /** A controller CLI to run instead of the built one (e.g. another build, for an A/B comparison). */
  readonly controllerPath: string | null;
  /** Run the single-file bundle the image ships (`dist/bundle/swf-controller.mjs`) instead of `dist/bin.js`. */
  readonly bundle: boolean;
  /** Folder the results JSON goes to. */
  readonly outDir: string;
}

/** Settings of the cron micro-benchmark. */
export interface CronArgs {
  readonly command: 'cron';
  /** Milliseconds spent timing each engine on each expression and zone. */
  readonly msPerCase: number;
  /** Folder the results JSON goes to. */
  readonly outDir: string;
}

/** Print the newest result of each kind in a folder as Markdown tables. */
export interface SummaryArgs {
  readonly command: 'summary';
  /** Folder the results JSON files are in. */
  readonly outDir: string;
}

/** What `pnpm bench` was asked to do. */
export type BenchArgs = EndToEndArgs | CronArgs | SummaryArgs;

const COMMANDS = ['run', 'cron', 'summary'] as const;

/** Where results go unless `--out` says otherwise (relative to the bench package). */
export const DEFAULT_OUT_DIR = 'results';

/**
 * Seconds between fires when `--period` is not given: 10 s at 100 resources, then as many seconds
 * as keep the whole stack at about 17 fires a second (60 s at 1,000, 600 s at 10,000). On two
 * cores the API server, etcd, the KFP API double and the controller together sustain about 45
 * fires a second, so a faster schedule measures a backlog, not lateness (`--period` asks for one).
 */
export function defaultPeriodSeconds(n: number): number {
  if (n <= 100) return 10;
  return n <= 1_000 ? 60 : 600;
}

/** The window when `--seconds` is not given: whole periods, at least a minute. */
export function defaultSeconds(periodSeconds: number): number {
  return Math.ceil(60 / periodSeconds) * periodSeconds;
}

/**
 * Client QPS when `--qps` is not given: room for four writes per fire (a fire takes two: the status
 * update and the event), and for the first pass (one status write per resource) to take about 20 s;
 * at least 50.
 */
export function defaultQps(n: number, periodSeconds: number): number {
  return Math.max(50, Math.ceil((4 * n) / periodSeconds), Math.ceil(n / 20));
}

const FLAGS = [
  '--n',
  '--seconds',
  '--period',
  '--qps',
  '--burst',
  '--namespaces',
  '--resync',
  '--ms',
  '--out',
  '--node-flags',
  '--controller',
] as const;
const SWITCHES = ['--cpu-prof', '--bundle'] as const;

type Flag = (typeof FLAGS)[number];

/**
 * Parses the arguments after `pnpm bench`. Flags take `--name value` or `--name=value`.
 *
 * @throws BenchArgumentError naming the flag and the rule broken.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const values = new Map<Flag, string>();
  const switches = new Set<string>();
  let command: (typeof COMMANDS)[number] = 'run';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (i === 0 && (COMMANDS as readonly string[]).includes(arg)) {
      command = arg as (typeof COMMANDS)[number];
      continue;
    }
    if ((SWITCHES as readonly string[]).includes(arg)) {
      switches.add(arg);
      continue;
    }
    const [name, inline] = splitFlag(arg);
    if (!(FLAGS as readonly string[]).includes(name)) {
      throw new BenchArgumentError(
        name,
        `is not a flag of pnpm bench (${[...FLAGS, ...SWITCHES].join(' ')})`,
      );
    }
    if (inline === undefined) i += 1;
    const value = inline ?? argv[i];
    if (value === undefined) throw new BenchArgumentError(name, 'needs a value');
    values.set(name as Flag, value);
  }
  const outDir = values.get('--out') ?? DEFAULT_OUT_DIR;
  if (command === 'summary') return { command, outDir };
  if (command === 'cron') return { command, msPerCase: integer(values, '--ms', 300, 10), outDir };
  const n = integer(values, '--n', 100, 1);
  const periodSeconds = period(integer(values, '--period', defaultPeriodSeconds(n), 1));
  const qps = integer(values, '--qps', defaultQps(n, periodSeconds), 1);
  return {
    command,
    n,
    seconds: integer(values, '--seconds', defaultSeconds(periodSeconds), 1),
    periodSeconds,
    qps,
    burst: integer(values, '--burst', 2 * qps, 1),
    namespaces: integer(values, '--namespaces', Math.min(10, n), 1),
    resyncSeconds: integer(values, '--resync', 30, 1),
    cpuProfile: switches.has('--cpu-prof'),
    bundle: switches.has('--bundle'),
    nodeFlags: (values.get('--node-flags') ?? '').split(/\s+/).filter(Boolean),
    controllerPath: values.get('--controller') ?? null,
    outDir,
  };
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

function integer(values: ReadonlyMap<Flag, string>, flag: Flag, fallback: number, min: number): number {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) throw new BenchArgumentError(flag, `must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min) throw new BenchArgumentError(flag, `must be at least ${min}, got ${value}`);
  return value;
}

/** Periods a cron expression can spread evenly: a divisor of a minute, or whole minutes dividing an hour. */
function period(seconds: number): number {
  const fitsMinute = 60 % seconds === 0;
  const fitsHour = seconds % 60 === 0 && 3600 % seconds === 0;
  if (!fitsMinute && !fitsHour) {
    throw new BenchArgumentError(
      '--period',
      `must divide 60, or be whole minutes dividing 60, got ${seconds}`,
    );
  }
  return seconds;
}
