import type { KubeConfig } from '@kubernetes/client-node';
import { type CacheEvents, type Caches, keyOf, type ObjectKey, parseKey } from '../contract.js';
import { ARGO_GROUP, ARGO_VERSION, ARGO_WORKFLOW_PLURAL, type ArgoWorkflow } from '../domain/argo.js';
import { scheduledWorkflowAsCached, workflowAsCached } from '../domain/cached.js';
import { OWNED_WORKFLOW_SELECTOR } from '../domain/labels.js';
import { type ScheduledWorkflow, SWF_GROUP, SWF_PLURAL, SWF_VERSION } from '../domain/types.js';
import type { Logger } from '../log.js';
import type { KubeApi } from './kube-api.js';
import { OwnWrites } from './own-writes.js';
import { ResilientInformer } from './resilient-informer.js';
import { WorkflowIndex } from './workflow-index.js';

/** What {@link InformerCaches} is built from. */
export interface InformerCachesDeps {
  readonly kubeConfig: KubeConfig;
  readonly kubeApi: Pick<KubeApi, 'listScheduledWorkflows' | 'listWorkflows'>;
  /** Namespace to watch; empty watches every namespace. */
  readonly namespace: string;
  readonly log: Logger;
  /** Told of each list or watch error after which an informer restarts, by resource (for metrics). */
  readonly onInformerError: (resource: string) => void;
  /** How long a watch may outlive its timeout before it counts as dead (`--kubeRequestTimeoutSeconds`). */
  readonly watchGraceMs: number;
}

/**
 * The controller's caches, built from two informers: every ScheduledWorkflow, and the Workflows
 * labelled as made by one (indexed by owner). Reads see this controller's own last write before the
 * watch delivers it, and the watch event of that write is not reported ({@link OwnWrites}).
 */
export class InformerCaches implements Caches {
  readonly #swfs: ResilientInformer<ScheduledWorkflow>;
  readonly #workflows: ResilientInformer<ArgoWorkflow>;
  readonly #index = new WorkflowIndex();
  readonly #ownWrites = new OwnWrites();
  /** Checks of `waitForWorkflows` callers, by owner key, run as that owner's Workflows change. */
  readonly #workflowWaiters = new Map<ObjectKey, Set<() => void>>();

  constructor(deps: InformerCachesDeps, events: CacheEvents) {
    const { kubeConfig, kubeApi, namespace, log, onInformerError, watchGraceMs } = deps;
    const changed = (swf: ScheduledWorkflow) => {
      const key = keyOf(swf.metadata);
      if (this.#ownWrites.isOwn(key, swf)) return;
      events.scheduledWorkflowChanged(key, swf);
    };
    this.#swfs = new ResilientInformer<ScheduledWorkflow>({
      kubeConfig,
      path: collectionPath(SWF_GROUP, SWF_VERSION, SWF_PLURAL, namespace),
      list: () => kubeApi.listScheduledWorkflows(namespace),
      transform: scheduledWorkflowAsCached,
      log,
      watchGraceMs,
      onAdd: changed,
      onUpdate: changed,
      onDelete: (swf) => {
        const key = keyOf(swf.metadata);
        this.#ownWrites.forget(key);
        events.scheduledWorkflowDeleted(key);
      },
      onError: () => onInformerError(SWF_PLURAL),
    });
    const reportOwner = (owner: ObjectKey | null) => {
      if (owner === null) return;
      for (const check of [...(this.#workflowWaiters.get(owner) ?? [])]) check();
      if (this.#swfs.get(parseKey(owner).name, parseKey(owner).namespace)) events.ownedWorkflowChanged(owner);
    };
    this.#workflows = new ResilientInformer<ArgoWorkflow>({
      kubeConfig,
      path: collectionPath(ARGO_GROUP, ARGO_VERSION, ARGO_WORKFLOW_PLURAL, namespace),
      list: () => kubeApi.listWorkflows(namespace, OWNED_WORKFLOW_SELECTOR),
      labelSelector: OWNED_WORKFLOW_SELECTOR,
      transform: workflowAsCached,
      log,
      watchGraceMs,
      onAdd: (wf) => reportOwner(this.#index.upsert(wf)),
      onUpdate: (wf) => reportOwner(this.#index.upsert(wf)),
      onDelete: (wf) => reportOwner(this.#index.delete(wf)),
      onError: () => onInformerError(ARGO_WORKFLOW_PLURAL),
    });
  }

  /** Lists and starts watching both; resolves once both first lists are cached. */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#swfs.start(signal), this.#workflows.start(signal)]);
  }

  /** Stops both informers. */
  async stop(): Promise<void> {
    await Promise.all([this.#swfs.stop(), this.#workflows.stop()]);
  }

  /** Keys of every cached ScheduledWorkflow (for the resync). */
  keys(): ObjectKey[] {
    return this.#swfs.list().map((swf) => keyOf(swf.metadata));
  }

  scheduledWorkflow(key: ObjectKey): ScheduledWorkflow | undefined {
    const { namespace, name } = parseKey(key);
    return this.#ownWrites.resolve(key, this.#swfs.get(name, namespace));
  }

  workflowsOf(key: ObjectKey): readonly ArgoWorkflow[] {
    return this.#index.ownedBy(key);
  }

  waitForWorkflows(
    key: ObjectKey,
    found: (workflows: readonly ArgoWorkflow[]) => boolean,
    timeoutMs: number,
  ): Promise<boolean> {
    if (found(this.workflowsOf(key))) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.#workflowWaiters.get(key) ?? new Set<() => void>();
      this.#workflowWaiters.set(key, waiters);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (waiters.size === 0) this.#workflowWaiters.delete(key);
        resolve(result);
      };
      const check = () => {
        if (found(this.workflowsOf(key))) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      waiters.add(check);
    });
  }

  wrote(swf: ScheduledWorkflow): void {
    this.#ownWrites.record(swf);
  }
}

function collectionPath(group: string, version: string, plural: string, namespace: string): string {
  return namespace
    ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
    : `/apis/${group}/${version}/${plural}`;
}
