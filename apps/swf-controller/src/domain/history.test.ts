import type { ArgoWorkflow } from './argo.js';
import { nextRunWorkflow, parseLabelInteger, workflowRuns, workflowStatusFromWorkflow } from './history.js';
import { fnv32a } from './names.js';
import type { ScheduledWorkflow } from './types.js';

const EPOCH_LABEL = 'scheduledworkflows.kubeflow.org/workflowEpoch';
const INDEX_LABEL = 'scheduledworkflows.kubeflow.org/workflowIndex';
const NAME_LABEL = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
const COMPLETED_LABEL = 'workflows.argoproj.io/completed';

const at = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000', '');

describe('workflowStatusFromWorkflow', () => {
  it('copies identity, phase and times, and reads the epoch and index labels (upstream TestToWorkflowStatuses)', () => {
    const workflow: ArgoWorkflow = {
      metadata: {
        name: 'WORKFLOW_NAME',
        namespace: 'NAMESPACE',
        selfLink: 'SELF_LINK',
        uid: 'UID',
        creationTimestamp: at(50),
        labels: { [EPOCH_LABEL]: '54', [INDEX_LABEL]: '55' },
      },
      status: { phase: 'Running', message: 'WORKFLOW_MESSAGE', startedAt: at(51), finishedAt: at(52) },
    };
    expect(workflowStatusFromWorkflow(workflow)).toEqual({
      name: 'WORKFLOW_NAME',
      namespace: 'NAMESPACE',
      selfLink: 'SELF_LINK',
      uid: 'UID',
      phase: 'Running',
      message: 'WORKFLOW_MESSAGE',
      createdAt: '1970-01-01T00:00:50Z',
      startedAt: '1970-01-01T00:00:51Z',
      finishedAt: '1970-01-01T00:00:52Z',
      scheduledAt: '1970-01-01T00:00:54Z',
      index: 55,
    });
  });

  it('leaves out empty fields and writes missing times as null (upstream TestToWorkflowStatuses_NullOrEmpty)', () => {
    expect(workflowStatusFromWorkflow({ metadata: {} })).toEqual({
      createdAt: null,
      startedAt: null,
      finishedAt: null,
      scheduledAt: null,
    });
  });

  it.each([
    ['the epoch label', { [EPOCH_LABEL]: '54' }, '1970-01-01T00:00:54Z'],
    ['the creation time without the label', { WRONG_LABEL: '54' }, '1970-01-01T00:00:50Z'],
    [
      'the creation time when the label does not parse',
      { [EPOCH_LABEL]: 'UNPARSABLE_@%^%@^#%' },
      '1970-01-01T00:00:50Z',
    ],
  ])('schedules at %s (upstream TestRetrieveScheduledTime)', (_case, labels, expected) => {
    const workflow = { metadata: { creationTimestamp: at(50), labels } };
    expect(workflowStatusFromWorkflow(workflow).scheduledAt).toBe(expected);
  });

  it.each([
    ['the index label', { [INDEX_LABEL]: '100' }, 100],
    ['0 without the label', { WRONG_LABEL: '100' }, undefined],
    ['0 when the label does not parse', { [INDEX_LABEL]: 'UNPARSABLE_LABEL_!@^^!%@#%' }, undefined],
  ])('takes the index from %s (upstream TestRetrieveIndex)', (_case, labels, expected) => {
    expect(workflowStatusFromWorkflow({ metadata: { labels } }).index).toBe(expected);
  });
});

describe('parseLabelInteger', () => {
  it.each([
    ['42', 42],
    ['+42', 42],
    ['-3', -3],
    ['007', 7],
    ['', undefined],
    [' 42', undefined],
    ['4.2', undefined],
    ['1_000', undefined],
    ['0x10', undefined],
    ['99999999999999999999', undefined],
    [undefined, undefined],
  ])('parses %j as Go strconv.ParseInt does: %p', (value, expected) => {
    expect(parseLabelInteger(value)).toBe(expected);
  });
});

