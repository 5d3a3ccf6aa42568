import { CreateRunRequest, Experiment, Experiment_StorageState, GetExperimentRequest, Run } from './index.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('CreateRunRequest codec', () => {
  it('round-trips runtime parameters of every JSON kind, plugins input and the pipeline reference', () => {
    const request = CreateRunRequest.fromPartial({
      experimentId: 'exp-1',
      run: {
        experimentId: 'exp-1',
        displayName: 'nightly-1-1700000000',
        recurringRunId: 'swf-uid',
        serviceAccount: 'pipeline-runner',
        pipelineVersionReference: { pipelineId: 'pipe-1', pipelineVersionId: '' },
        runtimeConfig: {
          pipelineRoot: 'minio://mlpipeline/v2/artifacts',
          parameters: {
            text: 'hello',
            count: 42,
            ratio: 0.25,
            enabled: true,
            nothing: null,
            list: [1, 'two', false],
            nested: { a: { b: [{ c: 'd' }] }, n: -3 },
          },
        },
        pluginsInput: { mlflow: { experimentName: 'e', tags: { team: 'ml' } } },
      },
    });

    const decoded = CreateRunRequest.decode(CreateRunRequest.encode(request).finish());

    expect(decoded).toEqual(request);
    expect(decoded.run?.runtimeConfig?.parameters.nested).toEqual({ a: { b: [{ c: 'd' }] }, n: -3 });
  });

  // Expected bytes are written by hand from KFP's field numbers: tag = (number << 3) | wire type 2.
  it.each([
    ['experiment_id = 1', { experimentId: 'e' }, '0a0165'],
    ['display_name = 3', { displayName: 'd' }, '1a0164'],
    ['service_account = 9', { serviceAccount: 's' }, '4a0173'],
    ['recurring_run_id = 16', { recurringRunId: 'r' }, '82010172'],
    [
      'pipeline_version_reference = 18 { pipeline_id = 1 }',
      { pipelineVersionReference: { pipelineId: 'p' } },
      '9201030a0170',
    ],
    [
      'runtime_config = 8 { pipeline_root = 2 }',
      { runtimeConfig: { pipelineRoot: 'x', parameters: {} } },
      '4203120178',
    ],
  ])('puts Run.%s where KFP expects it', (_field, partial, hex) => {
    expect(toHex(Run.encode(Run.fromPartial(partial)).finish())).toBe(hex);
  });

  it('carries the run inside CreateRunRequest as field 2', () => {
    const bytes = CreateRunRequest.encode(
      CreateRunRequest.fromPartial({ run: { displayName: 'd' } }),
    ).finish();
    expect(toHex(bytes)).toBe('12031a0164');
  });
});

describe('Experiment codec', () => {
  // Expected bytes written by hand from KFP's field numbers, as above.
  it.each([
    ['experiment_id = 1', { experimentId: 'e' }, '0a0165'],
    ['display_name = 2', { displayName: 'd' }, '120164'],
    ['description = 3', { description: 'x' }, '1a0178'],
    ['created_at = 4 { seconds = 1 }', { createdAt: { seconds: 1, nanos: 0 } }, '22020801'],
    ['namespace = 5', { namespace: 'n' }, '2a016e'],
    ['storage_state = 6 (ARCHIVED = 2)', { storageState: Experiment_StorageState.ARCHIVED }, '3002'],
    ['last_run_created_at = 7 { seconds = 1 }', { lastRunCreatedAt: { seconds: 1, nanos: 0 } }, '3a020801'],
  ])('puts Experiment.%s where KFP expects it', (_field, partial, hex) => {
    expect(toHex(Experiment.encode(Experiment.fromPartial(partial)).finish())).toBe(hex);
  });

  it('reads the experiment ID of GetExperimentRequest from field 1', () => {
    expect(GetExperimentRequest.decode(Buffer.from('0a03657870', 'hex'))).toEqual({ experimentId: 'exp' });
  });
});
