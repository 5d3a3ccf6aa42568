import type { KubeConfig } from '@kubernetes/client-node';
import { type ScheduledWorkflow, SWF_GROUP, SWF_PLURAL, SWF_VERSION } from './domain/types.js';
import {
  type KubeApi,
  WORKFLOW_GROUP,
  WORKFLOW_PLURAL,
  WORKFLOW_VERSION,
  type Workflow,
} from './kube/kube-api.js';
import { ResilientInformer } from './kube/resilient-informer.js';
import { WorkflowIndex } from './kube/workflow-index.js';
import type { Logger } from './log.js';
import type { ControllerMetrics } from './metrics.js';
import { WorkQueue } from './queue/work-queue.js';

/** Label every Workflow made by a ScheduledWorkflow carries; the Workflow informer watches only those. */
export const OWNED_WORKFLOW_SELECTOR = 'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow=true';

/** Workers reconciling in parallel (each key is held by one worker at a time). */
export const DEFAULT_WORKERS = 8;

/** What a reconcile asks of the queue afterwards. */
export interface ReconcileResult {
  /** Reconcile the key again at this epoch (milliseconds); the next fire time. */
  readonly requeueAtMs?: number | null;
}

/** A failure not worth retrying until the resource changes (e.g. an invalid spec). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** Reconciles one `namespace/name` key; throws to retry with backoff. */
export interface Reconciler {
  reconcile(key: string, log: Logger): Promise<ReconcileResult>;
}

/** The caches a reconciler reads. */
export interface Caches {
  scheduledWorkflow(namespace: string, name: string): ScheduledWorkflow | undefined;
  workflowsOf(namespace: string, name: string): Workflow[];
}

/** Everything the controller is built from. */
export interface ControllerDeps {
  readonly kubeConfig: KubeConfig;
  readonly kubeApi: KubeApi;
  readonly namespace: string;
  readonly resyncIntervalMs: number;
  readonly log: Logger;
  readonly metrics: ControllerMetrics;
  readonly workers?: number;
  readonly queue?: WorkQueue;
  readonly now?: () => number;
}

/**
 * Informers feed keys to a work queue; workers reconcile them. Event handlers only enqueue
 * `namespace/name`; workers start after both caches have synced; a success forgets the key's
 * backoff and requeues it at its next fire time; an error retries with per-key backoff; a
 * terminal error is logged and not retried. The resync re-enqueues every key as a safety net.
 */
