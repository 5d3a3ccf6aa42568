import {
  ApiException,
  CoreV1Api,
  type CoreV1Event,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { type ScheduledWorkflow, SWF_GROUP, SWF_PLURAL, SWF_VERSION } from '../domain/types.js';
import { makeKeepAliveApiClient } from './keep-alive.js';
import type { TokenBucket } from './rate-limiter.js';

/** Argo Workflow coordinates. */
export const WORKFLOW_GROUP = 'argoproj.io';
export const WORKFLOW_VERSION = 'v1alpha1';
export const WORKFLOW_PLURAL = 'workflows';

/** An Argo Workflow as the controller reads it. */
export type Workflow = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  };
  spec?: Record<string, unknown>;
  status?: { phase?: string; message?: string; startedAt?: string | null; finishedAt?: string | null };
};

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

/**
 * The Kubernetes calls the controller makes, each through the `--clientQPS`/`--clientBurst`
 * limiter. Reads for reconciling come from informer caches; these are the writes, the fresh
 * read after a conflict, and the lists that feed the informers.
 */
export class KubeApi {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly limiter: TokenBucket,
    private readonly writes?: WriteCounter,
  ) {
    this.#custom = makeKeepAliveApiClient(kubeConfig, CustomObjectsApi);
    this.#core = makeKeepAliveApiClient(kubeConfig, CoreV1Api);
  }

  /** Lists ScheduledWorkflows in one namespace or all. */
  async listScheduledWorkflows(namespace: string): Promise<{ items: ScheduledWorkflow[] }> {
    await this.limiter.take();
    const coordinates = { group: SWF_GROUP, version: SWF_VERSION, plural: SWF_PLURAL };
    return namespace
      ? this.#custom.listNamespacedCustomObject({ ...coordinates, namespace })
      : this.#custom.listClusterCustomObject(coordinates);
  }

  /** Lists Argo Workflows matching a label selector, in one namespace or all. */
  async listWorkflows(namespace: string, labelSelector: string): Promise<{ items: Workflow[] }> {
    await this.limiter.take();
    const coordinates = {
      group: WORKFLOW_GROUP,
      version: WORKFLOW_VERSION,
      plural: WORKFLOW_PLURAL,
      labelSelector,
    };
    return namespace
      ? this.#custom.listNamespacedCustomObject({ ...coordinates, namespace })
      : this.#custom.listClusterCustomObject(coordinates);
  }

  /** Reads a ScheduledWorkflow from the API server (not the cache), e.g. after a conflict. */
  async getScheduledWorkflow(namespace: string, name: string): Promise<ScheduledWorkflow> {
    await this.limiter.take();
    return this.#custom.getNamespacedCustomObject({
      group: SWF_GROUP,
      version: SWF_VERSION,
      plural: SWF_PLURAL,
      namespace,
      name,
    });
  }

  /** Replaces a ScheduledWorkflow; its resourceVersion makes a stale write fail with 409. */
  async replaceScheduledWorkflow(swf: ScheduledWorkflow): Promise<ScheduledWorkflow> {
    await this.limiter.take();
    this.writes?.onWrite('update');
    return this.#custom.replaceNamespacedCustomObject({
      group: SWF_GROUP,
      version: SWF_VERSION,
      plural: SWF_PLURAL,
      namespace: swf.metadata.namespace as string,
      name: swf.metadata.name as string,
      body: swf,
    });
  }

  /** Creates a Workflow; `exists` when one with that name is already there (submitted before). */
  async createWorkflow(namespace: string, workflow: Workflow): Promise<'created' | 'exists'> {
    await this.limiter.take();
    this.writes?.onWrite('create');
    try {
      await this.#custom.createNamespacedCustomObject({
        group: WORKFLOW_GROUP,
        version: WORKFLOW_VERSION,
        plural: WORKFLOW_PLURAL,
        namespace,
        body: workflow,
      });
      return 'created';
    } catch (error) {
      if (statusCode(error) === 409) return 'exists';
      throw error;
    }
  }

  /** Records a core/v1 Event. */
  async createEvent(event: CoreV1Event): Promise<void> {
    await this.limiter.take();
    this.writes?.onWrite('event');
    await this.#core.createNamespacedEvent({ namespace: event.metadata?.namespace as string, body: event });
  }
}
