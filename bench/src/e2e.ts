/**
 * The end-to-end benchmark: N ScheduledWorkflows created in bulk, then the built controller started
 * as a child process against a real control plane and the KFP API double, measured in one of three
 * scenarios: steady firing over a window, a burst of every resource due on one second, or idle
 * resources over several resyncs.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WORKERS } from '@swf/controller/controller';
import { freePorts } from '@swf/testkit';
import {
  analyseWindow,
  countByKind,
  type ServerStepSummaries,
  serverStepSummaries,
  type WindowOutcome,
} from './analysis.js';
import {
  type RequestTime,
  requestTimesBetween,
  requestTotals,
  scrapeApiServer,
} from './apiserver-requests.js';
import type { EndToEndArgs } from './args.js';
import { type BenchCluster, CONTROLLER_IDENTITY, startBenchCluster } from './cluster.js';
import { readControllerLog } from './controller-log.js';
import {
  ControllerProcess,
  machineCpuTicks,
  type ProcessUsage,
  processTreeCpuSeconds,
} from './controller-process.js';
import { IdleWatch } from './idle-watch.js';
import { createAll, IDLE_KINDS, type IdleKind, type Population, planPopulation } from './population.js';
import { scrape, sumSamples } from './prometheus.js';
import { observeRuns, type RunObserver } from './run-observer.js';
import type { FireTimes } from './schedules.js';
import { type Summary, summarize } from './stats.js';
import { startTimerProbe } from './timer-probe.js';
import { type WriteCounts, WriteWatch, writesBetween } from './write-watch.js';

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
/** A burst's counters are read this long before its second, so nothing of it is missed. */
const BURST_LEAD_MS = 1_000;
/** The kube-apiserver's metrics are read this long before a window, not on its first second. */
const API_SERVER_READ_LEAD_MS = 500;
/** The controller is done with a burst once it has written nothing for this long. */
const QUIET_MS = 3_000;
/**
 * Extra seconds before a burst, beyond the estimated set-up: a first pass still writing when the
 * burst is due would be measured with it, and the estimate is close (1,000 resources at QPS 10:
 * 100 s estimated, 98 s measured).
 */
const BURST_MARGIN_SECONDS = 30;
/** How long the idle scenario waits, after its blocked resources' first fires are due, for their runs. */
const IDLE_READY_SLACK_MS = 120_000;

/** The machine a result was measured on. */
export interface MachineInfo {
  readonly cores: number;
  readonly totalMemBytes: number;
  readonly cpuModel: string;
  readonly node: string;
  /** The 1, 5 and 15 minute load averages when the run started (other work on the machine shows here). */
  readonly loadAverage: readonly number[];
}

/** How the controller is run. */
export interface ControllerLaunch {
  /**
   * `node`: ours, a script node runs; `upstream`: upstream's Go controller, a binary run with
   * upstream's flags. Results written before upstream could be run have none: `node`.
   */
  readonly kind?: 'node' | 'upstream';
  /** The script node runs, or upstream's binary. */
  readonly script: string;
  /** What the script is, for the report: the image's bundle, `dist/bin.js`, or the path given. */
  readonly label: string;
  /** Node flags before the script: the image's entrypoint flags when it runs the bundle, then the benchmark's. */
  readonly nodeFlags: readonly string[];
  /** `NODE_OPTIONS` in the controller's environment, `''` for none (the benchmark's own is not passed on). */
  readonly nodeOptions: string;
  /** Where the node flags and options came from, for the report. */
  readonly origin: string;
}

/** The settings a result was measured with. */
export type RunSettings = EndToEndArgs & {
  readonly cronExample: string;
  readonly workers: number;
  readonly controller: ControllerLaunch;
};

/** CPU used over a measured interval. */
export interface CpuUse {
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
}

/** Means of the controller's own histograms over an interval, ms (null when nothing was observed). */
export type ControllerMeans = Readonly<Record<HistogramKey, number | null>>;