export class Controller implements Caches {
  readonly queue: WorkQueue;
  readonly #deps: ControllerDeps;
  readonly #swfs: ResilientInformer<ScheduledWorkflow>;
  readonly #workflows: ResilientInformer<Workflow>;
  readonly #index = new WorkflowIndex();
  readonly #now: () => number;
  #running = false;

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.queue = deps.queue ?? new WorkQueue();
    const ns = deps.namespace;
    const enqueue = (obj: { metadata?: { namespace?: string; name?: string } }) => this.enqueue(obj);
    this.#swfs = new ResilientInformer({
      kubeConfig: deps.kubeConfig,
      path: collectionPath(SWF_GROUP, SWF_VERSION, SWF_PLURAL, ns),
      list: () => deps.kubeApi.listScheduledWorkflows(ns),
      log: deps.log,
      onAdd: enqueue,
      onUpdate: enqueue,
      onDelete: (swf) => this.#forget(swf),
      onError: () => deps.metrics.informerRestarts.inc({ resource: SWF_PLURAL }),
    });
    const onWorkflow = (wf: Workflow) => {
      this.#index.upsert(wf);
      this.#enqueueOwner(wf);
    };
    this.#workflows = new ResilientInformer<Workflow>({
      kubeConfig: deps.kubeConfig,
      path: collectionPath(WORKFLOW_GROUP, WORKFLOW_VERSION, WORKFLOW_PLURAL, ns),
      list: () => deps.kubeApi.listWorkflows(ns, OWNED_WORKFLOW_SELECTOR),
      labelSelector: OWNED_WORKFLOW_SELECTOR,
      log: deps.log,
      onAdd: onWorkflow,
      onUpdate: onWorkflow,
      onDelete: (wf) => {
        this.#index.delete(wf);
        this.#enqueueOwner(wf);
      },
      onError: () => deps.metrics.informerRestarts.inc({ resource: WORKFLOW_PLURAL }),
    });
  }

  /** True once caches synced and workers run. */
  get running(): boolean {
    return this.#running;
  }

  /** A cached ScheduledWorkflow (shared: never modify it). */
  scheduledWorkflow(namespace: string, name: string): ScheduledWorkflow | undefined {
    return this.#swfs.get(name, namespace);
  }

  /** Cached Workflows owned by a ScheduledWorkflow (shared: never modify them). */
  workflowsOf(namespace: string, name: string): Workflow[] {
    return this.#index.ownedBy(namespace, name);
  }

  /** Queues a ScheduledWorkflow's key now. */
  enqueue(obj: { metadata?: { namespace?: string; name?: string } }): void {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    this.queue.add(key);
    this.#deps.metrics.queueSize.set(this.queue.length);
  }

  /**
   * Syncs the caches, then reconciles until `signal` aborts; then stops the informers and lets
   * the reconciles in flight finish.
   */
  async run(reconciler: Reconciler, signal: AbortSignal): Promise<void> {
    const { log } = this.#deps;
    log.info({ namespace: this.#deps.namespace || '(all)' }, 'starting informers');
    const started = this.#now();
    try {
      await Promise.all([this.#swfs.start(signal), this.#workflows.start(signal)]);
    } catch (error) {
      if (signal.aborted) return this.#stop();
      throw error;
    }
    log.info({ ms: this.#now() - started, scheduledWorkflows: this.#swfs.list().length }, 'caches synced');
    this.#running = true;
    const resync = setInterval(() => this.#resync(), this.#deps.resyncIntervalMs);
    const workers = Array.from({ length: this.#deps.workers ?? DEFAULT_WORKERS }, () =>
      this.#work(reconciler),
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('shutting down: stopping informers, draining workers');
    clearInterval(resync);
    this.queue.shutDown();
    await this.#stop();
    await Promise.all(workers);
    this.#running = false;
    log.info('stopped');
  }

  async #stop(): Promise<void> {
    await Promise.all([this.#swfs.stop(), this.#workflows.stop()]);
  }

  async #work(reconciler: Reconciler): Promise<void> {
    const { log, metrics } = this.#deps;
    for (;;) {
      const key = await this.queue.get();
      if (key === null) return;
      metrics.queueSize.set(this.queue.length);
      const keyLog = log.child({ key });
      const started = performance.now();
      try {
        const result = await reconciler.reconcile(key, keyLog);
        metrics.reconcileDuration.observe({ status: 'ok' }, (performance.now() - started) / 1000);
        metrics.throughput.inc();
        this.queue.forget(key);
        if (result.requeueAtMs !== undefined && result.requeueAtMs !== null) {
          const now = this.#now();
          this.queue.addAfter(key, result.requeueAtMs - now, now);
        }
      } catch (error) {
        metrics.reconcileDuration.observe({ status: 'error' }, (performance.now() - started) / 1000);
        if (error instanceof TerminalError) {
          this.queue.forget(key);
          keyLog.error({ err: error.message }, 'permanent failure; not retried until the resource changes');
        } else {
          const delay = this.queue.addRateLimited(key, this.#now());
          keyLog.warn(
            { err: error instanceof Error ? error.message : String(error), retryInMs: delay },
            'transient failure',
          );
        }
      } finally {
        this.queue.done(key);
      }
    }
  }

  #resync(): void {
    for (const swf of this.#swfs.list()) this.enqueue(swf);
  }

  #enqueueOwner(wf: Workflow): void {
    const owner = wf.metadata?.ownerReferences?.find((ref) => ref.controller);
    if (owner?.kind !== 'ScheduledWorkflow') return;
    if (!this.#swfs.get(owner.name, wf.metadata?.namespace)) return;
    this.enqueue({ metadata: { namespace: wf.metadata?.namespace, name: owner.name } });
  }

  #forget(swf: { metadata?: { namespace?: string; name?: string } }): void {
    this.queue.forget(`${swf.metadata?.namespace ?? ''}/${swf.metadata?.name ?? ''}`);
  }
}

function collectionPath(group: string, version: string, plural: string, namespace: string): string {
  return namespace
    ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
    : `/apis/${group}/${version}/${plural}`;
}
