import { keyOf, type ObjectKey } from '../contract.js';
import type { ArgoWorkflow } from '../domain/argo.js';
import { LABEL_SCHEDULED_WORKFLOW_NAME } from '../domain/labels.js';

/**
 * Workflows grouped by the ScheduledWorkflow that made them (its namespace and the name label),
 * kept up to date from the Workflow informer's events, so a reconcile finds its workflows without
 * scanning every cached Workflow. Unlike upstream's label-only lookup, the namespace is part of
 * the key: two ScheduledWorkflows with one name in two namespaces keep separate histories.
 */
export class WorkflowIndex {
  readonly #byOwner = new Map<ObjectKey, Map<ObjectKey, ArgoWorkflow>>();
  /** The owner key each workflow was filed under, to move it if its labels change. */
  readonly #ownerOf = new Map<ObjectKey, ObjectKey>();

  /** Files or re-files a workflow; returns the key of the ScheduledWorkflow it belongs to, if any. */
  upsert(workflow: ArgoWorkflow): ObjectKey | null {
    const id = keyOf(workflow.metadata);
    const owner = ownerKey(workflow);
    const previous = this.#ownerOf.get(id);
    if (previous !== undefined && previous !== owner) this.#remove(id, previous);
    if (owner === null) return null;
    let group = this.#byOwner.get(owner);
    if (!group) {
      group = new Map();
      this.#byOwner.set(owner, group);
    }
    group.set(id, workflow);
    this.#ownerOf.set(id, owner);
    return owner;
  }

  /** Forgets a deleted workflow; returns the key of the ScheduledWorkflow it belonged to, if any. */
  delete(workflow: ArgoWorkflow): ObjectKey | null {
    const id = keyOf(workflow.metadata);
    const owner = this.#ownerOf.get(id);
    if (owner === undefined) return null;
    this.#remove(id, owner);
    return owner;
  }

  /** Workflows of the ScheduledWorkflow `owner`; shared with the cache, do not modify. */
  ownedBy(owner: ObjectKey): ArgoWorkflow[] {
    return [...(this.#byOwner.get(owner)?.values() ?? [])];
  }

  #remove(id: ObjectKey, owner: ObjectKey): void {
    const group = this.#byOwner.get(owner);
    group?.delete(id);
    if (group?.size === 0) this.#byOwner.delete(owner);
    this.#ownerOf.delete(id);
  }
}

function ownerKey(workflow: ArgoWorkflow): ObjectKey | null {
  const owner = workflow.metadata.labels?.[LABEL_SCHEDULED_WORKFLOW_NAME];
  return owner ? keyOf({ namespace: workflow.metadata.namespace, name: owner }) : null;
}
