/**
 * The reconcile contract, apart from the loop that drives it (as controller-runtime keeps
 * `pkg/reconcile` apart from `pkg/internal/controller`): how a resource is named in the work queue,
 * what a reconciler reads, what it answers, and what the caches report. The loop, the caches and
 * the reconciler all depend on this module and not on each other.
 */

import type { ArgoWorkflow } from './domain/argo.js';
import type { ScheduledWorkflow } from './domain/types.js';
import type { Logger } from './log.js';

/** A resource's key in the work queue: `namespace/name` (client-go's `MetaNamespaceKeyFunc`). */
export type ObjectKey = string;

/** The parts of object metadata a key is made of. */
export interface KeyParts {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** The key of an object from its metadata (or any `{namespace, name}`). */
export function keyOf(meta: KeyParts | undefined): ObjectKey {
  return `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
}

/** The namespace and name a key was made of. Names cannot contain `/`, so the first one splits. */
export function parseKey(key: ObjectKey): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash === -1
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** What a reconcile asks of the queue afterwards. */
export interface ReconcileResult {
  /** Reconcile the key again at this epoch (milliseconds), its next fire time; absent or null: only on events. */
  readonly requeueAtMs?: number | null;
}

/**
 * Reconciles one key. Returning means done until `requeueAtMs` or the next event; throwing means
 * retry with the queue's per-key backoff. A spec that can never work is reported in the status and
 * answered with a result, not thrown: only a change to the resource can fix it.
 */
export interface Reconciler {
  /** `signal` aborts when this replica must start nothing new: shutdown, or leadership lost. */
  reconcile(key: ObjectKey, log: Logger, signal: AbortSignal): Promise<ReconcileResult>;
}

/** What a reconciler reads: informer caches, shared with every other reader (never modify them). */
export interface Caches {
  /** The ScheduledWorkflow, or the one this controller last wrote while the cache has not caught up. */
  scheduledWorkflow(key: ObjectKey): ScheduledWorkflow | undefined;
  /** The cached Workflows labelled as made by the ScheduledWorkflow `key`, in its namespace. */
  workflowsOf(key: ObjectKey): readonly ArgoWorkflow[];
  /**
   * Resolves true once `found` holds for the cached Workflows of `key` (now, or as the informer
   * delivers them), or false after `timeoutMs`.
   */
  waitForWorkflows(
    key: ObjectKey,
    found: (workflows: readonly ArgoWorkflow[]) => boolean,
    timeoutMs: number,
  ): Promise<boolean>;
  /**
   * Records an object this controller has just written: reads return it until the informer delivers
   * it, and its update event is known as this controller's own and does not trigger a reconcile.
   */
  wrote(swf: ScheduledWorkflow): void;
}

/** What the caches report as the informers deliver changes; handlers only enqueue keys. */
export interface CacheEvents {
  /** A ScheduledWorkflow was listed, created or changed by someone other than this controller. */
  scheduledWorkflowChanged(key: ObjectKey, swf: ScheduledWorkflow): void;
  /** A ScheduledWorkflow was deleted. */
  scheduledWorkflowDeleted(key: ObjectKey): void;
  /** A Workflow made by the ScheduledWorkflow `key` was created, changed or deleted. */
  ownedWorkflowChanged(key: ObjectKey): void;
}
