import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { multiUserInstallObjects } from '@swf/manifests';
import {
  ARGO_WORKFLOW_CRD,
  ArgoStandIn,
  applyObjects,
  freePorts,
  installKfpApiServerIdentity,
  KfpApiDouble,
  KubeAccessReviewer,
  KubeRunCluster,
  mintServiceAccountToken,
  type RecordedCall,
  type ScheduledWorkflowObject,
  SupervisedProcess,
  startControlPlane,
} from '@swf/testkit';
import { type ControllerPod, multiUserControllerPod, multiUserInstallConfig } from './controller-pod.js';
import type { StackOptions } from './options.js';
import {
  type ObservedCall,
  type ObservedSchedule,
  type ObservedWorkflow,
  runRows,
  type ScheduleObject,
  scheduleKey,
  scheduleRows,
  triggeredRun,
} from './runs.js';
import { embeddedSpecSample, latestVersionSample, type SampleSchedule } from './samples.js';
import { Teardown } from './teardown.js';
import type { StackInfo, ViewState } from './view.js';
import { watchResource } from './watch.js';

/** The identity settings of multi-user KFP's install ConfigMap, which the local stack sets. */
export const LOCAL_IDENTITY = Object.freeze({ header: 'kubeflow-userid', prefix: '' });
/** The experiment the local KFP API double knows, in the samples' namespace. */
export const LOCAL_EXPERIMENT_ID = 'local-stack-experiment';
const LOCAL_PIPELINE_ID = 'local-stack-pipeline';
/** The pipeline's name, which names the Workflows the double creates (as in the recording). */
const LOCAL_PIPELINE_NAME = 'hello-world';
/**
 * How long a Workflow "runs" before the stand-in for Argo marks it Succeeded. Without it no
 * Workflow would ever finish and `maxConcurrency` (10) would stop each sample after ten runs.
 */
export const LOCAL_WORKFLOW_RUN_SECONDS = 5;

const SWF = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;
const WORKFLOW = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

/** A running stack: what the view reads, and how to stop it. */
export interface Stack {
  readonly info: StackInfo;
  /** The folder holding the controller's kubeconfig, token and log. */
  readonly workDir: string;
  /** Everything observed so far, derived into rows. */
  state(): ViewState;
  /** Resolves with the controller's exit code if it exits before `stop`. */
  readonly controllerExited: Promise<number | null>;
  /** Stops the controller, the watches, and what local mode started; deletes the samples in cluster mode. */
  stop(): Promise<string[]>;
}

/** Where the cluster side comes from in each mode. */
interface Cluster {
  readonly admin: KubeConfig;
  readonly kfpAddress: string;
  readonly adminKubeconfig: string | null;
  readonly calls: () => readonly RecordedCall[];
  /**
   * Tells the local KFP API double of a recurring run the stack made (KFP's job row, as its
   * `CreateRecurringRun` writes it with the object); does nothing with a real KFP.
   */
  readonly addRecurringRun: (swf: ScheduledWorkflowObject) => void;
  readonly kfp: KfpReferencesOrNull;
  /** Seconds the local stand-in for Argo lets each Workflow run; `null` when a real cluster runs Argo. */
  readonly workflowRunSeconds: number | null;
}

type KfpReferencesOrNull = { experimentId: string; pipelineId: string } | null;

/**
 * Starts the stack. Local mode: a control plane with the generated CRD and RBAC, the KFP API
 * double in multi-user mode creating each run's Workflow as KFP's `ml-pipeline` service account, a
 * stand-in for Argo that finishes Workflows, the controller bundle as a child process configured
 * as the generated multi-user Deployment configures it, and two sample recurring runs. Cluster mode
 * (`options.kubeconfig`): only the controller and the samples, against that cluster.
 *
 * @param signal - aborting it during start-up stops what has started and rejects
 */
