import type { ArgoWorkflow } from './argo.js';
import { scheduledWorkflowAsCached, workflowAsCached } from './cached.js';
import { nextRunWorkflow, workflowRuns } from './history.js';
import type { ScheduledWorkflow } from './types.js';

const swf: ScheduledWorkflow = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'ScheduledWorkflow',
  metadata: {
    name: 'nightly',
    namespace: 'team',
    uid: 'swf-uid',
    resourceVersion: '7',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
  } as ScheduledWorkflow['metadata'],
  spec: { enabled: true, workflow: { spec: { entrypoint: 'main' } }, pluginsInput: { x: { y: 1 } } },
  status: { trigger: { lastWorkflowIndex: 2 } },
};

const serverWorkflow: ArgoWorkflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: {
    name: 'hello-world-7ljlb',
    namespace: 'team',
    uid: 'wf-uid',
    resourceVersion: '42',
    creationTimestamp: '2026-12-02T18:30:20Z',
    generateName: 'hello-world-',
    labels: {
      'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'nightly',
      'scheduledworkflows.kubeflow.org/workflowIndex': '3',
      'scheduledworkflows.kubeflow.org/workflowEpoch': '1796236220',
      'workflows.argoproj.io/completed': 'true',
    },
    annotations: {
      'pipelines.kubeflow.org/run_name': 'nightly-3-123',
      'pipelines.kubeflow.org/pipeline_spec': 'x'.repeat(10_000),
    },
    ownerReferences: [
      {
        apiVersion: 'kubeflow.org/v1beta1',
        kind: 'ScheduledWorkflow',
        name: 'nightly',
        uid: 'swf-uid',
        controller: true,
      },
    ],
  },
  spec: { arguments: { parameters: [{ name: 'components-root', value: 'y'.repeat(10_000) }] } },
  status: {
    phase: 'Succeeded',
    message: '',
    startedAt: '2026-12-02T18:30:21Z',
    finishedAt: '2026-12-02T18:30:30Z',
    nodes: { a: { id: 'a' } },
  } as ArgoWorkflow['status'],
};

describe('scheduledWorkflowAsCached', () => {
  it('drops managedFields and keeps every other field, the annotations and the spec included', () => {
    const cached = scheduledWorkflowAsCached(swf);
    expect(cached.metadata).not.toHaveProperty('managedFields');
    const { managedFields: _, ...metadata } = swf.metadata as ScheduledWorkflow['metadata'] & {
      managedFields: unknown;
    };
    expect(cached).toEqual({ ...swf, metadata });
  });

  it('returns an object without managedFields as it is', () => {
    const bare = scheduledWorkflowAsCached(swf);
    expect(scheduledWorkflowAsCached(bare)).toBe(bare);
  });
});

describe('workflowAsCached', () => {
  const cached = workflowAsCached(serverWorkflow);

  it('keeps what the history and the look-up of a made run read, and gives them the same answers', () => {
    expect(workflowRuns(swf, [cached])).toEqual(workflowRuns(swf, [serverWorkflow]));
    const next = { ...swf, status: { trigger: { lastWorkflowIndex: 2 } } };
    expect(nextRunWorkflow(next, [cached])).toBe(cached);
    expect(cached.metadata.resourceVersion).toBe('42');
  });

  it('drops the spec, the status nodes and the other annotations', () => {
    expect(cached).not.toHaveProperty('spec');
    expect(cached.status).not.toHaveProperty('nodes');
    expect(cached.metadata.annotations).toEqual({ 'pipelines.kubeflow.org/run_name': 'nightly-3-123' });
    expect(JSON.stringify(cached).length).toBeLessThan(1_500);
  });
});