/** What the steady scenario measured over its window. */
export interface SteadyMeasures extends CpuUse {
  readonly windowStart: string;
  readonly seconds: number;
  readonly expectedFires: number;
  readonly receivedFires: number;
  readonly repeatedOrFailedCalls: number;
  /** Time the run was seen made (see {@link RunObserver.source}) minus the scheduled second, ms. */
  readonly latenessMs: Summary | null;
  /**
   * Latest path: time the `CreateRun` reached the double minus the scheduled second, ms: the
   * controller's part of the lateness.
   */
  readonly arrivalLatenessMs?: Summary | null;
  /** The double's SubjectAccessReview round trips during the window, ms (inside the lateness). */
  readonly reviewMs: Summary | null;
  /** Latest path: each step of the double's own work per received fire, ms. */
  readonly serverStepsMs?: ServerStepSummaries | null;
  /** The kube-apiserver's own mean time per request over the window, the most frequent kinds. */
  readonly apiServerRequests?: readonly RequestTime[];
  /** How late timers ran in the benchmark process during the window, ms: the machine's noise. */
  readonly timerLagMs: Summary | null;
  /**
   * Means of the controller's own histograms over the window, ms: lateness as it sees it (when
   * it started the submission), a whole reconcile, the CreateRun call, the status write.
   */
  readonly controllerMeansMs: ControllerMeans;
  /** Runs made (CreateRun answers, or Workflows) per second of the window. */
  readonly createRunPerSecond: number;
  readonly reconcilesPerSecond: number;
  readonly kubeWrites: Readonly<Record<string, number>>;
  /** The same writes as the API server's watches saw them (see {@link WriteWatch}). */
  readonly watchedWrites: WriteCounts;
  readonly writesPerFire: number | null;
}

/** What the burst scenario measured, from just before its second until the controller went quiet. */
export interface BurstMeasures extends CpuUse {
  /** The second every resource was due. */
  readonly dueAt: string;
  readonly expectedFires: number;
  readonly receivedFires: number;
  readonly repeatedOrFailedCalls: number;
  /** From the scheduled second to the last run made, of those made, ms. */
  readonly lastRunMs: number | null;
  /** Time each run was seen made minus the scheduled second, ms. */
  readonly latenessMs: Summary | null;
  /** Latest path: time each `CreateRun` reached the double minus the scheduled second, ms. */
  readonly arrivalLatenessMs?: Summary | null;
  /** The double's SubjectAccessReview round trips, ms (latest path; inside the lateness). */
  readonly reviewMs: Summary | null;
  /** Latest path: each step of the double's own work per received fire, ms. */
  readonly serverStepsMs?: ServerStepSummaries | null;
  /** The kube-apiserver's own mean time per request over the burst, the most frequent kinds. */
  readonly apiServerRequests?: readonly RequestTime[];
  readonly timerLagMs: Summary | null;
  readonly controllerMeansMs: ControllerMeans;
  /** Seconds from the counters' first read (just before the second) to their last (once quiet). */
  readonly measuredSeconds: number;
  /** From the scheduled second to the counters' last read, ms. */
  readonly quietAfterMs: number;
  /** Whether the controller went quiet; false when the counters were read at the deadline instead. */
  readonly quiet: boolean;
  readonly kubeWrites: Readonly<Record<string, number>>;
  /** The same writes as the API server's watches saw them (see {@link WriteWatch}). */
  readonly watchedWrites: WriteCounts;
  readonly writesPerFire: number | null;
  readonly reconciles: number;
  /** How long after the scheduled second the controller's first pass ended; 0 when before it. */
  readonly firstPassLateMs: number;
}

/** What the idle scenario measured over its window. */
export interface IdleMeasures extends CpuUse {
  readonly windowStart: string;
  readonly seconds: number;
  /** Resyncs the window spans: its length over the resync interval. */
  readonly resyncs: number;
  /** Resources of each idle kind. */
  readonly resources: Readonly<Record<IdleKind, number>>;
  /** Blocked resources whose status showed their active run when the window started. */
  readonly blockedWithActiveRun: number;
  /** The controller's writes over the window, by kind (`scheduled_workflow_kube_writes_total`). */
  readonly kubeWrites: Readonly<Record<string, number>>;
  /** Status updates over the window, by the idle kind of the resource (from a watch). */
  readonly statusUpdatesByKind: Readonly<Record<IdleKind, number>>;
  /** Events created over the window, by the idle kind of the resource they are about (from a watch). */
  readonly eventsByKind: Readonly<Record<IdleKind, number>>;
  /** Reconciles over the window (`scheduled_workflow_throughput_total`). */
  readonly reconciles: number;
  /** Runs submitted over the window (none is due). */
  readonly submissions: number;
  readonly controllerMeansMs: ControllerMeans;
  /** Restarts and fresh starts of the benchmark's watches (a fresh start may miscount). */
  readonly watch: { readonly restarts: number; readonly gaps: number };
}