export async function startStack(
  options: StackOptions,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<Stack> {
  const teardown = new Teardown();
  try {
    return await start(options, log, signal, teardown);
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

async function start(
  options: StackOptions,
  log: (line: string) => void,
  signal: AbortSignal,
  teardown: Teardown,
): Promise<Stack> {
  const startedAt = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'swf-local-stack-'));
  teardown.add('work folder', () => rm(workDir, { recursive: true, force: true }));
  const cluster =
    options.kubeconfig === null
      ? await startLocalCluster(options, log, signal, teardown)
      : remoteCluster(options, options.kubeconfig);
  signal.throwIfAborted();
  const pod = multiUserControllerPod(
    { namespace: options.controllerNamespace },
    await readInstallConfig(cluster.admin, options.controllerNamespace),
  );
  const controllerKubeconfig = await controllerCredentials(cluster.admin, pod, workDir);
  signal.throwIfAborted();
  const kubeIdentity = await whoAmI(controllerKubeconfig.path);
  const [metricsPort] = await freePorts(1);
  const logFile = join(workDir, 'controller.log');
  const controller = startController(pod, {
    kubeconfig: controllerKubeconfig.path,
    apiTokenFile: controllerKubeconfig.apiTokenFile,
    kfpAddress: cluster.kfpAddress,
    metricsPort: metricsPort as number,
    logFile,
  });
  teardown.add('controller', () => controller.stop());
  log(`controller started (pid ${controller.pid}), log ${logFile}`);

  const observed = observe(cluster.admin, options.namespace, teardown);
  const notices = await createSamples(cluster, options, teardown);
  const info: StackInfo = {
    mode: options.kubeconfig === null ? 'local' : 'cluster',
    server: cluster.admin.getCurrentCluster()?.server ?? '',
    adminKubeconfig: cluster.adminKubeconfig,
    kfpAddress: cluster.kfpAddress,
    controllerPid: controller.pid ?? null,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    logFile,
    env: pod.env,
    kubeIdentity,
    workflowRunSeconds: cluster.workflowRunSeconds,
    startedAt,
  };
  const exitNotices: string[] = [];
  const controllerExited = controller.exited.then((code) => {
    if (!controller.stopping) exitNotices.push(`controller exited with code ${code}: see ${logFile}`);
    return code;
  });
  return {
    info,
    workDir,
    controllerExited,
    state: () => ({
      info: { ...info, controllerPid: exitNotices.length > 0 ? null : info.controllerPid },
      schedules: scheduleRows([...observed.schedules.values()]),
      runs: runRows(
        [...observed.schedules.values()],
        cluster.calls().map(toObservedCall),
        observed.workflows,
        kubeIdentity,
      ),
      notices: [...notices, ...exitNotices],
    }),
    stop: () => teardown.run(),
  };
}

async function startLocalCluster(
  options: StackOptions,
  log: (line: string) => void,
  signal: AbortSignal,
  teardown: Teardown,
): Promise<Cluster> {
  log('starting etcd and kube-apiserver on 127.0.0.1 ...');
  const plane = await startControlPlane({ log });
  teardown.add('control plane', () => plane.stop());
  log(`control plane ready in ${plane.startupMs} ms at ${plane.server}`);
  signal.throwIfAborted();
  const admin = plane.adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of new Set([options.controllerNamespace, options.namespace])) {
    await core.createNamespace({ body: { metadata: { name } } });
  }
  // The ConfigMap KFP's multi-user install holds; the controller's env reads it, as in a cluster.
  for (const [name, data] of Object.entries(
    multiUserInstallConfig({ namespace: options.controllerNamespace }, LOCAL_IDENTITY),
  )) {
    await core.createNamespacedConfigMap({
      namespace: options.controllerNamespace,
      body: { metadata: { name }, data },
    });
  }
  await applyObjects(admin, [
    ...multiUserInstallObjects({ namespace: options.controllerNamespace }),
    ARGO_WORKFLOW_CRD,
  ]);
  log('applied the generated CRD and RBAC, and an Argo Workflow CRD');
  // KFP's API server and this controller share a namespace in KFP's install.
  const apiServer = await installKfpApiServerIdentity(admin, { namespace: options.controllerNamespace });
  const kfp = await KfpApiDouble.start({
    reviewer: new KubeAccessReviewer(admin),
    experiments: { [LOCAL_EXPERIMENT_ID]: options.namespace },
    userIdHeader: LOCAL_IDENTITY.header,
    userIdPrefix: LOCAL_IDENTITY.prefix,
    cluster: new KubeRunCluster(apiServer.kubeConfig),
    pipelines: { [LOCAL_PIPELINE_ID]: LOCAL_PIPELINE_NAME },
  });
  teardown.add('KFP API double', () => kfp.close());
  log(`KFP API double (multi-user) on ${kfp.address}, creating Workflows as ${apiServer.user}`);
  const argo = ArgoStandIn.start(admin, {
    namespace: options.namespace,
    runMs: LOCAL_WORKFLOW_RUN_SECONDS * 1000,
  });
  teardown.add('Argo stand-in', () => argo.stop());
  log(
    `stand-in for Argo: each Workflow in ${options.namespace} succeeds ${LOCAL_WORKFLOW_RUN_SECONDS} s after creation`,
  );
  return {
    admin,
    kfpAddress: kfp.address,
    adminKubeconfig: plane.kubeconfigPath,
    calls: () => kfp.calls,
    addRecurringRun: (swf) => kfp.addRecurringRun(swf),
    kfp: { experimentId: LOCAL_EXPERIMENT_ID, pipelineId: LOCAL_PIPELINE_ID },
    workflowRunSeconds: LOCAL_WORKFLOW_RUN_SECONDS,
  };
}

