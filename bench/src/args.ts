/**
 * The command line of `pnpm bench`: `[run] [--burst | --idle] [--path latest|embedded] [--n N]
 * [--seconds S] [--period P] [--qps Q|install] [--client-burst B] [--namespaces K] [--resync R]
 * [--cpu-prof] [--no-bundle | --controller PATH | --upstream PATH] [--node-flags "F..."] [--out DIR]`,
 * `cron [--ms M] [--out DIR]`, or `summary [--out DIR]`.
 */

/** A flag of `pnpm bench` breaks a rule. */
export class BenchArgumentError extends Error {
  /** The flag at fault, e.g. `--n`. */
  readonly flag: string;
  /** The rule it breaks. */
  readonly rule: string;
  override readonly name = 'BenchArgumentError';

  constructor(flag: string, rule: string) {
    super(`${flag}: ${rule}`);
    this.flag = flag;
    this.rule = rule;
  }
}

/**
 * What the end-to-end benchmark measures: `steady` firing spread evenly over each period, a
 * `burst` of every resource due on one second, or `idle` resources that should cost nothing.
 */
export type Scenario = 'steady' | 'burst' | 'idle';

/**
 * How a fire becomes a run: `latest` (a pipeline ID and no embedded spec: the controller calls
 * `CreateRun` and the API server, here its double, creates the Workflow) or `embedded` (an Argo
 * spec in the resource: the controller creates the Workflow itself).
 */
export type RunPath = 'latest' | 'embedded';

/** The controller's client-side rate limit on Kubernetes calls. */
export interface ClientLimits {
  /** `CLIENT_QPS`. */
  readonly qps: number;
  /** `CLIENT_BURST`. */
  readonly burst: number;
}

/**
 * Where a client limit came from: the generated install's Deployment, a flag, or the benchmark's
 * own default for the scenario.
 */
export type LimitSource = 'install' | 'flag' | 'bench';

