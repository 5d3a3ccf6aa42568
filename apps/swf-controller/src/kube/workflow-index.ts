import type { Workflow } from './kube-api.js';

/** Label naming the ScheduledWorkflow that made a Workflow (upstream `LabelKeyWorkflowScheduledWorkflowName`). */
export const SCHEDULED_WORKFLOW_NAME_LABEL = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';

/**
 * Workflows grouped by the ScheduledWorkflow that owns them (namespace and the name label), kept
 * up to date from the Workflow informer's events, so a reconcile finds its workflows without
 * scanning every cached Workflow. Unlike upstream's label-only lookup, the namespace is part of
 * the key: two ScheduledWorkflows with one name in two namespaces keep separate histories.
 */
export class WorkflowIndex {
  readonly #byOwner = new Map<string, Map<string, Workflow>>();
  /** The owner key each workflow was filed under, to move it if its labels change. */
  readonly #ownerOf = new Map<string, string>();

  /** Files or re-files a workflow. */
  upsert(workflow: Workflow): void {
    const id = workflowId(workflow);
    const owner = ownerKey(workflow);
    const previous = this.#ownerOf.get(id);
    if (previous !== undefined && previous !== owner) this.#remove(id, previous);
    if (owner === null) return;
    let group = this.#byOwner.get(owner);
    if (!group) {
      group = new Map();
      this.#byOwner.set(owner, group);
    }
    group.set(id, workflow);
    this.#ownerOf.set(id, owner);
  }

  /** Forgets a deleted workflow. */
  delete(workflow: Workflow): void {
    const id = workflowId(workflow);
    const owner = this.#ownerOf.get(id);
    if (owner !== undefined) this.#remove(id, owner);
  }

  /** Workflows of the ScheduledWorkflow `name` in `namespace`; shared with the cache, do not modify. */
  ownedBy(namespace: string, name: string): Workflow[] {
    return [...(this.#byOwner.get(`${namespace}/${name}`)?.values() ?? [])];
  }

  #remove(id: string, owner: string): void {
    const group = this.#byOwner.get(owner);
    group?.delete(id);
    if (group?.size === 0) this.#byOwner.delete(owner);
    this.#ownerOf.delete(id);
  }
}

function workflowId(workflow: Workflow): string {
  return `${workflow.metadata?.namespace ?? ''}/${workflow.metadata?.name ?? ''}`;
}

function ownerKey(workflow: Workflow): string | null {
  const owner = workflow.metadata?.labels?.[SCHEDULED_WORKFLOW_NAME_LABEL];
  return owner ? `${workflow.metadata?.namespace ?? ''}/${owner}` : null;
}
