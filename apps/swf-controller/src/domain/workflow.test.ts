import { WorkflowSpecError } from './errors.js';
import type { ScheduledWorkflow } from './types.js';
import { buildWorkflow, workflowFromStoredSpec } from './workflow.js';

const HOUR = 3600;
const RUN_UUID = '123e4567-e89b-12d3-a456-426655440001';
const RUN = { scheduledEpoch: 10 * HOUR, nowEpoch: 11 * HOUR, runUuid: RUN_UUID };

function specError(fn: () => unknown): WorkflowSpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkflowSpecError) return error;
    throw error;
  }
  throw new Error('expected a WorkflowSpecError');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The ScheduledWorkflow of upstream's TestScheduledWorkflow_NewWorkflow. */
function schedule(
  spec: unknown,
  parameters = [
    { name: 'PARAM1', value: 'NEW_VALUE1' },
    { name: 'PARAM3', value: 'NEW_VALUE3' },
  ],
  extra: Partial<ScheduledWorkflow['metadata']> = {},
): ScheduledWorkflow {
  return deepFreeze({
    metadata: { name: 'SCHEDULE1', creationTimestamp: '1970-01-01T09:00:00Z', ...extra },
    spec: {
      enabled: true,
      maxConcurrency: 10,
      trigger: { periodicSchedule: { intervalSecond: 60 } },
      workflow: { parameters, spec },
    },
  });
}

/** json.Marshal of upstream's WorkflowSpec test value. */
const BARE_SPEC = {
  arguments: {
    parameters: [
      { name: 'PARAM1', value: 'VALUE1' },
      { name: 'PARAM2', value: 'VALUE2' },
    ],
  },
  serviceAccountName: 'SERVICE_ACCOUNT',
};
/** json.Marshal of upstream's Workflow test value (no entrypoint, zero times as null). */
const WHOLE_WORKFLOW = {
  metadata: { name: 'SCHEDULE1', creationTimestamp: null },
  spec: BARE_SPEC,
  status: { startedAt: null, finishedAt: null },
};

function expectedWorkflow(parameters: Array<{ name: string; value: string }>, metadata: object = {}) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      ...metadata,
      name: 'SCHEDULE1-1-3321103997',
      labels: {
        'pipeline/runid': RUN_UUID,
        'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
        'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'SCHEDULE1',
        'scheduledworkflows.kubeflow.org/workflowEpoch': String(10 * HOUR),
        'scheduledworkflows.kubeflow.org/workflowIndex': '1',
      },
      ownerReferences: [
        {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'ScheduledWorkflow',
          name: 'SCHEDULE1',
          uid: '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      podMetadata: { labels: { 'pipeline/runid': RUN_UUID } },
      serviceAccountName: 'SERVICE_ACCOUNT',
      arguments: { parameters },
    },
  };
}

describe('buildWorkflow, upstream cases', () => {
  it.each([
    ['a WorkflowSpec string (recurring runs from older API servers)', JSON.stringify(BARE_SPEC), {}],
    ['a Workflow string (v2)', JSON.stringify(WHOLE_WORKFLOW), { creationTimestamp: null }],
  ])('overrides declared parameters and ignores undeclared ones for %s', (_case, spec, metadata) => {
    const expected = expectedWorkflow(
      [
        { name: 'PARAM1', value: 'NEW_VALUE1' },
        { name: 'PARAM2', value: 'VALUE2' },
      ],
      metadata,
    );
    expect(buildWorkflow(schedule(spec), RUN)).toEqual(expected);
  });

  it.each([
    ['a WorkflowSpec string', JSON.stringify(BARE_SPEC), {}],
    ['a Workflow string', JSON.stringify(WHOLE_WORKFLOW), { creationTimestamp: null }],
  ])('expands macros in overridden parameters for %s', (_case, spec, metadata) => {
    const parameters = [
      { name: 'PARAM1', value: 'NEW_VALUE1_[[ScheduledTime]]' },
      { name: 'PARAM2', value: 'NEW_VALUE2_[[Index]]' },
    ];
    const expected = expectedWorkflow(
      [
        { name: 'PARAM1', value: 'NEW_VALUE1_19700101100000' },
        { name: 'PARAM2', value: 'NEW_VALUE2_1' },
      ],
      metadata,
    );
    expect(buildWorkflow(schedule(spec, parameters), RUN)).toEqual(expected);
  });
});