/** What every end-to-end run records, whatever its scenario. */
interface RunRecord {
  readonly kind: 'end-to-end';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: RunSettings;
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
    /** From spawn to the first run the log reports made (the schedules start later, by design). */
    readonly firstRunCreatedMs: number | null;
    /** From spawn to the first fire any schedule has. */
    readonly firstFireDueMs: number;
  };
  readonly memory: {
    /** VmHWM when the caches had synced (the first reconcile), after the first pass, at the end. */
    readonly peakRssAtFirstReconcileBytes: number | null;
    readonly peakRssAfterFirstPassBytes: number;
    readonly peakRssBytes: number;
    readonly rssAtEndBytes: number;
    /** V8 heap used and reserved, and memory outside it (buffers), at the end, from /metrics. */
    readonly heapUsedBytes: number;
    readonly heapTotalBytes: number;
    readonly externalBytes: number;
  };
  readonly logProblems: Readonly<Record<string, number>>;
  readonly controllerLog: string;
  /** How each run was seen made, and when. */
  readonly runsSeenAt: string;
}

/** A steady-scenario result. */
export interface SteadyResult extends RunRecord {
  readonly scenario: 'steady';
  readonly steady: SteadyMeasures;
}

/** A burst-scenario result. */
export interface BurstResult extends RunRecord {
  readonly scenario: 'burst';
  readonly burst: BurstMeasures;
}

/** An idle-scenario result. */
export interface IdleResult extends RunRecord {
  readonly scenario: 'idle';
  readonly idle: IdleMeasures;
}

/** Everything one end-to-end run measured. */
export type EndToEndResult = SteadyResult | BurstResult | IdleResult;

/** What the run needs besides its settings. */
export interface EndToEndPaths {
  /** How node runs the controller. */
  readonly launch: ControllerLaunch;
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
  const cluster = await startBenchCluster({
    namespaces: args.namespaces,
    finishWorkflows: args.scenario !== 'idle',
  });
  try {
    return await measure(args, paths, machine, cluster, say);
  } finally {
    await cluster.stop();
  }
}

/** What a scenario's measurement works with. */
interface Context {
  readonly args: EndToEndArgs;
  readonly cluster: BenchCluster;
  readonly controller: ControllerProcess;
  /** Upstream's Go controller, which counts neither its writes nor its submissions on /metrics. */
  readonly upstream: boolean;
  readonly writeWatch: WriteWatch;
  readonly metricsPort: number;
  readonly population: Population;
  readonly anchorEpoch: number;
  readonly runs: RunObserver;
  readonly startup: Startup;
  readonly say: (line: string) => void;
}

/** A scenario's measures, and the last snapshot it took (for the memory at the end). */
type Measured = { readonly last: Snapshot } & (
  | { readonly scenario: 'steady'; readonly steady: SteadyMeasures }
  | { readonly scenario: 'burst'; readonly burst: BurstMeasures }
  | { readonly scenario: 'idle'; readonly idle: IdleMeasures }
);

