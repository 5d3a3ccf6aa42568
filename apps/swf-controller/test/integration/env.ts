import { Writable } from 'node:stream';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { multiUserInstallObjects } from '@swf/manifests';
import {
  ARGO_WORKFLOW_CRD,
  applyObjects,
  type ControlPlane,
  installKfpApiServerIdentity,
  KfpApiDouble,
  KubeAccessReviewer,
  KubeRunCluster,
  mintServiceAccountToken,
  startControlPlane,
  waitFor,
} from '@swf/testkit';
import { pino } from 'pino';
import { runController } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/config.js';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';

/** Where the controller runs, as the multi-user manifests install it. */
export const CONTROLLER_NAMESPACE = 'kubeflow';
export const CONTROLLER_SA = 'ml-pipeline-scheduledworkflow';
/** The identity the multi-user patch gives the controller. */
export const CONTROLLER_IDENTITY = `system:serviceaccount:${CONTROLLER_NAMESPACE}:${CONTROLLER_SA}`;

/** A control plane with the generated CRD and RBAC applied, and the controller's own kubeconfig. */
export interface TestEnv {
  readonly plane: ControlPlane;
  readonly admin: KubeConfig;
  /** A kubeconfig holding a token of the controller's service account (not admin). */
  readonly controllerKubeconfig: string;
  readonly custom: CustomObjectsApi;
  stop(): Promise<void>;
}

/** Polls until a probe returns a value (re-exported so tests import one place). */
export { waitFor };

/**
 * Starts the control plane and installs what the multi-user manifests install: the CRD, the
 * service account, the Role/RoleBinding and ClusterRole/ClusterRoleBinding, plus a minimal Argo
 * Workflow CRD. The controller then runs with its own service account's token.
 */
export async function startEnv(namespaces: string[]): Promise<TestEnv> {
  // Many clusters enable this plugin; with it, a Workflow that blocks its owner's deletion needs
  // update on the owner's finalizers, which the generated RBAC must grant.
  const plane = await startControlPlane({ admissionPlugins: ['OwnerReferencesPermissionEnforcement'] });
  const admin = plane.adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of [CONTROLLER_NAMESPACE, ...namespaces]) {
    await core.createNamespace({ body: { metadata: { name } } });
  }
  await applyObjects(admin, [
    ...multiUserInstallObjects({ namespace: CONTROLLER_NAMESPACE }),
    ARGO_WORKFLOW_CRD,
  ]);
  const token = await mintServiceAccountToken(admin, CONTROLLER_NAMESPACE, CONTROLLER_SA);
  const controllerKubeconfig = await plane.writeKubeconfig(token, 'controller');
  const custom = admin.makeApiClient(CustomObjectsApi);
  return { plane, admin, controllerKubeconfig, custom, stop: () => plane.stop() };
}

/** A running controller and what it logged. */
export interface RunningController {
  readonly logs: Array<Record<string, unknown>>;
  readonly metricsPort: Promise<number>;
  stop(): Promise<void>;
}

/** Runs the controller in this process with the given flags and env, as the binary would. */
export function startController(argv: string[], env: Record<string, string>): RunningController {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig(argv, env);
  const aborter = new AbortController();
  let listening: (port: number) => void = () => {};
  const metricsPort = new Promise<number>((resolve) => {
    listening = resolve;
  });
  const log = pino({ level: 'debug', redact: ['authorization', '*.authorization'] }, sink);
  const done = runController(config, { signal: aborter.signal, log, onListening: listening });
  done.catch((error: unknown) => logs.push({ msg: 'controller crashed', err: String(error) }));
  return {
    logs,
    metricsPort,
    async stop() {
      aborter.abort();
      await done.catch(() => undefined);
    },
  };
}

/** Pipeline the latest-version tests run; the double names its Workflows after it. */
export const PIPELINE = { id: 'pipeline-1', name: 'hello-world' } as const;

/** The doubles started on each env: a recurring run {@link createSwf} makes is one each of them knows. */
const doublesOf = new WeakMap<TestEnv, KfpApiDouble[]>();

/**
 * Starts the KFP API double in multi-user mode, reviewing against the control plane, and making
 * each run's Workflow there as the KFP API server's own service account, as the real server does.
 * The ScheduledWorkflows {@link createSwf} makes from then on are recurring runs it knows.
 */
export async function startKfpDouble(
  env: TestEnv,
  experiments: Record<string, string>,
  options: { prefix?: string } = {},
): Promise<KfpApiDouble> {
  const apiServer = await installKfpApiServerIdentity(env.admin);
  const kfp = await KfpApiDouble.start({
    reviewer: new KubeAccessReviewer(env.admin),
    experiments,
    userIdPrefix: options.prefix ?? '',
    cluster: new KubeRunCluster(apiServer.kubeConfig),
    pipelines: { [PIPELINE.id]: PIPELINE.name },
  });
  doublesOf.set(env, [...(doublesOf.get(env) ?? []), kfp]);
  return kfp;
}

