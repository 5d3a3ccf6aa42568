import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  type CoreV1Event,
  CustomObjectsApi,
  type KubeConfig,
  type V1Lease,
  VersionApi,
} from '@kubernetes/client-node';
import {
  ARGO_GROUP,
  ARGO_VERSION,
  ARGO_WORKFLOW_PLURAL,
  type ArgoWorkflow,
  controllerUid,
} from '../domain/argo.js';
import { type ScheduledWorkflow, SWF_GROUP, SWF_PLURAL, SWF_VERSION } from '../domain/types.js';
import { makeKeepAliveApiClient } from './keep-alive.js';
import type { GroupBudgets } from './rate-limiter.js';

const COORDINATION_GROUP = 'coordination.k8s.io';

/**
 * Deadline of {@link KubeApi.probe}: `/version` is served from memory, so a probe that takes longer
 * found a dead connection, and a short deadline lets the next probe try a new one soon after a heal.
 */
const PROBE_TIMEOUT_MS = 5_000;
const CORE_GROUP = '';

/** HTTP status of a failed Kubernetes call, or undefined for a network error. */
export function statusCode(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code =
    (error as { code?: unknown; statusCode?: unknown })?.statusCode ?? (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Counts writes so the benchmark can report writes per fire. */
export interface WriteCounter {
  onWrite(kind: 'update' | 'create' | 'event'): void;
}

/** One RBAC permission the controller needs. */
export interface KubePermission {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

/**
 * Every Kubernetes call the controller makes, by {@link KubeApi} method (the informers' watches
 * are the `watch` of their list). The generated RBAC must grant each of these; a test holds the
 * two together.
 */
export const KUBE_API_PERMISSIONS = {
  listScheduledWorkflows: { group: SWF_GROUP, resource: SWF_PLURAL, verbs: ['list', 'watch'] },
  getScheduledWorkflow: { group: SWF_GROUP, resource: SWF_PLURAL, verbs: ['get'] },
  tryReplaceScheduledWorkflow: { group: SWF_GROUP, resource: SWF_PLURAL, verbs: ['update'] },
  replaceScheduledWorkflowWhenAllowed: { group: SWF_GROUP, resource: SWF_PLURAL, verbs: ['update'] },
  listWorkflows: { group: ARGO_GROUP, resource: ARGO_WORKFLOW_PLURAL, verbs: ['list', 'watch'] },
  // A Workflow's controller ownerReference blocks owner deletion; the OwnerReferencesPermission-
  // Enforcement admission plugin then requires update on the owner's finalizers.
  // `get` reads the Workflow that holds the name after a 409.
  createWorkflow: [
    { group: ARGO_GROUP, resource: ARGO_WORKFLOW_PLURAL, verbs: ['create', 'get'] },
    { group: SWF_GROUP, resource: `${SWF_PLURAL}/finalizers`, verbs: ['update'] },
  ],
  createEvent: { group: CORE_GROUP, resource: 'events', verbs: ['create'] },
  readLease: { group: COORDINATION_GROUP, resource: 'leases', verbs: ['get'] },
  createLease: { group: COORDINATION_GROUP, resource: 'leases', verbs: ['create'] },
  replaceLease: { group: COORDINATION_GROUP, resource: 'leases', verbs: ['update'] },
} as const satisfies Record<string, KubePermission | readonly KubePermission[]>;

/** Options of {@link KubeApi}. */
export interface KubeApiOptions {
  /** The `--clientQPS`/`--clientBurst` budget, one bucket per API group called. */
  readonly budgets: GroupBudgets;
  /** Deadline of every call (`--kubeRequestTimeoutSeconds`). */
  readonly requestTimeoutMs: number;
  /** Told of each write. @default none */
  readonly writes?: WriteCounter;
}

const SWF = { group: SWF_GROUP, version: SWF_VERSION, plural: SWF_PLURAL } as const;
const WORKFLOWS = { group: ARGO_GROUP, version: ARGO_VERSION, plural: ARGO_WORKFLOW_PLURAL } as const;

/**
 * The one client of the Kubernetes API: every call the controller makes, over kept-alive
 * connections and through the `--clientQPS`/`--clientBurst` budget of its API group. Reads for reconciling come
 * from informer caches; these are the lists that feed the informers, the writes, the fresh read
 * after a conflict, and the leader-election Lease.
 */
export class KubeApi {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;
  readonly #coordination: CoordinationV1Api;
  readonly #version: VersionApi;
  readonly #budgets: GroupBudgets;
  readonly #writes: WriteCounter | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeApiOptions) {
    const { requestTimeoutMs } = options;
    this.#custom = makeKeepAliveApiClient(kubeConfig, CustomObjectsApi, requestTimeoutMs);
    this.#core = makeKeepAliveApiClient(kubeConfig, CoreV1Api, requestTimeoutMs);
    this.#coordination = makeKeepAliveApiClient(kubeConfig, CoordinationV1Api, requestTimeoutMs);
    this.#version = makeKeepAliveApiClient(
      kubeConfig,
      VersionApi,
      Math.min(requestTimeoutMs, PROBE_TIMEOUT_MS),
    );
    this.#budgets = options.budgets;
    this.#writes = options.writes;
  }

  /** Lists ScheduledWorkflows in one namespace or all. */
  async listScheduledWorkflows(namespace: string): Promise<{ items: ScheduledWorkflow[] }> {
    await this.#budgets.of(SWF_GROUP).take();
    return namespace
      ? this.#custom.listNamespacedCustomObject({ ...SWF, namespace })
      : this.#custom.listClusterCustomObject(SWF);
  }

  /** Lists Argo Workflows matching a label selector, in one namespace or all. */
  async listWorkflows(namespace: string, labelSelector: string): Promise<{ items: ArgoWorkflow[] }> {
    await this.#budgets.of(ARGO_GROUP).take();
    return namespace
      ? this.#custom.listNamespacedCustomObject({ ...WORKFLOWS, labelSelector, namespace })
      : this.#custom.listClusterCustomObject({ ...WORKFLOWS, labelSelector });
  }

  /** Reads a ScheduledWorkflow from the API server (not the cache), e.g. after a conflict. */
  async getScheduledWorkflow(namespace: string, name: string): Promise<ScheduledWorkflow> {
    await this.#budgets.of(SWF_GROUP).take();
    return this.#custom.getNamespacedCustomObject({ ...SWF, namespace, name });
  }

  /**
   * Replaces a ScheduledWorkflow if the budget of its API group has a token now, without waiting:
   * `'throttled'` (nothing sent) otherwise. For writes that can be made later instead.
   */
  async tryReplaceScheduledWorkflow(swf: ScheduledWorkflow): Promise<ScheduledWorkflow | 'throttled'> {
    if (!this.#budgets.of(SWF_GROUP).tryTake()) return 'throttled';
    return this.#replace(swf);
  }

  /**
   * Waits for a token of the budget, then replaces the ScheduledWorkflow `latest` returns then
   * (built after the wait, so it carries whatever changed meanwhile); nothing when it returns
   * undefined.
   */
  async replaceScheduledWorkflowWhenAllowed(
    latest: () => ScheduledWorkflow | undefined,
  ): Promise<ScheduledWorkflow | undefined> {
    await this.#budgets.of(SWF_GROUP).take();
    const swf = latest();
    return swf === undefined ? undefined : this.#replace(swf);
  }

  /** Replaces a ScheduledWorkflow; its resourceVersion makes a stale write fail with 409. */
  #replace(swf: ScheduledWorkflow): Promise<ScheduledWorkflow> {
    this.#writes?.onWrite('update');
    return this.#custom.replaceNamespacedCustomObject({
      ...SWF,
      namespace: swf.metadata.namespace as string,
      name: swf.metadata.name as string,
      body: swf,
    });
  }

  /**
   * Creates a Workflow. When one of that name is there already: `exists` if it has the same
   * controller (this run, from an earlier try whose answer was lost); else `heldBy` the uid of its
   * controller, `''` for none: not this run, but a Workflow an earlier resource of the same name
   * left behind (deleted, and the garbage collector has not removed its Workflows yet, or was told
   * to orphan them).
   */
  async createWorkflow(
    namespace: string,
    workflow: ArgoWorkflow,
  ): Promise<'created' | 'exists' | { heldBy: string }> {
    await this.#budgets.of(ARGO_GROUP).take();
    this.#writes?.onWrite('create');
    try {
      await this.#custom.createNamespacedCustomObject({ ...WORKFLOWS, namespace, body: workflow });
      return 'created';
    } catch (error) {
      if (statusCode(error) !== 409) throw error;
    }
    await this.#budgets.of(ARGO_GROUP).take();
    const name = workflow.metadata?.name ?? '';
    const existing = (await this.#custom.getNamespacedCustomObject({
      ...WORKFLOWS,
      namespace,
      name,
    })) as ArgoWorkflow;
    const heldBy = controllerUid(existing);
    return heldBy === controllerUid(workflow) ? 'exists' : { heldBy };
  }

  /** Records a core/v1 Event. */
  async createEvent(event: CoreV1Event): Promise<void> {
    await this.#budgets.of(CORE_GROUP).take();
    this.#writes?.onWrite('event');
    await this.#core.createNamespacedEvent({ namespace: event.metadata?.namespace as string, body: event });
  }

  /**
   * Asks the API server for its version: whether it can be reached, over a kept-alive connection
   * (its own, as each API client has), within {@link PROBE_TIMEOUT_MS}. Outside the budget (it is no work), and outside
   * {@link KUBE_API_PERMISSIONS}: every cluster lets any identity read `/version`
   * (`system:public-info-viewer`).
   */
  async probe(): Promise<void> {
    await this.#version.getCode();
  }

  /** Reads a Lease. */
  async readLease(namespace: string, name: string): Promise<V1Lease> {
    await this.#budgets.of(COORDINATION_GROUP).take();
    return this.#coordination.readNamespacedLease({ namespace, name });
  }

  /** Creates a Lease; 409 when another replica created it first. */
  async createLease(lease: V1Lease): Promise<V1Lease> {
    await this.#budgets.of(COORDINATION_GROUP).take();
    return this.#coordination.createNamespacedLease({
      namespace: lease.metadata?.namespace as string,
      body: lease,
    });
  }

  /** Replaces a Lease; its resourceVersion makes a stale write fail with 409. */
  async replaceLease(lease: V1Lease): Promise<V1Lease> {
    await this.#budgets.of(COORDINATION_GROUP).take();
    return this.#coordination.replaceNamespacedLease({
      namespace: lease.metadata?.namespace as string,
      name: lease.metadata?.name as string,
      body: lease,
    });
  }
}
