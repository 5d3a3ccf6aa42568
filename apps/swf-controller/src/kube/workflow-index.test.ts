import type { ArgoWorkflow } from '../domain/argo.js';
import { LABEL_SCHEDULED_WORKFLOW_NAME } from '../domain/labels.js';
import { WorkflowIndex } from './workflow-index.js';

function workflow(namespace: string, name: string, owner?: string): ArgoWorkflow {
  return { metadata: { namespace, name, labels: owner ? { [LABEL_SCHEDULED_WORKFLOW_NAME]: owner } : {} } };
}

describe('WorkflowIndex', () => {
  it('groups workflows by namespace and owner label', () => {
    const index = new WorkflowIndex();
    expect(index.upsert(workflow('a', 'w1', 'daily'))).toBe('a/daily');
    index.upsert(workflow('a', 'w2', 'daily'));
    index.upsert(workflow('b', 'w3', 'daily'));
    expect(index.upsert(workflow('a', 'w4'))).toBeNull();
    expect(index.ownedBy('a/daily').map((w) => w.metadata.name)).toEqual(['w1', 'w2']);
    expect(index.ownedBy('b/daily').map((w) => w.metadata.name)).toEqual(['w3']);
    expect(index.ownedBy('a/hourly')).toEqual([]);
  });

  it('replaces an updated workflow and forgets a deleted one', () => {
    const index = new WorkflowIndex();
    index.upsert(workflow('a', 'w1', 'daily'));
    const updated = { ...workflow('a', 'w1', 'daily'), status: { phase: 'Succeeded' } };
    index.upsert(updated);
    expect(index.ownedBy('a/daily')).toEqual([updated]);
    expect(index.delete(updated)).toBe('a/daily');
    expect(index.ownedBy('a/daily')).toEqual([]);
    expect(index.delete(updated)).toBeNull();
  });

  it('moves a workflow whose owner label changed', () => {
    const index = new WorkflowIndex();
    index.upsert(workflow('a', 'w1', 'daily'));
    index.upsert(workflow('a', 'w1', 'hourly'));
    expect(index.ownedBy('a/daily')).toEqual([]);
    expect(index.ownedBy('a/hourly')).toHaveLength(1);
    index.upsert(workflow('a', 'w1'));
    expect(index.ownedBy('a/hourly')).toEqual([]);
  });
});