describe('workflowRuns', () => {
  const swf: ScheduledWorkflow = {
    metadata: { name: 'PIPELINE_NAME', namespace: 'team-a' },
    spec: { maxHistory: 10 },
    status: { trigger: { lastWorkflowIndex: 60 } },
  };
  const workflow = (name: string, labels: Record<string, string>, namespace = 'team-a'): ArgoWorkflow => ({
    metadata: { name, namespace, labels: { [NAME_LABEL]: 'PIPELINE_NAME', ...labels } },
  });

  // upstream TestLabelSelectorToGetWorkflows: completed=true / completed!=true, the name, index > minIndex (50 here).
  it('splits the ScheduledWorkflow’s runs into active and completed as upstream’s label selectors do', () => {
    const runs = workflowRuns(swf, [
      workflow('active-1', { [INDEX_LABEL]: '1' }),
      workflow('active-no-completed-label', { [INDEX_LABEL]: '59', [COMPLETED_LABEL]: 'false' }),
      workflow('active-without-index', {}),
      workflow('completed-old', { [INDEX_LABEL]: '50', [COMPLETED_LABEL]: 'true' }),
      workflow('completed-recent', { [INDEX_LABEL]: '51', [COMPLETED_LABEL]: 'true' }),
      workflow('completed-bad-index', { [INDEX_LABEL]: 'x', [COMPLETED_LABEL]: 'true' }),
      workflow('other-schedule', { [INDEX_LABEL]: '55', [NAME_LABEL]: 'OTHER' }),
      workflow('other-namespace', { [INDEX_LABEL]: '55' }, 'team-b'),
    ]);
    expect(runs.active.map((run) => run.name)).toEqual(['active-1', 'active-no-completed-label']);
    expect(runs.completed.map((run) => run.name)).toEqual(['completed-recent']);
  });

  it('finds no runs among no workflows', () => {
    expect(workflowRuns(swf, [])).toEqual({ active: [], completed: [] });
  });

  it('leaves out the runs of an earlier ScheduledWorkflow of the same name (another owner uid)', () => {
    const owned = (name: string, uid: string | undefined, labels: Record<string, string>): ArgoWorkflow => ({
      metadata: {
        ...workflow(name, labels).metadata,
        ...(uid !== undefined && {
          ownerReferences: [
            {
              apiVersion: 'kubeflow.org/v1beta1',
              kind: 'ScheduledWorkflow',
              name: 'PIPELINE_NAME',
              uid,
              controller: true,
            },
          ],
        }),
      },
    });
    const runs = workflowRuns({ ...swf, metadata: { ...swf.metadata, uid: 'new-uid' } }, [
      owned('ours-active', 'new-uid', { [INDEX_LABEL]: '1' }),
      owned('earlier-active', 'old-uid', { [INDEX_LABEL]: '1' }),
      owned('earlier-completed', 'old-uid', { [INDEX_LABEL]: '55', [COMPLETED_LABEL]: 'true' }),
      owned('no-owner', undefined, { [INDEX_LABEL]: '2' }),
    ]);
    expect(runs.active.map((run) => run.name)).toEqual(['ours-active', 'no-owner']);
    expect(runs.completed).toEqual([]);
  });
});

describe('nextRunWorkflow', () => {
  const swf: ScheduledWorkflow = {
    metadata: { name: 'nightly', namespace: 'team', uid: 'swf-uid' },
    spec: {},
    status: { trigger: { lastWorkflowIndex: 2 } },
  };
  const nextName = `nightly-3-${fnv32a('nightly-3')}`;
  const made = (
    overrides: {
      index?: string;
      runName?: string;
      ownerUid?: string;
      namespace?: string;
      name?: string;
    } = {},
  ): ArgoWorkflow => ({
    metadata: {
      name: 'hello-world-x7k2p',
      namespace: overrides.namespace ?? 'team',
      labels: { [NAME_LABEL]: overrides.name ?? 'nightly', [INDEX_LABEL]: overrides.index ?? '9' },
      annotations:
        overrides.runName === undefined ? {} : { 'pipelines.kubeflow.org/run_name': overrides.runName },
      ownerReferences: [
        {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'ScheduledWorkflow',
          name: 'nightly',
          uid: overrides.ownerUid ?? 'swf-uid',
          controller: true,
        },
      ],
    },
  });

  it.each([
    ['the display name of the next run', made({ runName: nextName }), true],
    ['the next index', made({ index: '3' }), true],
    ['an earlier run', made({ index: '2', runName: `nightly-2-${fnv32a('nightly-2')}` }), false],
    ['another owner uid (a deleted namesake)', made({ index: '3', ownerUid: 'old-uid' }), false],
    ['another namespace', made({ index: '3', namespace: 'team-b' }), false],
    ['another ScheduledWorkflow', made({ index: '3', name: 'hourly' }), false],
  ])('finds a Workflow with %s: %s', (_, workflow, found) => {
    expect(nextRunWorkflow(swf, [workflow])).toBe(found ? workflow : undefined);
  });
});