/** Settings of the end-to-end benchmark. */
export interface EndToEndArgs {
  readonly command: 'run';
  readonly scenario: Scenario;
  readonly path: RunPath;
  /** ScheduledWorkflows to create. */
  readonly n: number;
  /**
   * Steady and idle: length of the measured window. Burst: the longest wait, after the scheduled
   * second, for the burst's runs.
   */
  readonly seconds: number;
  /** Seconds between two fires of one ScheduledWorkflow (a burst's cron fires once an hour). */
  readonly periodSeconds: number;
  /** The controller's `CLIENT_QPS`. */
  readonly qps: number;
  /** The controller's `CLIENT_BURST`. */
  readonly burst: number;
  /** Where {@link qps} and {@link burst} came from. */
  readonly qpsFrom: LimitSource;
  readonly burstFrom: LimitSource;
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
  /**
   * The upstream Go controller's binary to run instead of ours (`--upstream PATH`), with upstream's
   * flags, for a side-by-side comparison on the same control plane and workload.
   */
  readonly upstreamPath: string | null;
  /**
   * Run the single-file bundle the image ships (`dist/bundle/swf-controller.mjs`) with the node
   * flags the image sets (the default), else `dist/bin.js` (`--no-bundle`). False with `--controller`.
   */
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
const PATHS: readonly RunPath[] = ['latest', 'embedded'];

/** Where results go unless `--out` says otherwise (relative to the bench package). */
export const DEFAULT_OUT_DIR = 'results';

/** The value of `--qps` that takes `CLIENT_QPS` and `CLIENT_BURST` from the generated install. */
export const INSTALL_QPS = 'install';

/** A burst's cron fires once an hour, so the measured burst is the only fire of each resource. */
export const BURST_PERIOD_SECONDS = 3600;

/** Resyncs an idle window spans unless `--seconds` says otherwise. */
export const IDLE_RESYNCS = 12;

/** Seconds between fires of the idle scenario's disabled and blocked resources unless `--period` says. */
export const IDLE_PERIOD_SECONDS = 60;

/** The idle scenario's resync unless `--resync` says: short, so a window spans many of them. */
export const IDLE_RESYNC_SECONDS = 5;

/** The upstream controller's (and the install's) `RESYNC_INTERVAL_SECONDS`. */
export const DEFAULT_RESYNC_SECONDS = 30;

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

/**
 * The idle scenario's client QPS when `--qps` is not given: room for two writes per resource per
 * resync, so that the limiter does not hide writes the controller wants to make; at least 50.
 */
export function defaultIdleQps(n: number, resyncSeconds: number): number {
  return Math.max(50, Math.ceil((2 * n) / resyncSeconds));
}

/**
 * How long a burst may take to arrive when `--seconds` is not given: five writes per fire at the
 * client QPS (the most a fire costs on either path), plus 30 s; at least a minute.
 */
export function defaultBurstWaitSeconds(n: number, qps: number): number {
  return Math.max(60, Math.ceil((5 * n) / qps) + 30);
}

const FLAGS = [
  '--n',
  '--seconds',
  '--period',
  '--qps',
  '--client-burst',
  '--path',
  '--namespaces',
  '--resync',
  '--ms',
  '--out',
  '--node-flags',
  '--controller',
  '--upstream',
] as const;
const SWITCHES = ['--burst', '--idle', '--cpu-prof', '--bundle', '--no-bundle'] as const;

type Flag = (typeof FLAGS)[number];

/** What a switch means, for the error a value after it gets. */
const SWITCH_HINTS: Readonly<Record<string, string>> = {
  '--burst': 'takes no value: it is the burst scenario; the controller CLIENT_BURST is --client-burst B',
};

/**
 * Parses the arguments after `pnpm bench`. Flags take `--name value` or `--name=value`; switches
 * take nothing. `install` holds the generated install's client limits, for `--qps install` and the
 * burst scenario's default.
 *
 * @throws BenchArgumentError naming the flag and the rule broken.
 */
export function parseBenchArgs(argv: readonly string[], install: ClientLimits): BenchArgs {
  const values = new Map<Flag, string>();
  const switches = new Set<string>();
  let command: (typeof COMMANDS)[number] = 'run';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (i === 0 && (COMMANDS as readonly string[]).includes(arg)) {
      command = arg as (typeof COMMANDS)[number];
      continue;
    }
    const [name, inline] = splitFlag(arg);
    if ((SWITCHES as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new BenchArgumentError(name, SWITCH_HINTS[name] ?? 'takes no value');
      switches.add(name);
      continue;
    }
    if (!(FLAGS as readonly string[]).includes(name)) {
      const previous = argv[i - 1] ?? '';
      if (SWITCH_HINTS[previous] && !name.startsWith('--')) {
        throw new BenchArgumentError(previous, SWITCH_HINTS[previous]);
      }
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
  return endToEndArgs(values, switches, install, outDir);
}

function endToEndArgs(
  values: ReadonlyMap<Flag, string>,
  switches: ReadonlySet<string>,
  install: ClientLimits,
  outDir: string,
): EndToEndArgs {
  const scenario = scenarioOf(switches);
  const controllerPath = values.get('--controller') ?? null;
  if (controllerPath !== null && switches.has('--bundle')) {
    throw new BenchArgumentError('--controller', 'runs another CLI; leave out --bundle');
  }
  const upstreamPath = upstream(values, switches);
  if (switches.has('--bundle') && switches.has('--no-bundle')) {
    throw new BenchArgumentError('--no-bundle', 'contradicts --bundle');
  }
  const n = integer(values, '--n', 100, 1);
  const resyncSeconds = integer(
    values,
    '--resync',
    scenario === 'idle' ? IDLE_RESYNC_SECONDS : DEFAULT_RESYNC_SECONDS,
    1,
  );
  const periodSeconds = scenarioPeriod(values, scenario, n);
  const limits = clientLimits(values, scenario, install, { n, periodSeconds, resyncSeconds });
  return {
    command: 'run',
    scenario,
    path: runPath(values),
    n,
    seconds: scenarioSeconds(values, scenario, { n, periodSeconds, resyncSeconds, qps: limits.qps }),
    periodSeconds,
    ...limits,
    namespaces: integer(values, '--namespaces', Math.min(10, n), 1),
    resyncSeconds,
    cpuProfile: switches.has('--cpu-prof'),
    bundle: controllerPath === null && upstreamPath === null && !switches.has('--no-bundle'),
    nodeFlags: (values.get('--node-flags') ?? '').split(/\s+/).filter(Boolean),
    controllerPath,
    upstreamPath,
    outDir,
  };
}

/** `--upstream PATH`: a Go binary, so nothing that only a node controller takes goes with it. */
function upstream(values: ReadonlyMap<Flag, string>, switches: ReadonlySet<string>): string | null {
  const path = values.get('--upstream') ?? null;
  if (path === null) return null;
  for (const other of ['--bundle', '--no-bundle', '--cpu-prof']) {
    if (switches.has(other))
      throw new BenchArgumentError('--upstream', `runs a Go binary; leave out ${other}`);
  }
  for (const other of ['--controller', '--node-flags'] as const) {
    if (values.has(other)) throw new BenchArgumentError('--upstream', `runs a Go binary; leave out ${other}`);
  }
  return path;
}

function scenarioOf(switches: ReadonlySet<string>): Scenario {
  if (switches.has('--burst') && switches.has('--idle')) {
    throw new BenchArgumentError('--idle', 'is a scenario of its own; leave out --burst');
  }
  if (switches.has('--burst')) return 'burst';
  return switches.has('--idle') ? 'idle' : 'steady';
}

function runPath(values: ReadonlyMap<Flag, string>): RunPath {
  const text = values.get('--path') ?? 'latest';
  if (!(PATHS as readonly string[]).includes(text)) {
    throw new BenchArgumentError('--path', `must be one of ${PATHS.join(', ')}, got "${text}"`);
  }
  return text as RunPath;
}

function scenarioPeriod(values: ReadonlyMap<Flag, string>, scenario: Scenario, n: number): number {
  if (scenario === 'burst') {
    notForBurst(values, '--period', 'every resource fires once, on one second');
    return BURST_PERIOD_SECONDS;
  }
  const fallback = scenario === 'idle' ? IDLE_PERIOD_SECONDS : defaultPeriodSeconds(n);
  return period(integer(values, '--period', fallback, 1));
}

function scenarioSeconds(
  values: ReadonlyMap<Flag, string>,
  scenario: Scenario,
  settings: { n: number; periodSeconds: number; resyncSeconds: number; qps: number },
): number {
  const fallback = {
    steady: () => defaultSeconds(settings.periodSeconds),
    burst: () => defaultBurstWaitSeconds(settings.n, settings.qps),
    idle: () => IDLE_RESYNCS * settings.resyncSeconds,
  }[scenario]();
  return integer(values, '--seconds', fallback, 1);
}

/** `--qps` (a number or `install`) and `--client-burst`, with the scenario's defaults. */
function clientLimits(
  values: ReadonlyMap<Flag, string>,
  scenario: Scenario,
  install: ClientLimits,
  settings: { n: number; periodSeconds: number; resyncSeconds: number },
): Pick<EndToEndArgs, 'qps' | 'burst' | 'qpsFrom' | 'burstFrom'> {
  const qpsText = values.get('--qps');
  const fromInstall = qpsText === INSTALL_QPS || (qpsText === undefined && scenario === 'burst');
  let qps: number;
  let qpsFrom: LimitSource;
  if (fromInstall) {
    qps = install.qps;
    qpsFrom = 'install';
  } else {
    const fallback =
      scenario === 'idle'
        ? defaultIdleQps(settings.n, settings.resyncSeconds)
        : defaultQps(settings.n, settings.periodSeconds);
    qps = integer(values, '--qps', fallback, 1, `or "${INSTALL_QPS}"`);
    qpsFrom = qpsText === undefined ? 'bench' : 'flag';
  }
  const burstFallback = fromInstall ? install.burst : 2 * qps;
  return {
    qps,
    burst: integer(values, '--client-burst', burstFallback, 1),
    qpsFrom,
    burstFrom: values.has('--client-burst') ? 'flag' : qpsFrom,
  };
}

function notForBurst(values: ReadonlyMap<Flag, string>, flag: Flag, why: string): void {
  if (values.has(flag)) throw new BenchArgumentError(flag, `does not apply to --burst (${why})`);
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

function integer(
  values: ReadonlyMap<Flag, string>,
  flag: Flag,
  fallback: number,
  min: number,
  alternative = '',
): number {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) {
    const or = alternative ? ` ${alternative}` : '';
    throw new BenchArgumentError(flag, `must be a whole number${or}, got "${text}"`);
  }
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