async function measure(
  args: EndToEndArgs,
  paths: EndToEndPaths,
  machine: MachineInfo,
  cluster: BenchCluster,
  say: (line: string) => void,
): Promise<EndToEndResult> {
  const anchorEpoch = planStart(args, Date.now());
  const population = planPopulation(args, anchorEpoch);
  const runs = await observeRuns(args.path, cluster);
  const idleWatch = args.scenario === 'idle' ? await IdleWatch.start(cluster.admin) : null;
  const writeWatch = await WriteWatch.start(cluster.admin, args.path);
  const upstream = paths.launch.kind === 'upstream';
  try {
    say(`creating ${args.n} ScheduledWorkflows (${CREATE_CONCURRENCY} requests in flight)`);
    const createStarted = Date.now();
    const made = await createAll(cluster.admin, population.items, CREATE_CONCURRENCY, (done) =>
      say(`  ${done} created`),
    );
    // As KFP's CreateRecurringRun would have written them: the double knows each as a recurring run.
    await cluster.kfp.addRecurringRuns(
      made.map(({ metadata }) => ({
        uid: metadata.uid ?? '',
        namespace: metadata.namespace ?? '',
        name: metadata.name ?? '',
      })),
    );
    const createSeconds = (Date.now() - createStarted) / 1000;

    await mkdir(paths.artifactsDir, { recursive: true });
    const [metricsPort] = (await freePorts(1)) as [number];
    const controller = await startController(args, paths, cluster, metricsPort);
    say(
      `controller started (pid ${controller.pid}: ${paths.launch.label}); schedules start at ${iso(anchorEpoch)}`,
    );
    try {
      const startup = await watchStartup(controller, metricsPort, args.n, upstream ? writeWatch : null);
      const context: Context = {
        args,
        cluster,
        controller,
        upstream,
        writeWatch,
        metricsPort,
        population,
        anchorEpoch,
        runs,
        startup,
        say,
      };
      let measured: Measured;
      if (args.scenario === 'burst') measured = await measureBurst(context);
      else if (args.scenario === 'idle') measured = await measureIdle(context, idleWatch as IdleWatch);
      else measured = await measureSteady(context);
      const finalUsage = await controller.usage();
      await controller.stop();
      const log = readControllerLog(await controller.log());
      const since = (at: number | null) => (at === null ? null : at - controller.startedAt);
      const { last, ...scenario } = measured;
      return {
        kind: 'end-to-end',
        date: new Date().toISOString(),
        machine,
        settings: {
          ...args,
          cronExample: population.cronExample,
          workers: DEFAULT_WORKERS,
          controller: paths.launch,
        },
        setup: { createSeconds, createPerSecond: args.n / createSeconds },
        startup: {
          cachesSyncedMs: since(log.cachesSyncedAt),
          informerSyncMs: log.informerSyncMs,
          firstReconcileMs: since(startup.firstReconcileAt),
          firstPassMs: since(startup.firstPassAt),
          firstRunCreatedMs: since(log.firstRunCreatedAt),
          firstFireDueMs: firstFireDue(population.schedules) * 1000 - controller.startedAt,
        },
        memory: {
          peakRssAtFirstReconcileBytes: startup.peakRssAtFirstReconcile,
          peakRssAfterFirstPassBytes: startup.peakRssAfterFirstPass,
          peakRssBytes: finalUsage.peakRssBytes,
          rssAtEndBytes: finalUsage.rssBytes,
          // Upstream's Go runtime: the heap's live objects and what it holds from the OS.
          heapUsedBytes: sumSamples(
            last.text,
            upstream ? 'go_memstats_heap_alloc_bytes' : 'nodejs_heap_size_used_bytes',
          ),
          heapTotalBytes: sumSamples(
            last.text,
            upstream ? 'go_memstats_heap_sys_bytes' : 'nodejs_heap_size_total_bytes',
          ),
          externalBytes: upstream ? 0 : sumSamples(last.text, 'nodejs_external_memory_bytes'),
        },
        logProblems: log.problems,
        controllerLog: controller.logFile,
        runsSeenAt: runs.source,
        ...scenario,
      } as EndToEndResult;
    } finally {
      await controller.stop();
    }
  } finally {
    runs.stop();
    idleWatch?.stop();
    writeWatch.stop();
  }
}

/**
 * Starts the controller with the flags both controllers share (ours takes upstream's names).
 * Upstream's has no `run` command and no `--apiTokenFile` (its token path is fixed and absent
 * here, so it sends none, like ours with `--apiTokenFile=`), and builds its Argo client from
 * `KUBECONFIG`.
 */