function remoteCluster(options: StackOptions, kubeconfig: string): Cluster {
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfig);
  return {
    admin,
    kfpAddress: options.kfpAddress,
    adminKubeconfig: null,
    calls: () => [],
    addRecurringRun: () => {},
    kfp:
      options.experimentId && options.pipelineId
        ? { experimentId: options.experimentId, pipelineId: options.pipelineId }
        : null,
    workflowRunSeconds: null,
  };
}

/** The install ConfigMap's data by name, as the kubelet would read it; a missing one is absent. */
async function readInstallConfig(
  admin: KubeConfig,
  namespace: string,
): Promise<Record<string, Record<string, string>>> {
  const name = Object.keys(multiUserInstallConfig({ namespace }, LOCAL_IDENTITY))[0] as string;
  const configMap = await admin
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name, namespace })
    .catch(() => null);
  return configMap ? { [name]: configMap.data ?? {} } : {};
}

/**
 * The controller's credentials, as its pod gets them: a kubeconfig with a token of its service
 * account (the pod's automounted token), and the projected token it sends to the KFP API server.
 */
async function controllerCredentials(
  admin: KubeConfig,
  pod: ControllerPod,
  workDir: string,
): Promise<{ path: string; apiTokenFile: string }> {
  const token = await mintServiceAccountToken(admin, pod.namespace, pod.serviceAccount);
  const path = join(workDir, 'controller.kubeconfig');
  await writeFile(path, tokenKubeconfig(admin, token, pod.serviceAccount), { mode: 0o600 });
  const apiToken = await mintServiceAccountToken(admin, pod.namespace, pod.serviceAccount, {
    audiences: [pod.tokenAudience],
  });
  const tokenDir = join(workDir, 'tokens');
  await mkdir(tokenDir, { recursive: true });
  const apiTokenFile = join(tokenDir, pod.tokenFile);
  await writeFile(apiTokenFile, apiToken, { mode: 0o600 });
  return { path, apiTokenFile };
}

function tokenKubeconfig(admin: KubeConfig, token: string, user: string): string {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return config.exportConfig();
}

/** Who the kube-apiserver authenticates a kubeconfig as (SelfSubjectReview), or `null`. */
async function whoAmI(kubeconfigPath: string): Promise<string | null> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const review = await config
    .makeApiClient(AuthenticationV1Api)
    .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } })
    .catch(() => null);
  return review?.status?.userInfo?.username ?? null;
}

