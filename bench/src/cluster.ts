/**
 * The world the controller is measured in: a real kube-apiserver and etcd with the generated CRD and
 * RBAC, a minimal Argo Workflow CRD, the controller's service-account token, the KFP API double in
 * multi-user mode reviewing against the same API server and creating each run's Argo Workflow as
 * KFP's `ml-pipeline` service account, and a stand-in for Argo that finishes those Workflows.
 */
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
} from '@kubernetes/client-node';
import { layerObjects, synthBase, synthMultiUser } from '@swf/manifests';
import {
  ArgoStandIn,
  type ControlPlane,
  installKfpApiServerIdentity,
  SERVICE_ACCOUNT_ISSUER,
  startControlPlane,
} from '@swf/testkit';
import { KeepAliveKubeConfig } from './keep-alive-kubeconfig.js';
import { KfpDoubleProcess } from './kfp-double-process.js';
import { BENCH_PIPELINE, type Placement, team } from './population.js';

/** Namespace the controller runs in, as the multi-user manifests install it. */
export const CONTROLLER_NAMESPACE = 'kubeflow';
/** The controller's service account. */
export const CONTROLLER_SA = 'ml-pipeline-scheduledworkflow';
/** The identity the multi-user overlay gives the controller. */
export const CONTROLLER_IDENTITY = `system:serviceaccount:${CONTROLLER_NAMESPACE}:${CONTROLLER_SA}`;

/** The token lasts longer than any run of the benchmark. */
const TOKEN_SECONDS = 6 * 3600;

/**
 * How long each run's Workflow "runs" before the stand-in for Argo marks it Succeeded. No Argo
 * controller runs here: without the stand-in no Workflow would finish, and once a resource had
 * `maxConcurrency` (10) runs its fires would stop arriving, which a window of more than ten
 * periods would count as missed fires.
 */
export const WORKFLOW_RUN_SECONDS = 5;

/** Enough of Argo's Workflow CRD for the controller's Workflow informer to list and watch. */
const ARGO_WORKFLOW_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'workflows.argoproj.io' },
  spec: {
    group: 'argoproj.io',
    scope: 'Namespaced',
    names: { plural: 'workflows', singular: 'workflow', kind: 'Workflow' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** A running control plane prepared for the controller, and the KFP API double. */
export interface BenchCluster {
  readonly plane: ControlPlane;
  readonly admin: KubeConfig;
  /** Path of a kubeconfig holding the controller's service-account token (not admin). */
  readonly controllerKubeconfig: string;
  /**
   * The KFP API double, in its own process as the KFP API server is; its `reviewsMs` are how long
   * each SubjectAccessReview it made took (part of every CreateRun it answers).
   */
  readonly kfp: KfpDoubleProcess;
  /**
   * Finishes each Workflow {@link WORKFLOW_RUN_SECONDS} after its creation; null when asked not
   * to (the idle scenario keeps its blocked resources' runs active).
   */
  readonly argo: ArgoStandIn | null;
  /** The namespaces resources are spread over, and the experiment of each. */
  readonly teams: readonly Placement[];
  stop(): Promise<void>;
}

/** Options of {@link startBenchCluster}. */
export interface BenchClusterOptions {
  /** Namespaces (one KFP experiment each). */
  readonly namespaces: number;
  /** Run the stand-in for Argo, which finishes every Workflow; without it none finishes. */
  readonly finishWorkflows: boolean;
}

/**
 * Starts the control plane, installs what the multi-user manifests install (without the
 * Deployment) and the KFP API server's identity, starts the KFP API double with one experiment per
 * namespace, and the stand-in for Argo when asked.
 */
export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const plane = await startControlPlane();
  try {
    const admin = KeepAliveKubeConfig.from(plane.adminKubeConfig());
    const teams = Array.from({ length: options.namespaces }, (_, index) => team(index));
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [CONTROLLER_NAMESPACE, ...teams.map((t) => t.namespace)]) {
      await core.createNamespace({ body: { metadata: { name } } });
    }
    await installManifests(admin);
    const minted = await core.createNamespacedServiceAccountToken({
      name: CONTROLLER_SA,
      namespace: CONTROLLER_NAMESPACE,
      body: { spec: { audiences: [SERVICE_ACCOUNT_ISSUER], expirationSeconds: TOKEN_SECONDS } },
    });
    const controllerKubeconfig = await plane.writeKubeconfig(minted.status?.token ?? '', 'controller');
    const apiServer = await installKfpApiServerIdentity(admin, {
      namespace: CONTROLLER_NAMESPACE,
      token: { expirationSeconds: TOKEN_SECONDS },
    });
    const kfp = await KfpDoubleProcess.start({
      reviewerKubeconfig: admin.exportConfig(),
      runClusterKubeconfig: apiServer.kubeConfig.exportConfig(),
      experiments: Object.fromEntries(teams.map((t) => [t.experimentId, t.namespace])),
      pipelines: { [BENCH_PIPELINE.id]: BENCH_PIPELINE.name },
    });
    const argo = options.finishWorkflows
      ? ArgoStandIn.start(admin, { runMs: WORKFLOW_RUN_SECONDS * 1000 })
      : null;
    return {
      plane,
      admin,
      controllerKubeconfig,
      kfp,
      argo,
      teams,
      async stop() {
        await argo?.stop();
        await kfp.close();
        await plane.stop();
      },
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

async function installManifests(admin: KubeConfig): Promise<void> {
  const props = { namespace: CONTROLLER_NAMESPACE };
  const generated = [
    ...layerObjects(synthBase(props)).filter((o) => o.kind !== 'Deployment'),
    ...layerObjects(synthMultiUser(props)).filter(
      (o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding',
    ),
    ARGO_WORKFLOW_CRD,
  ];
  const objects = admin.makeApiClient(KubernetesObjectApi);
  // Through client-node's typed models, which drop `x-kubernetes-*` keys from raw objects.
  for (const obj of generated) await objects.create(loadYaml<KubernetesObject>(JSON.stringify(obj)));
  const crds = admin.makeApiClient(ApiextensionsV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  for (const [group, version, plural] of SERVED_RESOURCES) {
    const name = `${plural}.${group}`;
    await poll(`CRD ${name} to be established`, async () => {
      const crd = await crds.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    });
    // An established CRD answers 429 "storage is (re)initializing" for a moment longer.
    await poll(`${name} to be served`, async () => {
      await custom.listClusterCustomObject({ group, version, plural, limit: 1 });
      return true;
    });
  }
}

/** The custom resources the controller lists and watches: group, version, plural. */
const SERVED_RESOURCES = [
  ['kubeflow.org', 'v1beta1', 'scheduledworkflows'],
  ['argoproj.io', 'v1alpha1', 'workflows'],
] as const;

/**
 * Polls `check` every 100 ms until it returns true.
 *
 * @throws Error naming `what` after `timeoutMs`.
 */
export async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