function startController(
  args: EndToEndArgs,
  paths: EndToEndPaths,
  cluster: BenchCluster,
  metricsPort: number,
): Promise<ControllerProcess> {
  const { launch } = paths;
  const shared = [
    `--kubeconfig=${cluster.controllerKubeconfig}`,
    '--namespace=',
    '--mlPipelineAPIServerName=127.0.0.1',
    `--mlPipelineServiceGRPCPort=${cluster.kfp.port}`,
    `--metricsPort=${metricsPort}`,
    `--clientQPS=${args.qps}`,
    `--clientBurst=${args.burst}`,
    `--recurringRunResyncIntervalSeconds=${args.resyncSeconds}`,
    '--userIdentityHeader=kubeflow-userid',
    `--userIdentityValue=${CONTROLLER_IDENTITY}`,
    '--logLevel=info',
  ];
  const logFile = join(paths.artifactsDir, `${paths.stem}.controller.log`);
  if (launch.kind === 'upstream') {
    return ControllerProcess.start(
      { command: [launch.script, ...shared], marker: launch.script, logFile },
      { CRON_SCHEDULE_TIMEZONE: 'UTC', KUBECONFIG: cluster.controllerKubeconfig },
    );
  }
  const nodeFlags = [
    ...launch.nodeFlags,
    ...(args.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${paths.artifactsDir}`] : []),
  ];
  return ControllerProcess.start(
    {
      command: [process.execPath, ...nodeFlags, launch.script, 'run', ...shared, '--apiTokenFile='],
      marker: launch.script,
      logFile,
    },
    { CRON_SCHEDULE_TIMEZONE: 'UTC', NODE_OPTIONS: launch.nodeOptions },
  );
}

/** Steady firing: a window of whole periods once the first pass is done. */
async function measureSteady(context: Context): Promise<Measured> {
  const { args, cluster, population, runs } = context;
  const windowFrom = firstWindowStart(context.anchorEpoch, context.startup.firstPassAt ?? Date.now());
  const windowTo = windowFrom + args.seconds;
  context.say(`first pass done; measuring ${iso(windowFrom)} .. ${iso(windowTo)}`);
  // Read ahead of the window: the kube-apiserver takes tens of ms to write out its metrics.
  await sleepUntil(windowFrom * 1000 - API_SERVER_READ_LEAD_MS);
  const apiBefore = requestTotals(await scrapeApiServer(cluster.admin));
  await sleepUntil(windowFrom * 1000);
  const before = await snapshot(context);
  const reviewsBefore = cluster.kfp.reviewsMs.length;
  const probe = startTimerProbe();
  await sleepUntil(windowTo * 1000);
  const after = await snapshot(context);
  const apiAfter = requestTotals(await scrapeApiServer(cluster.admin));
  const timerLagMs = probe.stop();
  const reviewMs = summarize(cluster.kfp.reviewsMs.slice(reviewsBefore));
  const window = { fromEpoch: windowFrom, toEpoch: windowTo };
  const outcome = await waitForFires(
    () => analyseWindow(runs.observed(), population.schedules, window),
    windowTo * 1000 + GRACE_MS,
  );
  const writes = difference(after.writes, before.writes);
  return {
    last: after,
    scenario: 'steady',
    steady: {
      windowStart: iso(windowFrom),
      seconds: args.seconds,
      expectedFires: outcome.expected,
      receivedFires: outcome.received,
      repeatedOrFailedCalls: outcome.repeatedOrFailed,
      latenessMs: summarize(outcome.latenessMs),
      arrivalLatenessMs: summarize(outcome.arrivalLatenessMs),
      reviewMs,
      serverStepsMs: serverStepSummaries(outcome.serverStepsMs),
      apiServerRequests: requestTimesBetween(apiBefore, apiAfter),
      timerLagMs,
      controllerMeansMs: controllerMeans(before, after),
      createRunPerSecond: outcome.answeredInWindow / args.seconds,
      reconcilesPerSecond: (after.reconciles - before.reconciles) / args.seconds,
      kubeWrites: writes,
      watchedWrites: writesBetween(before.watched, after.watched),
      writesPerFire: perFire(writes, after.submissions - before.submissions),
      ...cpuUse(before, after),
    },
  };
}

/**
 * A burst: counters read just before the second every resource is due, then the runs awaited (up
 * to `--seconds`), then the controller's writes until it has been quiet for {@link QUIET_MS} with
 * every run's Workflow finished, so that writes per fire include what the runs' Workflows cause.
 */
async function measureBurst(context: Context): Promise<Measured> {
  const { args, cluster, population, runs } = context;
  const due = population.burstEpoch as number;
  const firstPassAt = context.startup.firstPassAt ?? Date.now();
  context.say(`first pass done; ${args.n} runs due at ${iso(due)}`);
  await sleepUntil(due * 1000 - BURST_LEAD_MS - API_SERVER_READ_LEAD_MS);
  const apiBefore = requestTotals(await scrapeApiServer(cluster.admin));
  await sleepUntil(due * 1000 - BURST_LEAD_MS);
  const before = await snapshot(context);
  const reviewsBefore = cluster.kfp.reviewsMs.length;
  const probe = startTimerProbe();
  const window = { fromEpoch: due, toEpoch: due + 1 };
  const outcome = await waitForFires(
    () => analyseWindow(runs.observed(), population.schedules, window),
    (due + args.seconds) * 1000,
  );
  context.say(`${outcome.received} of ${outcome.expected} runs made; waiting for the controller to go quiet`);
  const reviewMs = summarize(cluster.kfp.reviewsMs.slice(reviewsBefore));
  const apiAfter = requestTotals(await scrapeApiServer(cluster.admin));
  const quietBy = Date.now() + Math.max(60_000, Math.ceil((3 * args.n) / args.qps) * 1000);
  const quiet = await waitForQuiet(context, outcome.received, quietBy);
  const after = await snapshot(context);
  const timerLagMs = probe.stop();
  const writes = difference(after.writes, before.writes);
  const lateness = summarize(outcome.latenessMs);
  return {
    last: after,
    scenario: 'burst',
    burst: {
      dueAt: iso(due),
      expectedFires: outcome.expected,
      receivedFires: outcome.received,
      repeatedOrFailedCalls: outcome.repeatedOrFailed,
      lastRunMs: lateness?.max ?? null,
      latenessMs: lateness,
      arrivalLatenessMs: summarize(outcome.arrivalLatenessMs),
      reviewMs: args.path === 'latest' ? reviewMs : null,
      serverStepsMs: serverStepSummaries(outcome.serverStepsMs),
      apiServerRequests: requestTimesBetween(apiBefore, apiAfter),
      timerLagMs,
      controllerMeansMs: controllerMeans(before, after),
      measuredSeconds: (after.at - before.at) / 1000,
      quietAfterMs: after.at - due * 1000,
      quiet,
      kubeWrites: writes,
      watchedWrites: writesBetween(before.watched, after.watched),
      writesPerFire: perFire(writes, after.submissions - before.submissions),
      reconciles: after.reconciles - before.reconciles,
      firstPassLateMs: Math.max(0, firstPassAt - due * 1000),
      ...cpuUse(before, after),
    },
  };
}

/**
 * Idle resources: once every blocked resource shows its active run, a window of `--seconds`
 * (several resyncs) in which nothing is due to run; the controller's writes and reconciles over
 * it, and the status updates and events by kind of resource, from watches.
 */
async function measureIdle(context: Context, idleWatch: IdleWatch): Promise<Measured> {
  const { args, population } = context;
  const blocked = [...population.idleKinds].filter(([, kind]) => kind === 'blocked').map(([name]) => name);
  context.say(`first pass done; waiting for the first runs of ${blocked.length} blocked resources`);
  const readyBy = (context.anchorEpoch + args.periodSeconds) * 1000 + IDLE_READY_SLACK_MS;
  while (idleWatch.withActiveRun(blocked) < blocked.length && Date.now() < readyBy) {
    await sleep(500);
  }
  const blockedWithActiveRun = idleWatch.withActiveRun(blocked);
  const windowFrom = Math.ceil(Date.now() / 1000) + SETTLE_SECONDS;
  const windowTo = windowFrom + args.seconds;
  context.say(`${blockedWithActiveRun} blocked; measuring ${iso(windowFrom)} .. ${iso(windowTo)}`);
  await sleepUntil(windowFrom * 1000);
  const before = await snapshot(context);
  await sleepUntil(windowTo * 1000);
  const after = await snapshot(context);
  const window = { fromEpoch: windowFrom, toEpoch: windowTo };
  const kinds = [...population.idleKinds.values()];
  const resources = Object.fromEntries(
    IDLE_KINDS.map((kind) => [kind, kinds.filter((k) => k === kind).length]),
  ) as Record<IdleKind, number>;
  return {
    last: after,
    scenario: 'idle',
    idle: {
      windowStart: iso(windowFrom),
      seconds: args.seconds,
      resyncs: args.seconds / args.resyncSeconds,
      resources,
      blockedWithActiveRun,
      kubeWrites: difference(after.writes, before.writes),
      statusUpdatesByKind: countByKind(idleWatch.updates, population.idleKinds, IDLE_KINDS, window),
      eventsByKind: countByKind(idleWatch.events, population.idleKinds, IDLE_KINDS, window),
      reconciles: after.reconciles - before.reconciles,
      submissions: after.submissions - before.submissions,
      controllerMeansMs: controllerMeans(before, after),
      watch: idleWatch.watch,
      ...cpuUse(before, after),
    },
  };
}

/** Seconds given to a backlog left by a first pass that ran past the schedules' start. */
const SETTLE_SECONDS = 5;

/**
 * When the schedules start: after the creation, the controller's start and its first pass, as
 * estimated (a burst is due at the first whole minute from then).
 */
export function planStart(args: Pick<EndToEndArgs, 'scenario' | 'n' | 'qps'>, nowMs: number): number {
  const seconds =
    args.n / ASSUMED_CREATE_RATE +
    ASSUMED_START_SECONDS +
    args.n / Math.min(args.qps, ASSUMED_FIRST_PASS_RATE) +
    (args.scenario === 'burst' ? BURST_MARGIN_SECONDS : 0);
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

/** Writes per run submitted; null when none was. */
export function perFire(writes: Readonly<Record<string, number>>, fires: number): number | null {
  const total = Object.values(writes).reduce((sum, value) => sum + value, 0);
  return fires > 0 ? total / fires : null;
}

interface Startup {
  readonly firstReconcileAt: number | null;
  readonly firstPassAt: number | null;
  /** VmHWM once the caches were in (at the first reconcile), and after the first pass. */
  readonly peakRssAtFirstReconcile: number | null;
  readonly peakRssAfterFirstPass: number;
}

/**
 * Polls /metrics every 100 ms until every resource has had its first status write: counted by the
 * controller itself, or for upstream's (which does not count its writes) seen by `writeWatch`.
 *
 * @throws Error when the controller exits, or the pass takes longer than ten minutes.
 */
async function watchStartup(
  controller: ControllerProcess,
  port: number,
  n: number,
  writeWatch: WriteWatch | null,
): Promise<Startup> {
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
    const written = writeWatch?.resourcesUpdated ?? sumSamples(text, 'scheduled_workflow_kube_writes_total');
    if (written >= n) {
      const peakRssAfterFirstPass = (await controller.usage()).peakRssBytes;
      return { firstReconcileAt, firstPassAt: now, peakRssAtFirstReconcile, peakRssAfterFirstPass };
    }
    await sleep(100);
  }
  throw new Error(`the controller's first pass over ${n} resources took over ten minutes`);
}

interface Snapshot {
  /** When it was taken, epoch ms. */
  readonly at: number;
  /** The /metrics text. */
  readonly text: string;
  readonly usage: ProcessUsage;
  readonly machine: { busy: number; total: number };
  /** CPU seconds of this process tree by command name, this process as `bench`. */
  readonly tree: Record<string, number>;
  readonly reconciles: number;
  /** Runs submitted: the controller's count, or for upstream's the runs seen made. */
  readonly submissions: number;
  /** Writes by kind: the controller's count, or for upstream's {@link watched}. */
  readonly writes: Record<string, number>;
  /** Writes by kind as the API server's watches saw them. */
  readonly watched: WriteCounts;
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

/** Kinds of `scheduled_workflow_kube_writes_total`. */
const WRITE_KINDS = ['update', 'create', 'event'] as const;

function controllerMeans(before: Snapshot, after: Snapshot): ControllerMeans {
  const mean = (key: HistogramKey) => {
    const count = after.histograms[key].count - before.histograms[key].count;
    return count > 0 ? ((after.histograms[key].sum - before.histograms[key].sum) / count) * 1000 : null;
  };
  return Object.fromEntries(Object.keys(HISTOGRAMS).map((key) => [key, mean(key as HistogramKey)])) as Record<
    HistogramKey,
    number | null
  >;
}

function cpuUse(before: Snapshot, after: Snapshot): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  return {
    controllerCpuPercent: ((after.usage.cpuSeconds - before.usage.cpuSeconds) / seconds) * 100,
    machineCpuPercent:
      ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100,
    cpuPercentByProcess: Object.fromEntries(
      Object.entries(difference(after.tree, before.tree)).map(([name, used]) => [
        name,
        Math.round((used / seconds) * 100),
      ]),
    ),
  };
}

async function snapshot(
  context: Pick<Context, 'controller' | 'metricsPort' | 'upstream' | 'writeWatch' | 'runs' | 'cluster'>,
): Promise<Snapshot> {
  const { controller } = context;
  const watched = context.writeWatch.counts();
  const at = Date.now();
  const [text, usage, machine, tree] = await Promise.all([
    scrape(context.metricsPort),
    controller.usage(),
    machineCpuTicks(),
    processTreeCpuSeconds(process.pid, {
      [controller.pid]: 'controller',
      [context.cluster.kfp.pid]: 'kfp-api-double',
    }),
  ]);
  const own = process.cpuUsage();
  tree.bench = (own.user + own.system) / 1e6;
  return {
    at,
    text,
    usage,
    machine,
    tree,
    reconciles: sumSamples(text, 'scheduled_workflow_throughput_total'),
    submissions: context.upstream
      ? context.runs.observed().length
      : sumSamples(text, 'scheduled_workflow_submissions_total'),
    writes: context.upstream
      ? { ...watched }
      : Object.fromEntries(
          WRITE_KINDS.map((kind) => [
            kind,
            sumSamples(text, 'scheduled_workflow_kube_writes_total', { kind }),
          ]),
        ),
    watched,
    histograms: Object.fromEntries(
      Object.entries(HISTOGRAMS).map(([key, [name, labels]]) => [
        key,
        { sum: sumSamples(text, `${name}_sum`, labels), count: sumSamples(text, `${name}_count`, labels) },
      ]),
    ) as Snapshot['histograms'],
  };
}

function difference(
  after: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([kind, value]) => [kind, value - (before[kind] ?? 0)]),
  );
}