interface ControllerWiring {
  readonly kubeconfig: string;
  readonly apiTokenFile: string;
  readonly kfpAddress: string;
  readonly metricsPort: number;
  readonly logFile: string;
}

/**
 * Runs the built bundle with exactly the pod's env (nothing inherited) and the flags an
 * out-of-cluster run needs; the child dies with this process.
 */
function startController(pod: ControllerPod, wiring: ControllerWiring): SupervisedProcess {
  const bundle = createRequire(import.meta.url).resolve('@swf/controller/bundle');
  const separator = wiring.kfpAddress.lastIndexOf(':');
  const flags = [
    `--kubeconfig=${wiring.kubeconfig}`,
    `--mlPipelineAPIServerName=${wiring.kfpAddress.slice(0, separator)}`,
    `--mlPipelineServiceGRPCPort=${wiring.kfpAddress.slice(separator + 1)}`,
    `--apiTokenFile=${wiring.apiTokenFile}`,
    // METRICS_PORT is 9090 in the manifest; a free port keeps two stacks (or a busy 9090) apart.
    `--metricsPort=${wiring.metricsPort}`,
  ];
  const env = Object.entries(pod.env).map(([name, value]) => `${name}=${value}`);
  return SupervisedProcess.start(
    'swf-controller',
    'env',
    ['-i', ...env, process.execPath, bundle, ...flags],
    wiring.logFile,
  );
}

interface Observed {
  readonly schedules: Map<string, ObservedSchedule>;
  readonly workflows: ObservedWorkflow[];
}

function observe(admin: KubeConfig, namespace: string, teardown: Teardown): Observed {
  const observed: Observed = { schedules: new Map(), workflows: [] };
  const schedules = watchResource<KubernetesObject & ScheduleObject>(
    admin,
    { ...SWF, namespace },
    (object) => {
      const key = scheduleKey(object);
      const scheduledByIndex = new Map(observed.schedules.get(key)?.scheduledByIndex);
      const triggered = triggeredRun(object);
      if (triggered) scheduledByIndex.set(...triggered);
      observed.schedules.set(key, { object, scheduledByIndex });
    },
  );
  const seen = new Set<string>();
  const workflows = watchResource(admin, { ...WORKFLOW, namespace }, (object, receivedAt) => {
    const name = object.metadata?.name ?? '';
    if (seen.has(name)) return;
    seen.add(name);
    observed.workflows.push({ namespace, name, labels: object.metadata?.labels ?? {}, seenAt: receivedAt });
  });
  teardown.add('watches', () => Promise.all([schedules.stop(), workflows.stop()]));
  return observed;
}

async function createSamples(cluster: Cluster, options: StackOptions, teardown: Teardown): Promise<string[]> {
  const samples: SampleSchedule[] = [embeddedSpecSample(options.namespace)];
  const notices: string[] = [];
  if (cluster.kfp) samples.push(latestVersionSample(options.namespace, cluster.kfp));
  else notices.push('latest-version sample skipped: pass --experiment and --pipeline (IDs in the KFP UI)');
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  for (const sample of samples) {
    const created = (await custom.createNamespacedCustomObject({
      ...SWF,
      namespace: options.namespace,
      body: sample,
    })) as ScheduledWorkflowObject;
    cluster.addRecurringRun(created);
    // In a real cluster the samples would keep firing after the stack stops.
    if (options.kubeconfig !== null) {
      teardown.add(`sample ${sample.metadata.name}`, () =>
        custom.deleteNamespacedCustomObject({
          ...SWF,
          namespace: options.namespace,
          name: sample.metadata.name,
        }),
      );
    }
  }
  return notices;
}

function toObservedCall(call: RecordedCall): ObservedCall {
  return {
    displayName: call.request.run?.displayName ?? '',
    recurringRunId: call.request.run?.recurringRunId ?? '',
    identity: call.identity,
    outcome:
      typeof call.outcome === 'string' ? call.outcome : `code ${call.outcome.code}: ${call.outcome.message}`,
    workflow: call.workflow,
    at: call.at,
  };
}
