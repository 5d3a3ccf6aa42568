import { RECORDED_CREATE_RUN_WORKFLOW, RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW } from './recordings.js';
import { recurringRunRunId } from './run-ids.js';
import { nextWorkflowIndex, runWorkflow } from './run-workflow.js';

const recorded = RECORDED_CREATE_RUN_WORKFLOW;
const recordedOwner = RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW;

describe('runWorkflow', () => {
  it('builds the recorded Workflow of run 2 from the recorded ScheduledWorkflow, less the server fields', () => {
    const displayName = recorded.metadata.annotations['pipelines.kubeflow.org/run_name'];
    const workflow = runWorkflow({
      runId: recurringRunRunId(recordedOwner.metadata.uid, displayName),
      displayName,
      namespace: 'team-a',
      pipelineName: 'hello-world',
      serviceAccount: 'default-editor',
      createdAtSec: Number(recorded.metadata.labels['scheduledworkflows.kubeflow.org/workflowEpoch']),
      owner: { ...recordedOwner, status: { trigger: { lastWorkflowIndex: 1 } } },
    });
    const { name: _name, uid: _uid, creationTimestamp: _created, ...requested } = recorded.metadata;

    expect(workflow.metadata).toEqual(requested);
    expect(workflow.spec).toMatchObject(recorded.spec);
  });

  it('gives a run of no recurring run only the run ID label, the run name and no owner', () => {
    const workflow = runWorkflow({
      runId: 'r-1',
      displayName: 'by hand',
      namespace: 'team-a',
      pipelineName: 'namespace/team-a/pipeline/hello-world',
      serviceAccount: 'pipeline-runner',
      createdAtSec: 1_700_000_000,
      owner: null,
    });

    expect(workflow.metadata).toEqual({
      generateName: 'hello-world-',
      namespace: 'team-a',
      labels: { 'pipeline/runid': 'r-1' },
      annotations: { 'pipelines.kubeflow.org/run_name': 'by hand' },
    });
  });
});

describe('nextWorkflowIndex', () => {
  it.each([
    ['an empty trigger status, as KFP writes it', { trigger: {} }, 1],
    ['no status at all', undefined, 1],
    ['lastWorkflowIndex 0', { trigger: { lastWorkflowIndex: 0 } }, 1],
    ['lastWorkflowIndex 6', { trigger: { lastWorkflowIndex: 6 } }, 7],
  ])('is lastWorkflowIndex + 1 for %s', (_name, status, expected) => {
    expect(nextWorkflowIndex({ metadata: {}, ...(status && { status }) })).toBe(expected);
  });
});
