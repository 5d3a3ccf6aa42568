import { RunRequestError } from './errors.js';
import { fnv32a } from './names.js';
import { buildRunRequest } from './run-request.js';
import type { ScheduledWorkflow, ScheduledWorkflowSpec } from './types.js';

function requestError(fn: () => unknown): RunRequestError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunRequestError) return error;
    throw error;
  }
  throw new Error('expected a RunRequestError');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function schedule(spec: ScheduledWorkflowSpec): ScheduledWorkflow {
  return deepFreeze({
    metadata: { name: 'nightly', namespace: 'team-a', uid: 'recurring-run-uid' },
    spec,
    status: { trigger: { lastWorkflowIndex: 50 } },
  });
}

const LATEST_VERSION: ScheduledWorkflowSpec = {
  experimentId: 'experiment-1',
  pipelineId: 'pipeline-1',
  serviceAccount: 'pipeline-runner',
  workflow: {
    pipelineRoot: 'minio://bucket/root',
    parameters: [
      { name: 'text', value: '"ONE"' },
      { name: 'number', value: '2' },
      { name: 'object', value: '{"a":[1,true,null]}' },
      { name: 'macro', value: '"run [[RunUUID]] at [[CurrentTime]] #[[Index]]"' },
    ],
  },
  pluginsInput: { mlflow: { experiment_name: 'my-exp' } },
};

describe('buildRunRequest', () => {
  it('builds the CreateRun request upstream sends', () => {
    expect(buildRunRequest(schedule(LATEST_VERSION))).toEqual({
      experimentId: 'experiment-1',
      run: {
        experimentId: 'experiment-1',
        displayName: `nightly-51-${fnv32a('nightly-51')}`,
        recurringRunId: 'recurring-run-uid',
        runtimeConfig: {
          parameters: {
            text: 'ONE',
            number: 2,
            object: { a: [1, true, null] },
            macro: 'run [[RunUUID]] at [[CurrentTime]] #[[Index]]',
          },
          pipelineRoot: 'minio://bucket/root',
        },
        pluginsInput: { mlflow: { experiment_name: 'my-exp' } },
        pipelineVersionReference: { pipelineId: 'pipeline-1', pipelineVersionId: '' },
        serviceAccount: 'pipeline-runner',
      },
    });
  });

  it('names the run as the Workflow would be named, the key the API server de-duplicates on', () => {
    const request = buildRunRequest({
      ...schedule(LATEST_VERSION),
      metadata: { name: 'WORKFLOW_NAME', uid: 'u' },
    });
    expect(request.run.displayName).toBe('WORKFLOW_NAME-51-2626342551');
  });

  it('sends a pinned pipeline version when one is set', () => {
    const request = buildRunRequest(schedule({ ...LATEST_VERSION, pipelineVersionId: 'version-7' }));
    expect(request.run.pipelineVersionReference).toEqual({
      pipelineId: 'pipeline-1',
      pipelineVersionId: 'version-7',
    });
  });

  it('sends proto3 defaults for unset fields and no runtime config or plugins input without them', () => {
    expect(buildRunRequest(schedule({})).run).toEqual({
      experimentId: '',
      displayName: expect.stringMatching(/^nightly-51-\d+$/),
      recurringRunId: 'recurring-run-uid',
      pipelineVersionReference: { pipelineId: '', pipelineVersionId: '' },
      serviceAccount: '',
    });
  });

  it.each([
    ['no parameters', { workflow: {} }],
    ['an empty parameter list', { workflow: { parameters: [] } }],
  ])('sends an empty parameter map for %s', (_case, spec) => {
    expect(buildRunRequest(schedule(spec)).run.runtimeConfig).toEqual({ parameters: {}, pipelineRoot: '' });
  });

  it('omits an empty plugins input, as upstream does', () => {
    expect(buildRunRequest(schedule({ pluginsInput: {} })).run).not.toHaveProperty('pluginsInput');
  });

  it('copies plugins input so the request shares nothing with the cached resource', () => {
    const swf = schedule(LATEST_VERSION);
    const plugins = buildRunRequest(swf).run.pluginsInput;
    expect(plugins).toEqual(swf.spec.pluginsInput);
    expect(plugins?.mlflow).not.toBe(swf.spec.pluginsInput?.mlflow);
  });

  it('keeps a later duplicate parameter name, as upstream map assignment does', () => {
    const spec = {
      workflow: {
        parameters: [
          { name: 'p', value: '1' },
          { name: 'p', value: '2' },
        ],
      },
    };
    expect(buildRunRequest(schedule(spec)).run.runtimeConfig?.parameters).toEqual({ p: 2 });
  });
});

describe('buildRunRequest errors', () => {
  it.each([
    ['text without quotes', 'ONE'],
    ['an empty value', ''],
    ['a missing value', undefined],
    ['truncated JSON', '{"a":'],
  ])('rejects a parameter value that is %s, naming the parameter', (_case, value) => {
    const spec = {
      workflow: {
        parameters: [
          { name: 'ok', value: '1' },
          { name: 'bad', value },
        ],
      },
    };
    const error = requestError(() => buildRunRequest(schedule(spec)));
    expect(error.field).toBe('spec.workflow.parameters[1].value');
    expect(error.rule).toContain('must be JSON text');
    expect(error.message).toContain('spec.workflow.parameters[1].value: must be JSON text');
  });

  it.each([
    ['a string', 'not-an-object', 'spec.pluginsInput'],
    ['an array', [{ a: 1 }], 'spec.pluginsInput'],
    [
      'an entry that is a string (upstream: invalid plugins_input entry)',
      { mlflow: 'not-an-object' },
      'spec.pluginsInput.mlflow',
    ],
    ['an entry that is an array', { other: { ok: 1 }, mlflow: [1] }, 'spec.pluginsInput.mlflow'],
    ['an entry that is null', { mlflow: null }, 'spec.pluginsInput.mlflow'],
  ])('rejects plugins input that is %s', (_case, pluginsInput, field) => {
    const spec = { pluginsInput } as unknown as ScheduledWorkflowSpec;
    expect(requestError(() => buildRunRequest(schedule(spec))).field).toBe(field);
  });
});
