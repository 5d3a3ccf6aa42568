/**
 * The end-to-end benchmark: N ScheduledWorkflows created in bulk, then the built controller started
 * as a child process against a real control plane and the KFP API double, measured over a
 * steady-state window.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePorts } from '@swf/testkit';
import { analyseWindow, type ObservedCall, type WindowOutcome } from './analysis.js';
import type { EndToEndArgs } from './args.js';
import { type BenchCluster, CONTROLLER_IDENTITY, startBenchCluster, team } from './cluster.js';
import { readControllerLog } from './controller-log.js';
import {
  ControllerProcess,
  machineCpuTicks,
  type ProcessUsage,
  processTreeCpuSeconds,
} from './controller-process.js';
import { benchScheduledWorkflow, createAll } from './population.js';
import { scrape, sumSamples } from './prometheus.js';
import { benchCron, FireTimes } from './schedules.js';
import { type Summary, summarize } from './stats.js';
import { startTimerProbe } from './timer-probe.js';

/** Requests in flight while creating the resources. */
const CREATE_CONCURRENCY = 32;
/** Creations per second assumed when planning the schedules' start (measured: about 300 on 2 cores). */
const ASSUMED_CREATE_RATE = 200;
/** Seconds assumed for the controller to start and list, plus slack. */
const ASSUMED_START_SECONDS = 15;
/** Status writes per second assumed for the controller's first pass (the API server caps it). */
const ASSUMED_FIRST_PASS_RATE = 250;
/** How long after the window a fire due in it may still arrive. */
const GRACE_MS = 10_000;

/** Everything one end-to-end run measured. */
export interface EndToEndResult {
  readonly kind: 'end-to-end';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: EndToEndArgs & { readonly cronExample: string; readonly workers: number };
  readonly setup: {
    /** Seconds to create the N resources, and the rate. */
    readonly createSeconds: number;
    readonly createPerSecond: number;
  };
  readonly startup: {
    /** From spawn to the `caches synced` log line. */
    readonly cachesSyncedMs: number | null;
    /** The informers' own list time, as logged. */
    readonly informerSyncMs: number | null;
    /** From spawn to the first reconcile counted on /metrics (polled every 100 ms). */
    readonly firstReconcileMs: number | null;
    /** From spawn until every resource had its first status write (its next fire time). */
    readonly firstPassMs: number | null;
    /** From spawn to the first `run created` log line (the schedules start later, by design). */
    readonly firstRunCreatedMs: number | null;
    /** From spawn to the first fire any schedule has. */
    readonly firstFireDueMs: number;
  };
  readonly steady: {
    readonly windowStart: string;
    readonly seconds: number;
    readonly expectedFires: number;
    readonly receivedFires: number;
    readonly repeatedOrFailedCalls: number;
    /** Answer time at the KFP API double minus the scheduled second, ms. */
    readonly latenessMs: Summary | null;
    /** The double's SubjectAccessReview round trips during the window, ms (inside the lateness). */
    readonly reviewMs: Summary | null;
    /** How late timers ran in the benchmark process during the window, ms: the machine's noise. */
    readonly timerLagMs: Summary | null;
    /**
     * Means of the controller's own histograms over the window, ms: lateness as it sees it (when
     * it started the submission), a whole reconcile, the CreateRun call, the status write.
     */
    readonly controllerMeansMs: Readonly<Record<HistogramKey, number | null>>;
    readonly createRunPerSecond: number;
    readonly reconcilesPerSecond: number;
    readonly kubeWrites: Readonly<Record<string, number>>;
    readonly writesPerFire: number | null;
    /** CPU the controller used, in percent of one core. */
    readonly controllerCpuPercent: number;
    /** CPU the whole machine used, in percent of all cores. */
    readonly machineCpuPercent: number;
    /**
     * CPU of this benchmark's own processes, in percent of one core, by command: the controller
     * (`controller`), `kube-apiserver`, `etcd`, and the benchmark itself with the
     * KFP API double (`bench`). The rest of the machine's CPU went to other work.
     */
    readonly cpuPercentByProcess: Readonly<Record<string, number>>;
  };
  readonly memory: {
    /** VmHWM when the caches had synced (the first reconcile), after the first pass, at the end. */
    readonly peakRssAtFirstReconcileBytes: number | null;
    readonly peakRssAfterFirstPassBytes: number;
    readonly peakRssBytes: number;
    readonly rssAtEndBytes: number;
    /** V8 heap used and reserved, and memory outside it (buffers), at the window's end, from /metrics. */
    readonly heapUsedBytes: number;
    readonly heapTotalBytes: number;
    readonly externalBytes: number;
  };
  readonly logProblems: Readonly<Record<string, number>>;
  readonly controllerLog: string;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  readonly cores: number;
  readonly totalMemBytes: number;
  readonly cpuModel: string;
  readonly node: string;
  /** The 1, 5 and 15 minute load averages when the run started (other work on the machine shows here). */
  readonly loadAverage: readonly number[];
}

