import { RunRequestError } from './errors.js';
import { fnv32a } from './names.js';
import { recurringRunRunId } from './run-id.js';
import { buildRunRequest, type RunTimes } from './run-request.js';
import type { ScheduledWorkflow, ScheduledWorkflowSpec } from './types.js';

/** Scheduled 2026-03-01T10:00:00Z, started 2026-03-01T10:00:02Z. */
const TIMES: RunTimes = { scheduledEpoch: 1772359200, nowEpoch: 1772359202 };
const RUN_NAME = `nightly-51-${fnv32a('nightly-51')}`;

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
    expect(buildRunRequest(schedule(LATEST_VERSION), TIMES)).toEqual({
      experimentId: 'experiment-1',
      run: {
        experimentId: 'experiment-1',
        displayName: RUN_NAME,
        recurringRunId: 'recurring-run-uid',
        runtimeConfig: {
          parameters: {
            text: 'ONE',
            number: 2,
            object: { a: [1, true, null] },
            macro: `run ${recurringRunRunId('recurring-run-uid', RUN_NAME)} at 20260301100002 #51`,
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
    const request = buildRunRequest(
      {
        ...schedule(LATEST_VERSION),
        metadata: { name: 'WORKFLOW_NAME', uid: 'u' },
      },
      TIMES,
    );
    expect(request.run.displayName).toBe('WORKFLOW_NAME-51-2626342551');
  });

  it('sends a pinned pipeline version when one is set', () => {
    const request = buildRunRequest(schedule({ ...LATEST_VERSION, pipelineVersionId: 'version-7' }), TIMES);
    expect(request.run.pipelineVersionReference).toEqual({
      pipelineId: 'pipeline-1',
      pipelineVersionId: 'version-7',
    });
  });

  it('sends proto3 defaults for unset fields and no runtime config or plugins input without them', () => {
    expect(buildRunRequest(schedule({}), TIMES).run).toEqual({
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
    expect(buildRunRequest(schedule(spec), TIMES).run.runtimeConfig).toEqual({
      parameters: {},
      pipelineRoot: '',
    });
  });

  it('omits an empty plugins input, as upstream does', () => {
    expect(buildRunRequest(schedule({ pluginsInput: {} }), TIMES).run).not.toHaveProperty('pluginsInput');
  });

  it('copies plugins input so the request shares nothing with the cached resource', () => {
    const swf = schedule(LATEST_VERSION);
    const plugins = buildRunRequest(swf, TIMES).run.pluginsInput;
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
    expect(buildRunRequest(schedule(spec), TIMES).run.runtimeConfig?.parameters).toEqual({ p: 2 });
  });
});

describe('buildRunRequest macros', () => {
  const runUuid = recurringRunRunId('recurring-run-uid', RUN_NAME);
  it.each([
    ['"[[ScheduledTime]]"', '20260301100000'],
    ['"[[CurrentTime]]"', '20260301100002'],
    ['"[[ScheduledTime.2006-01-02T15:04:05Z07:00]]"', '2026-03-01T10:00:00Z'],
    ['"[[CurrentTime.Jan 2 15:04]]"', 'Mar 1 10:00'],
    ['"[[RunUUID]]"', runUuid],
    ['[[Index]]', 51],
    ['"run [[Index]] of [[ScheduledTime]]"', 'run 51 of 20260301100000'],
    ['"{{$.scheduledTime.strftime(\'%Y-%m-%d %H:%M\')}}"', '2026-03-01 10:00'],
    ['"{{$.currentTime.strftime(\'%s\')}}"', '1772359202'],
    ['{"day": "[[ScheduledTime.2006-01-02]]", "n": [[Index]]}', { day: '2026-03-01', n: 51 }],
    ['"[[Unknown]] [[ScheduledTime.]]"', '[[Unknown]] '],
  ])('expands %s before parsing it as JSON', (stored, sent) => {
    const spec = { workflow: { parameters: [{ name: 'p', value: stored }] } };
    expect(buildRunRequest(schedule(spec), TIMES).run.runtimeConfig?.parameters).toEqual({ p: sent });
  });

  it("expands [[RunUUID]] to the ID the API server derives for the run's display name", () => {
    const swf = {
      ...schedule({ workflow: { parameters: [{ name: 'id', value: '"[[RunUUID]]"' }] } }),
      metadata: { name: 'rr-every-10s5zmft', uid: 'a5d74d4d-b820-4558-9dd7-584f5460a901' },
      status: { trigger: { lastWorkflowIndex: 1 } },
    };
    const { run } = buildRunRequest(swf, TIMES);
    expect(run.displayName).toBe('rr-every-10s5zmft-2-2822404027');
    // The pipeline/runid of the Workflow the KFP API server made for this run (recorded).
    expect(run.runtimeConfig?.parameters).toEqual({ id: 'c79ae583-8111-5080-8802-a3316ce6b721' });
  });

  it('rejects a value that is JSON only before its macros are expanded, saying so', () => {
    const spec = { workflow: { parameters: [{ name: 'n', value: '[[ScheduledTime.2006-01]]' }] } };
    const error = requestError(() => buildRunRequest(schedule(spec), TIMES));
    expect(error.field).toBe('spec.workflow.parameters[0].value');
    expect(error.rule).toContain('must be JSON text after its macros are expanded');
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
    const error = requestError(() => buildRunRequest(schedule(spec), TIMES));
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
    expect(requestError(() => buildRunRequest(schedule(spec), TIMES)).field).toBe(field);
  });
});
