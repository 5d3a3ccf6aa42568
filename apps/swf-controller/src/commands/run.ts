import { access, constants, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { type Config, ConfigError } from '../config/config.js';
import { Controller } from '../controller.js';
import { loadZone, type Zone } from '../domain/schedule/index.js';
import { createRunClient } from '../kfp/run-client.js';
import { EventRecorder } from '../kube/events.js';
import { KubeApi } from '../kube/kube-api.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { runLeaderElection } from '../kube/leader-election.js';
import { TokenBucket } from '../kube/rate-limiter.js';
import { createLogger, type Logger } from '../log.js';
import { ControllerMetrics, startHealthServer } from '../metrics.js';
import { ScheduledWorkflowReconciler, SUBMIT_STEPS, type SubmitStep } from '../reconciler.js';

/** Options of {@link runController}, for embedding and tests. */
export interface RunOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly log?: Logger;
  /** Called once the health server listens, with its port (useful with `--metricsPort=0`). */
  readonly onListening?: (port: number) => void;
}

/** Name of the Lease the replicas elect a leader on. */
export const LEASE_NAME = 'ml-pipeline-scheduledworkflow';

/**
 * Test hook for the fault suite, never set in a deployment: naming a step of {@link SUBMIT_STEPS}
 * makes the process kill itself with SIGKILL the first time a submit reaches that step, exactly
 * as a `kill -9` at that instant would (no cleanup, no status write after it).
 */
export const FAULT_CRASH_AT_ENV = 'SWF_FAULT_CRASH_AT';

/**
 * The crash hook `SWF_FAULT_CRASH_AT` asks for, if any.
 *
 * @throws ConfigError naming SWF_FAULT_CRASH_AT when it names no step
 */
export function faultCrashHook(
  env: Readonly<Record<string, string | undefined>>,
): ((step: SubmitStep) => void) | undefined {
  const at = env[FAULT_CRASH_AT_ENV]?.trim();
  if (!at) return undefined;
  if (!(SUBMIT_STEPS as readonly string[]).includes(at)) {
    throw new ConfigError(FAULT_CRASH_AT_ENV, `must be one of ${SUBMIT_STEPS.join(', ')}`);
  }
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

/** The pod's namespace file, mounted in every pod with a service account. */
const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * Namespace of the leader-election Lease: the controller's own (`NAMESPACE_SELF` from the
 * multi-user manifests, else the pod's namespace file), else the watched namespace, else `kubeflow`.
 */
async function leaseNamespace(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const fromFile = await readFile(POD_NAMESPACE_FILE, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return env.NAMESPACE_SELF?.trim() || fromFile || config.namespace || 'kubeflow';
}

/**
 * The zone cron schedules are evaluated in: `CRON_SCHEDULE_TIMEZONE`, else the machine's zone.
 *
 * @throws ConfigError naming CRON_SCHEDULE_TIMEZONE
 */
export function scheduleZone(config: Config): Zone {
  const name =
    config.timezone === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : config.timezone;
  return loadZone(name);
}

/**
 * Checks what can be checked before connecting to anything, so bad settings exit 2 at once.
 *
 * @throws ConfigError naming the setting
 */
export async function preflight(config: Config): Promise<Zone> {
  const zone = scheduleZone(config);
  if (config.apiServer.tls && config.apiServer.caCertPath) {
    try {
      await access(config.apiServer.caCertPath, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError('--caCertPath', `cannot read "${config.apiServer.caCertPath}" (${code})`);
    }
  }
  return zone;
}

/**
 * Runs the controller until `options.signal` aborts: informers, work queue, reconciler, the
 * KFP API client and the health server, all stopped through the one signal.
 */
export async function runController(config: Config, options: RunOptions): Promise<void> {
  const zone = await preflight(config);
  const onSubmitStep = faultCrashHook(options.env);
  const kubeConfig = await loadKubeConfig(config, options.env);
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = new ControllerMetrics();
  const kubeApi = new KubeApi(kubeConfig, new TokenBucket(config.clientQPS, config.clientBurst), {
    onWrite: (kind) => metrics.kubeWrites.inc({ kind }),
  });
  const address = `${config.apiServer.host}:${config.apiServer.port}`;
  const runs = await createRunClient({
    address,
    tls: config.apiServer.tls,
    caCertPath: config.apiServer.caCertPath,
    apiTokenFile: config.apiTokenFile,
    identity: config.userIdentity,
  });
  const controller = new Controller({
    kubeConfig,
    kubeApi,
    namespace: config.namespace,
    resyncIntervalMs: config.resyncIntervalSeconds * 1000,
    log,
    metrics,
  });
  // A standby counts as ready: it holds no work, and a rolling update waits for every new pod to be
  // ready while the old leader keeps the lease.
  let standingBy = config.leaderElect;
  const health = await startHealthServer(config.metricsPort, metrics, {
    ready: () => standingBy || controller.running,
  });
  options.onListening?.(health.port);
  log.info(
    {
      apiServer: address,
      tls: config.apiServer.tls,
      userIdentityKey: config.userIdentity?.key ?? null,
      apiTokenFile: config.apiTokenFile || null,
      timezone: zone.name,
      metricsPort: health.port,
    },
    'starting ScheduledWorkflow controller',
  );
  const reconciler = new ScheduledWorkflowReconciler({
    caches: controller,
    kubeApi,
    runs,
    events: new EventRecorder(kubeApi, log),
    metrics,
    zone,
    v1Block: config.v1Block,
    onSubmitStep,
  });
  try {
    if (!config.leaderElect) {
      await controller.run(reconciler, options.signal);
      return;
    }
    const outcome = await runLeaderElection(
      {
        kubeConfig,
        namespace: await leaseNamespace(config, options.env),
        name: LEASE_NAME,
        identity: `${hostname()}_${process.pid}`,
        log,
      },
      options.signal,
      (leading) => {
        standingBy = false;
        return controller.run(reconciler, leading);
      },
    );
    if (outcome === 'lost') throw new Error('leader election lost; exiting so a fresh process can stand by');
  } finally {
    runs.close();
    await new Promise((resolve) => health.server.close(resolve));
  }
}
