import type { Workflow } from './kube-api.js';
import { SCHEDULED_WORKFLOW_NAME_LABEL, WorkflowIndex } from './workflow-index.js';

function workflow(namespace: string, name: string, owner?: string): Workflow {
  return { metadata: { namespace, name, labels: owner ? { [SCHEDULED_WORKFLOW_NAME_LABEL]: owner } : {} } };
}

describe('WorkflowIndex', () => {
  it('groups workflows by namespace and owner label', () => {
    const index = new WorkflowIndex();
    index.upsert(workflow('a', 'w1', 'daily'));
    index.upsert(workflow('a', 'w2', 'daily'));
    index.upsert(workflow('b', 'w3', 'daily'));
    index.upsert(workflow('a', 'w4'));
    expect(index.ownedBy('a', 'daily').map((w) => w.metadata?.name)).toEqual(['w1', 'w2']);
    expect(index.ownedBy('b', 'daily').map((w) => w.metadata?.name)).toEqual(['w3']);
    expect(index.ownedBy('a', 'hourly')).toEqual([]);
  });

  it('replaces an updated workflow and forgets a deleted one', () => {
    const index = new WorkflowIndex();
    index.upsert(workflow('a', 'w1', 'daily'));
    const updated = { ...workflow('a', 'w1', 'daily'), status: { phase: 'Succeeded' } };
    index.upsert(updated);
    expect(index.ownedBy('a', 'daily')).toEqual([updated]);
    index.delete(updated);
    expect(index.ownedBy('a', 'daily')).toEqual([]);
  });

  it('moves a workflow whose owner label changed', () => {
    const index = new WorkflowIndex();
    index.upsert(workflow('a', 'w1', 'daily'));
    index.upsert(workflow('a', 'w1', 'hourly'));
    expect(index.ownedBy('a', 'daily')).toEqual([]);
    expect(index.ownedBy('a', 'hourly')).toHaveLength(1);
    index.upsert(workflow('a', 'w1'));
    expect(index.ownedBy('a', 'hourly')).toEqual([]);
  });
});