/** Workers the controller runs (its DEFAULT_WORKERS; no flag changes it). */
const CONTROLLER_WORKERS = 8;

/** Paths the run needs. */
export interface EndToEndPaths {
  /** The built controller CLI. */
  readonly controllerBin: string;
  /** Where the controller's log (and `--cpu-prof` profiles) go. */
  readonly artifactsDir: string;
  /** A file-name stem for this run's artifacts. */
  readonly stem: string;
}

/** Runs the benchmark; `say` gets progress lines. */
export async function runEndToEnd(
  args: EndToEndArgs,
  paths: EndToEndPaths,
  machine: MachineInfo,
  say: (line: string) => void,
): Promise<EndToEndResult> {
  say(`starting the control plane and the KFP API double (${args.namespaces} namespaces)`);
  const cluster = await startBenchCluster(args.namespaces);
  try {
    return await measure(args, paths, machine, cluster, say);
  } finally {
    await cluster.stop();
  }
}

async function measure(
  args: EndToEndArgs,
  paths: EndToEndPaths,
  machine: MachineInfo,
  cluster: BenchCluster,
  say: (line: string) => void,
): Promise<EndToEndResult> {
  const { n, periodSeconds } = args;
  const anchorEpoch = planStart(args, Date.now());
  const items = Array.from({ length: n }, (_, index) =>
    benchScheduledWorkflow(index, team(index % args.namespaces), periodSeconds, anchorEpoch),
  );
  const schedules = new Map(
    items.map((swf, index) => [
      swf.metadata.name as string,
      new FireTimes(benchCron(index, periodSeconds), anchorEpoch),
    ]),
  );
  say(`creating ${n} ScheduledWorkflows (${CREATE_CONCURRENCY} requests in flight)`);
  const createStarted = Date.now();
  await createAll(cluster.admin, items, CREATE_CONCURRENCY, (done) => say(`  ${done} created`));
  const createSeconds = (Date.now() - createStarted) / 1000;

  await mkdir(paths.artifactsDir, { recursive: true });
  const [metricsPort] = (await freePorts(1)) as [number];
  const controller = await ControllerProcess.start(
    {
      binPath: paths.controllerBin,
      nodeFlags: [
        ...(args.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${paths.artifactsDir}`] : []),
        ...args.nodeFlags,
      ],
      flags: [
        `--kubeconfig=${cluster.controllerKubeconfig}`,
        '--namespace=',
        '--mlPipelineAPIServerName=127.0.0.1',
        `--mlPipelineServiceGRPCPort=${cluster.kfp.port}`,
        `--metricsPort=${metricsPort}`,
        '--apiTokenFile=',
        `--clientQPS=${args.qps}`,
        `--clientBurst=${args.burst}`,
        `--recurringRunResyncIntervalSeconds=${args.resyncSeconds}`,
        '--userIdentityHeader=kubeflow-userid',
        `--userIdentityValue=${CONTROLLER_IDENTITY}`,
        '--logLevel=info',
      ],
      logFile: join(paths.artifactsDir, `${paths.stem}.controller.log`),
    },
    { CRON_SCHEDULE_TIMEZONE: 'UTC' },
  );
  say(`controller started (pid ${controller.pid}); schedules start at ${iso(anchorEpoch)}`);
  try {
    const startup = await watchStartup(controller, metricsPort, n);
    const windowFrom = firstWindowStart(anchorEpoch, startup.firstPassAt ?? Date.now());
    const windowTo = windowFrom + args.seconds;
    say(`first pass done; measuring ${iso(windowFrom)} .. ${iso(windowTo)}`);
    await sleepUntil(windowFrom * 1000);
    const before = await snapshot(controller, metricsPort);
    const reviewsBefore = cluster.reviews.durationsMs.length;
    const probe = startTimerProbe();
    await sleepUntil(windowTo * 1000);
    const after = await snapshot(controller, metricsPort);
    const timerLagMs = probe.stop();
    const reviewMs = summarize(cluster.reviews.durationsMs.slice(reviewsBefore));
    const window = { fromEpoch: windowFrom, toEpoch: windowTo };
    const outcome = await waitForLateFires(
      () => analyseWindow(observed(cluster), schedules, window),
      windowTo,
    );
    const finalUsage = await controller.usage();
    await controller.stop();
    const log = readControllerLog(await controller.log());
    const since = (at: number | null) => (at === null ? null : at - controller.startedAt);
    const writes = difference(after.writes, before.writes);
    const fires = after.submissions - before.submissions;
    const totalWrites = Object.values(writes).reduce((sum, value) => sum + value, 0);
    return {
      kind: 'end-to-end',
      date: new Date().toISOString(),
      machine,
      settings: { ...args, cronExample: benchCron(0, periodSeconds), workers: CONTROLLER_WORKERS },
      setup: { createSeconds, createPerSecond: n / createSeconds },
      startup: {
        cachesSyncedMs: since(log.cachesSyncedAt),
        informerSyncMs: log.informerSyncMs,
        firstReconcileMs: since(startup.firstReconcileAt),
        firstPassMs: since(startup.firstPassAt),
        firstRunCreatedMs: since(log.firstRunCreatedAt),
        firstFireDueMs: firstFireDue(schedules) * 1000 - controller.startedAt,
      },
      steady: {
        windowStart: iso(windowFrom),
        seconds: args.seconds,
        expectedFires: outcome.expected,
        receivedFires: outcome.received,
        repeatedOrFailedCalls: outcome.repeatedOrFailed,
        latenessMs: summarize(outcome.latenessMs),
        reviewMs,
        timerLagMs,
        controllerMeansMs: Object.fromEntries(
          Object.keys(HISTOGRAMS).map((key) => [key, meanMs(before, after, key as HistogramKey)]),
        ) as Record<HistogramKey, number | null>,
        createRunPerSecond: outcome.answeredInWindow / args.seconds,
        reconcilesPerSecond: (after.reconciles - before.reconciles) / args.seconds,
        kubeWrites: writes,
        writesPerFire: fires > 0 ? totalWrites / fires : null,
        controllerCpuPercent: ((after.usage.cpuSeconds - before.usage.cpuSeconds) / args.seconds) * 100,
        machineCpuPercent:
          ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100,
        cpuPercentByProcess: Object.fromEntries(
          Object.entries(difference(after.tree, before.tree)).map(([name, used]) => [
            name,
            Math.round((used / args.seconds) * 100),
          ]),
        ),
      },
      memory: {
        peakRssAtFirstReconcileBytes: startup.peakRssAtFirstReconcile,
        peakRssAfterFirstPassBytes: startup.peakRssAfterFirstPass,
        peakRssBytes: finalUsage.peakRssBytes,
        rssAtEndBytes: finalUsage.rssBytes,
        heapUsedBytes: sumSamples(after.text, 'nodejs_heap_size_used_bytes'),
        heapTotalBytes: sumSamples(after.text, 'nodejs_heap_size_total_bytes'),
        externalBytes: sumSamples(after.text, 'nodejs_external_memory_bytes'),
      },
      logProblems: log.problems,
      controllerLog: controller.logFile,
    };
  } finally {
    await controller.stop();
  }
}

/** Seconds given to a backlog left by a first pass that ran past the schedules' start. */
const SETTLE_SECONDS = 5;

/** When the schedules start: after the creation, the controller's start and its first pass, as estimated. */
export function planStart(args: Pick<EndToEndArgs, 'n' | 'qps'>, nowMs: number): number {
  const seconds =
    args.n / ASSUMED_CREATE_RATE +
    ASSUMED_START_SECONDS +
    args.n / Math.min(args.qps, ASSUMED_FIRST_PASS_RATE);
  return Math.ceil(nowMs / 1000 + seconds);
}

/**
 * The window starts at the schedules' start, or a few seconds after the first pass when that ran
 * past it. Any start will do: a window of whole periods holds the same number of fires of each
 * resource wherever it starts.
 */
export function firstWindowStart(anchorEpoch: number, firstPassAtMs: number): number {
  return Math.max(anchorEpoch, Math.ceil(firstPassAtMs / 1000) + SETTLE_SECONDS);
}

interface Startup {
  readonly firstReconcileAt: number | null;
  readonly firstPassAt: number | null;
  /** VmHWM once the caches were in (at the first reconcile), and after the first pass. */
  readonly peakRssAtFirstReconcile: number | null;
  readonly peakRssAfterFirstPass: number;
}

/**
 * Polls /metrics every 100 ms until every resource has had its first status write.
 *
 * @throws Error when the controller exits, or the pass takes longer than ten minutes.
 */
async function watchStartup(controller: ControllerProcess, port: number, n: number): Promise<Startup> {
  let firstReconcileAt: number | null = null;
  let peakRssAtFirstReconcile: number | null = null;
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (!(await controller.alive())) throw new Error(`the controller exited; see ${controller.logFile}`);
    const text = await scrape(port).catch(() => '');
    const now = Date.now();
    if (firstReconcileAt === null && sumSamples(text, 'scheduled_workflow_throughput_total') >= 1) {
      firstReconcileAt = now;
      peakRssAtFirstReconcile = (await controller.usage()).peakRssBytes;
    }
    if (sumSamples(text, 'scheduled_workflow_kube_writes_total') >= n) {
      const peakRssAfterFirstPass = (await controller.usage()).peakRssBytes;
      return { firstReconcileAt, firstPassAt: now, peakRssAtFirstReconcile, peakRssAfterFirstPass };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the controller's first pass over ${n} resources took over ten minutes`);
}

interface Snapshot {
  /** The /metrics text. */
  readonly text: string;
  readonly usage: ProcessUsage;
  readonly machine: { busy: number; total: number };
  /** CPU seconds of this process tree by command name, this process as `bench`. */
  readonly tree: Record<string, number>;
  readonly reconciles: number;
  readonly submissions: number;
  readonly writes: Record<string, number>;
  readonly histograms: Record<HistogramKey, { sum: number; count: number }>;
}

/** The controller's histograms the benchmark reads means from: name and labels. */
const HISTOGRAMS = {
  lateness: ['scheduled_workflow_trigger_lateness_seconds', {}],
  reconcile: ['process_scheduled_workflow_duration_seconds', {}],
  createRun: ['scheduled_workflow_duration_operation_seconds', { operation: 'swfsubmit' }],
  statusWrite: ['scheduled_workflow_duration_operation_seconds', { operation: 'swfupdate' }],
} as const;

/** A histogram the benchmark reads. */
export type HistogramKey = keyof typeof HISTOGRAMS;

function meanMs(before: Snapshot, after: Snapshot, key: HistogramKey): number | null {
  const count = after.histograms[key].count - before.histograms[key].count;
  return count > 0 ? ((after.histograms[key].sum - before.histograms[key].sum) / count) * 1000 : null;
}

async function snapshot(controller: ControllerProcess, port: number): Promise<Snapshot> {
  const [text, usage, machine, tree] = await Promise.all([
    scrape(port),
    controller.usage(),
    machineCpuTicks(),
    processTreeCpuSeconds(process.pid, { [controller.pid]: 'controller' }),
  ]);
  const own = process.cpuUsage();
  tree.bench = (own.user + own.system) / 1e6;
  const writes: Record<string, number> = {};
  for (const kind of ['update', 'create', 'event']) {
    writes[kind] = sumSamples(text, 'scheduled_workflow_kube_writes_total', { kind });
  }
  return {
    text,
    usage,
    machine,
    tree,
    reconciles: sumSamples(text, 'scheduled_workflow_throughput_total'),
    submissions: sumSamples(text, 'scheduled_workflow_submissions_total'),
    writes,
    histograms: Object.fromEntries(
      Object.entries(HISTOGRAMS).map(([key, [name, labels]]) => [
        key,
        { sum: sumSamples(text, `${name}_sum`, labels), count: sumSamples(text, `${name}_count`, labels) },
      ]),
    ) as Snapshot['histograms'],
  };
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([kind, value]) => [kind, value - (before[kind] ?? 0)]),
  );
}

function observed(cluster: BenchCluster): ObservedCall[] {
  return cluster.kfp.calls.map((call) => ({
    displayName: call.request.run?.displayName ?? '',
    at: call.at,
    created: call.outcome === 'created',
  }));
}

/** Analyses once every fire due in the window has arrived, or {@link GRACE_MS} after the window. */
async function waitForLateFires(analyse: () => WindowOutcome, windowToEpoch: number): Promise<WindowOutcome> {
  const deadline = windowToEpoch * 1000 + GRACE_MS;
  for (;;) {
    const outcome = analyse();
    if (outcome.received >= outcome.expected || Date.now() >= deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function firstFireDue(schedules: ReadonlyMap<string, FireTimes>): number {
  let first = Infinity;
  for (const schedule of schedules.values()) first = Math.min(first, schedule.due(1));
  return first;
}

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
