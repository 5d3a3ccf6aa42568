import { KfpDoubleConfigError } from './kfp-api-double.js';
import { latestVersionScheduledWorkflow } from './latest-version-fixture.js';
import { RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW } from './recordings.js';

const recorded = RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW;

describe('latestVersionScheduledWorkflow', () => {
  it('builds the recorded ScheduledWorkflow from its settings, less the fields the kube-apiserver adds', () => {
    const built = latestVersionScheduledWorkflow({
      name: recorded.metadata.name,
      generateName: recorded.metadata.generateName,
      namespace: recorded.metadata.namespace,
      uid: recorded.metadata.uid,
      experimentId: recorded.spec.experimentId,
      pipelineId: recorded.spec.pipelineId,
      cron: recorded.spec.trigger.cronSchedule.cron,
      parameters: { text: 'hi from the real api server' },
    });
    const { creationTimestamp: _created, generation: _generation, ...metadata } = recorded.metadata;

    expect(built).toEqual({ ...recorded, metadata });
  });

  it('writes a periodic trigger, JSON text for every kind of value, and no parameters key when there are none', () => {
    const base = { name: 'p', namespace: 'team-a', experimentId: 'e', pipelineId: 'p1', intervalSecond: 30 };

    expect(latestVersionScheduledWorkflow(base).spec).toMatchObject({
      trigger: { periodicSchedule: { intervalSecond: 30 } },
      workflow: {},
    });
    expect(
      latestVersionScheduledWorkflow({ ...base, parameters: { n: 3, s: 'x', o: { a: [1] } } }).spec.workflow,
    ).toEqual({
      parameters: [
        { name: 'n', value: '3' },
        { name: 's', value: '"x"' },
        { name: 'o', value: '{"a":[1]}' },
      ],
    });
  });

  it.each([
    ['both triggers', { cron: '* * * * * *', intervalSecond: 1 }],
    ['no trigger', {}],
  ])('refuses %s, naming both settings', (_name, trigger) => {
    expect(() =>
      latestVersionScheduledWorkflow({
        name: 'n',
        namespace: 'ns',
        experimentId: 'e',
        pipelineId: 'p',
        ...trigger,
      }),
    ).toThrow(new KfpDoubleConfigError('cron, intervalSecond', 'give exactly one of the two'));
  });
});