/** A ScheduledWorkflow body. */
export function scheduledWorkflow(
  namespace: string,
  name: string,
  spec: ScheduledWorkflow['spec'],
): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name, namespace },
    spec,
  };
}

/**
 * Creates a ScheduledWorkflow as admin, in the KFP API server's role: as its `CreateRecurringRun`
 * does, the doubles of {@link startKfpDouble} on `env` get its job row, so they start its runs.
 */
export async function createSwf(env: TestEnv, swf: ScheduledWorkflow): Promise<ScheduledWorkflow> {
  const created: ScheduledWorkflow = await env.custom.createNamespacedCustomObject({
    group: 'kubeflow.org',
    version: 'v1beta1',
    plural: 'scheduledworkflows',
    namespace: swf.metadata.namespace as string,
    body: swf,
  });
  for (const kfp of doublesOf.get(env) ?? []) kfp.addRecurringRun(created);
  return created;
}

/** Reads a ScheduledWorkflow as admin. */
export async function getSwf(env: TestEnv, namespace: string, name: string): Promise<ScheduledWorkflow> {
  return env.custom.getNamespacedCustomObject({
    group: 'kubeflow.org',
    version: 'v1beta1',
    plural: 'scheduledworkflows',
    namespace,
    name,
  });
}

/** A control plane, the KFP API double and an in-process controller using both, as a test file uses them. */
export interface TestStack {
  readonly env: TestEnv;
  readonly kfp: KfpApiDouble;
  readonly controller: RunningController;
  stop(): Promise<void>;
}

/** What {@link startStack} starts. */
export interface TestStackOptions {
  /** Namespaces to create besides the controller's. */
  readonly namespaces: string[];
  /** Experiment ID to namespace, for the double. */
  readonly experiments: Record<string, string>;
  /** Send the controller's identity, as the multi-user install configures it. @default true */
  readonly identity?: boolean;
  /** Flags beyond the connection flags. @default [] */
  readonly flags?: string[];
  /** Env vars that override the defaults (300 s resync, QPS 50/100, UTC). @default {} */
  readonly env?: Record<string, string>;
}

/**
 * Starts the control plane, the double in multi-user mode and the controller, connected as the
 * multi-user install connects them (its service account's kubeconfig, no token file). The resync is
 * 300 s, so whatever fires in a test fired on its schedule.
 */
export async function startStack(options: TestStackOptions): Promise<TestStack> {
  const env = await startEnv(options.namespaces);
  const kfp = await startKfpDouble(env, options.experiments);
  const controller = startController(...stackControllerSettings(env, kfp, options));
  return {
    env,
    kfp,
    controller,
    async stop() {
      await controller.stop();
      await kfp.close();
      await env.stop();
    },
  };
}

/**
 * The flags and env of {@link startStack}'s controller: connected to `env` with its service
 * account's kubeconfig and to `kfp` with no token file, as the multi-user install connects it. For
 * a test that starts another controller on the same stack.
 */
export function stackControllerSettings(
  env: TestEnv,
  kfp: KfpApiDouble,
  options: Pick<TestStackOptions, 'identity' | 'flags' | 'env'>,
): [argv: string[], env: Record<string, string>] {
  const identity: Record<string, string> =
    options.identity === false
      ? {}
      : { USER_IDENTITY_HEADER: 'kubeflow-userid', USER_IDENTITY_VALUE: CONTROLLER_IDENTITY };
  return [
    [
      `--kubeconfig=${env.controllerKubeconfig}`,
      '--mlPipelineAPIServerName=127.0.0.1',
      `--mlPipelineServiceGRPCPort=${kfp.port}`,
      '--metricsPort=0',
      '--apiTokenFile=',
      ...(options.flags ?? []),
    ],
    {
      ...identity,
      RESYNC_INTERVAL_SECONDS: '300',
      CLIENT_QPS: '50',
      CLIENT_BURST: '100',
      CRON_SCHEDULE_TIMEZONE: 'UTC',
      ...options.env,
    },
  ];
}

/** The Argo Workflows a ScheduledWorkflow made (by its name label) in `namespace`, sorted by name. */
export async function workflowsOf(env: TestEnv, namespace: string, swf: string): Promise<ArgoWorkflow[]> {
  const list = (await env.custom.listNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'workflows',
    namespace,
    labelSelector: `scheduledworkflows.kubeflow.org/scheduledWorkflowName=${swf}`,
  })) as { items: ArgoWorkflow[] };
  return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}