/** Analyses once every fire due has arrived, or at `deadlineMs`. */
async function waitForFires(analyse: () => WindowOutcome, deadlineMs: number): Promise<WindowOutcome> {
  for (;;) {
    const outcome = analyse();
    if (outcome.received >= outcome.expected || Date.now() >= deadlineMs) return outcome;
    await sleep(250);
  }
}

/**
 * Waits until the stand-in for Argo has finished `runs` Workflows and the controller has then made
 * no write for {@link QUIET_MS} (so the writes the finished Workflows cause are counted), or until
 * `deadlineMs`.
 */
async function waitForQuiet(context: Context, runs: number, deadlineMs: number): Promise<boolean> {
  const { argo } = context.cluster;
  let writes = -1;
  let quietSince = Date.now();
  let finished = false;
  while (Date.now() < deadlineMs) {
    const now = Date.now();
    const total = context.upstream
      ? Object.values(context.writeWatch.counts()).reduce((sum, value) => sum + value, 0)
      : sumSamples(await scrape(context.metricsPort), 'scheduled_workflow_kube_writes_total');
    if (!finished && (argo === null || argo.completed >= runs)) {
      finished = true;
      quietSince = now;
    }
    if (total !== writes) {
      writes = total;
      quietSince = now;
    } else if (finished && now - quietSince >= QUIET_MS) {
      return true;
    }
    await sleep(500);
  }
  return false;
}

function firstFireDue(schedules: ReadonlyMap<string, FireTimes>): number {
  let first = Infinity;
  for (const schedule of schedules.values()) first = Math.min(first, schedule.due(1));
  return first;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepUntil(epochMs: number): Promise<void> {
  return sleep(Math.max(0, epochMs - Date.now()));
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