describe('buildWorkflow', () => {
  const template = {
    name: 'main',
    container: {
      image: 'alpine',
      args: ['--run', '{{workflow.uid}}', 'x-{{workflow.uid}}-{{workflow.uid}}'],
    },
    metadata: { annotations: { '{{workflow.uid}}': 'key' } },
  };
  const wholeWithEntrypoint = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: 'hello-',
      namespace: 'elsewhere',
      labels: { team: 'a', 'scheduledworkflows.kubeflow.org/workflowIndex': '99' },
      annotations: { 'pipelines.kubeflow.org/run_name': 'run {{workflow.uid}}' },
    },
    spec: {
      entrypoint: 'main',
      templates: [template],
      podMetadata: { labels: { keep: 'me' }, annotations: { also: 'kept' } },
      arguments: {
        parameters: [
          { name: 'declared', value: 'v', description: 'dropped as upstream does', default: 'd' },
          { name: 'number', value: 5 },
          { name: 'flag', value: true },
          { name: 'empty' },
          { name: 'uid', value: 'from-spec' },
        ],
      },
    },
    status: { phase: 'Succeeded' },
    unknownTopLevel: 'dropped',
  };

  it('keeps the metadata of a stored Workflow, renames it into the ScheduledWorkflow namespace and drops its status', () => {
    const swf = schedule(JSON.stringify(wholeWithEntrypoint), [], { namespace: 'team-a', uid: 'swf-uid' });
    const workflow = buildWorkflow(swf, RUN);
    expect(workflow.metadata).toEqual({
      name: 'SCHEDULE1-1-3321103997',
      namespace: 'team-a',
      labels: {
        team: 'a',
        'pipeline/runid': RUN_UUID,
        'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
        'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'SCHEDULE1',
        'scheduledworkflows.kubeflow.org/workflowEpoch': '36000',
        'scheduledworkflows.kubeflow.org/workflowIndex': '1',
      },
      annotations: { 'pipelines.kubeflow.org/run_name': `run ${RUN_UUID}` },
      ownerReferences: [
        {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'ScheduledWorkflow',
          name: 'SCHEDULE1',
          uid: 'swf-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(workflow).not.toHaveProperty('status');
    expect(workflow).not.toHaveProperty('unknownTopLevel');
    expect(workflow.spec?.podMetadata).toEqual({
      labels: { keep: 'me', 'pipeline/runid': RUN_UUID },
      annotations: { also: 'kept' },
    });
  });

  it('replaces {{workflow.uid}} with the run ID in every string and key, including overridden parameters', () => {
    const swf = schedule(JSON.stringify(wholeWithEntrypoint), [{ name: 'uid', value: 'p-{{workflow.uid}}' }]);
    const workflow = buildWorkflow(swf, RUN);
    expect(workflow.spec?.templates).toEqual([
      {
        name: 'main',
        container: { image: 'alpine', args: ['--run', RUN_UUID, `x-${RUN_UUID}-${RUN_UUID}`] },
        metadata: { annotations: { [RUN_UUID]: 'key' } },
      },
    ]);
    expect(JSON.stringify(workflow)).not.toContain('{{workflow.uid}}');
    expect(workflow.spec?.arguments).toEqual({
      parameters: [
        { name: 'declared', value: 'v' },
        { name: 'number', value: '5' },
        { name: 'flag', value: 'true' },
        { name: 'empty' },
        { name: 'uid', value: `p-${RUN_UUID}` },
      ],
    });
  });

  it.each([
    ['a JSON string', JSON.stringify(BARE_SPEC)],
    ['an object', BARE_SPEC],
  ])('reads a bare WorkflowSpec stored as %s alike', (_case, spec) => {
    expect(buildWorkflow(schedule(spec), RUN)).toEqual(
      expectedWorkflow([
        { name: 'PARAM1', value: 'NEW_VALUE1' },
        { name: 'PARAM2', value: 'VALUE2' },
      ]),
    );
  });

  it('reads a whole Workflow stored as an object', () => {
    const workflow = buildWorkflow(schedule(wholeWithEntrypoint, []), RUN);
    expect(workflow.spec?.entrypoint).toBe('main');
    expect(workflow.metadata.labels?.team).toBe('a');
  });

  it('never modifies its input and shares nothing with it', () => {
    const swf = schedule(wholeWithEntrypoint, [{ name: 'declared', value: '[[Index]]' }]);
    const before = JSON.stringify(swf);
    const workflow = buildWorkflow(swf, RUN);
    const [template] = (workflow.spec?.templates ?? []) as Array<{ name: string }>;
    if (template) template.name = 'changed';
    expect(template?.name).toBe('changed');
    expect(JSON.stringify(swf)).toBe(before);
    expect(Object.isFrozen(workflow.spec)).toBe(false);
  });

  it('adds no arguments to a spec that declares no parameters', () => {
    const workflow = buildWorkflow(schedule({ entrypoint: 'main' }), RUN);
    expect(workflow.spec).toEqual({
      entrypoint: 'main',
      podMetadata: { labels: { 'pipeline/runid': RUN_UUID } },
    });
  });

  it('names the run after the last index in the status', () => {
    const swf = { ...schedule(BARE_SPEC), status: { trigger: { lastWorkflowIndex: 50 } } };
    const workflow = buildWorkflow({ ...swf, metadata: { name: 'WORKFLOW_NAME' } }, RUN);
    expect(workflow.metadata.name).toBe('WORKFLOW_NAME-51-2626342551');
    expect(workflow.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowIndex']).toBe('51');
  });
});

describe('buildWorkflow errors', () => {
  it.each([
    ['no spec', undefined, 'must be an Argo WorkflowSpec or Workflow object'],
    ['text that is not JSON', 'not valid json', 'must be valid JSON'],
    ['a JSON array', '[1]', 'must be an Argo WorkflowSpec or Workflow object'],
    ['a JSON string', '"text"', 'must be an Argo WorkflowSpec or Workflow object'],
    ['JSON null', 'null', 'must be an Argo WorkflowSpec or Workflow object'],
    ['a number', 42, 'must be an Argo WorkflowSpec or Workflow object'],
    ['a spec that is not an object', { spec: 'x' }, 'spec must be an object'],
    ['metadata that is not an object', { metadata: [], spec: {} }, 'metadata must be an object'],
    [
      'labels that are not an object',
      { metadata: { labels: 'x' }, spec: {} },
      'metadata.labels must be an object',
    ],
    ['pod metadata that is not an object', { podMetadata: 'x' }, 'podMetadata must be an object'],
    [
      'parameters that are not an array',
      { arguments: { parameters: {} } },
      'arguments.parameters must be an array',
    ],
    [
      'a parameter that is not an object',
      { arguments: { parameters: ['x'] } },
      'arguments.parameters[0] must be an object',
    ],
    [
      'a parameter value that is an object',
      { arguments: { parameters: [{ name: 'p', value: {} }] } },
      'arguments.parameters[0].value must be a string, number or boolean',
    ],
  ])('rejects %s naming spec.workflow.spec', (_case, spec, rule) => {
    const error = specError(() => buildWorkflow(schedule(spec, []), RUN));
    expect(error.field).toBe('spec.workflow.spec');
    expect(error.rule).toContain(rule);
    expect(error.message).toBe(`spec.workflow.spec: ${error.rule}`);
  });
});

describe('workflowFromStoredSpec', () => {
  it.each([
    ['a bare WorkflowSpec', { entrypoint: 'main', templates: [] }, {}, { entrypoint: 'main', templates: [] }],
    [
      'a Workflow with an entrypoint',
      { apiVersion: 'v', metadata: { name: 'n' }, spec: { entrypoint: 'main' }, extra: 1 },
      { name: 'n' },
      { entrypoint: 'main' },
    ],
    [
      'a Workflow without an entrypoint, whose other top-level fields are spec fields',
      { metadata: { name: 'n' }, spec: { serviceAccountName: 'sa' }, templates: [] },
      { name: 'n' },
      { serviceAccountName: 'sa', templates: [] },
    ],
  ])('reads %s', (_case, stored, metadata, spec) => {
    expect(workflowFromStoredSpec(stored)).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata,
      spec,
    });
  });
});
