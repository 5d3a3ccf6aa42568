import { hostname } from 'node:os';
import type { SubmitStep } from '@swf/contract';
import type { Config } from '../config/config.js';
import { checkFiles, loadKubeConfig } from '../config/environment.js';
import { ExperimentNamespaces } from '../kfp/experiment-namespaces.js';
import { createRunClient } from '../kfp/run-client.js';
import { EventRecorder } from '../kube/events.js';
import { InformerCaches } from '../kube/informer-caches.js';
import { KubeApi } from '../kube/kube-api.js';
import { runLeaderElection } from '../kube/leader-election.js';
import { GroupBudgets } from '../kube/rate-limiter.js';
import { ApiServerReachability } from '../kube/reachability.js';
import { createLogger, type Logger } from '../log.js';
import { Controller } from '../loop/controller.js';
import { startHealthServer } from '../observe/health-server.js';
import { ControllerMetrics } from '../observe/metrics.js';
import { ScheduledWorkflowReconciler } from '../reconcile/reconciler.js';

/** Options of {@link runController}, for embedding and tests. */
export interface RunOptions {
  readonly signal: AbortSignal;
  readonly log?: Logger;
  /** Called once the health server listens, with its port (useful with `--metricsPort=0`). */
  readonly onListening?: (port: number) => void;
}

/** Name of the Lease the replicas elect a leader on. */
export const LEASE_NAME = 'ml-pipeline-scheduledworkflow';

/**
 * The `SWF_FAULT_CRASH_AT` test hook: kills the process with SIGKILL (through `kill`) when a
 * submit reaches `at`, as a `kill -9` at that instant would; nothing when `at` is null.
 */
export function crashHook(
  at: SubmitStep | null,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): ((step: SubmitStep) => void) | undefined {
  if (at === null) return undefined;
  return (step) => {
    if (step === at) kill();
  };
}

/**
 * Runs the controller until `options.signal` aborts: informers, work queue, reconciler, the
 * KFP API client and the health server, all stopped through the one signal.
 */
export async function runController(config: Config, options: RunOptions): Promise<void> {
  await checkFiles(config);
  const kubeConfig = await loadKubeConfig(config);
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = new ControllerMetrics();
  const kubeApi = new KubeApi(kubeConfig, {
    budgets: new GroupBudgets(config.clientQPS, config.clientBurst),
    requestTimeoutMs: config.kubeRequestTimeoutSeconds * 1000,
    writes: { onWrite: (kind) => metrics.kubeWrites.inc({ kind }) },
  });
  const address = `${config.apiServer.host}:${config.apiServer.port}`;
  const runs = await createRunClient({
    address,
    tls: config.apiServer.tls,
    caCertPath: config.apiServer.caCertPath,
    apiTokenFile: config.apiTokenFile,
    identity: config.userIdentity,
    deadlineMs: config.createRunTimeoutSeconds * 1000,
  });
  const controller = new Controller({ resyncIntervalMs: config.resyncIntervalSeconds * 1000, log, metrics });
  const caches = new InformerCaches(
    {
      kubeConfig,
      kubeApi,
      namespace: config.namespace,
      log,
      onInformerError: (resource) => metrics.informerRestarts.inc({ resource }),
      watchGraceMs: config.kubeRequestTimeoutSeconds * 1000,
    },
    controller,
  );
  const reachability = new ApiServerReachability({ probe: () => kubeApi.probe(), log });
  reachability.start(options.signal);
  // A standby counts as ready: it holds no work, and a rolling update waits for every new pod to be
  // ready while the old leader keeps the lease.
  let standingBy = config.leaderElect;
  const health = await startHealthServer(config.metricsPort, metrics, {
    ready: () => standingBy || controller.running,
    notLive: () =>
      reachability.reachable()
        ? null
        : `no answer from the Kubernetes API server for ${Math.round(reachability.silentForMs() / 1000)} s`,
  });
  options.onListening?.(health.port);
  log.info(
    {
      apiServer: address,
      tls: config.apiServer.tls,
      userIdentityKey: config.userIdentity?.key ?? null,
      apiTokenFile: config.apiTokenFile || null,
      allowCrossNamespaceExperiments: config.allowCrossNamespaceExperiments,
      timezone: config.zone.name,
      metricsPort: health.port,
    },
    'starting ScheduledWorkflow controller',
  );
  const reconciler = new ScheduledWorkflowReconciler({
    caches,
    kubeApi,
    runs,
    experiments: new ExperimentNamespaces(runs, {
      allowCrossNamespace: config.allowCrossNamespaceExperiments,
    }),
    events: new EventRecorder(kubeApi, log),
    metrics,
    zone: config.zone,
    log,
    onStatusWritten: (key) => controller.queue.add(key),
    v1Block: config.v1Block,
    onSubmitStep: crashHook(config.faultCrashAt),
    createRunGraceMs: config.createRunGraceSeconds * 1000,
    recordRunEvents: config.recordRunEvents,
  });
  // After a shutdown, never after a lost lease: the status writes still waiting for the budget
  // are made (within the drain's deadline) while this replica may still write.
  const drainStatusWrites = async () => {
    const left = await reconciler.drainStatusWrites();
    if (left > 0)
      log.warn(
        { statusWrites: left },
        'stopped with status writes not made; the next leader recomputes them',
      );
  };
  try {
    if (!config.leaderElect) {
      await controller.run(caches, reconciler, options.signal);
      await drainStatusWrites();
      return;
    }
    const outcome = await runLeaderElection(
      {
        api: kubeApi,
        namespace: config.leaseNamespace,
        name: LEASE_NAME,
        identity: `${hostname()}_${process.pid}`,
        log,
      },
      options.signal,
      async (leading) => {
        standingBy = false;
        await controller.run(caches, reconciler, leading);
        // runLeaderElection releases the lease after this returns, so the drain runs while it is held.
        if (options.signal.aborted) await drainStatusWrites();
      },
    );
    if (outcome === 'lost') throw new Error('leader election lost; exiting so a fresh process can stand by');
  } finally {
    runs.close();
    await new Promise((resolve) => health.server.close(resolve));
  }
}
