import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { API_SERVER_OBJECTS, CONTROLLER_STATUS } from '../test/fixtures/api-server-objects.js';
import type { Json } from '../test/fixtures/json.js';
import { UPSTREAM_INVALID_SAMPLE, UPSTREAM_SAMPLES } from '../test/fixtures/upstream-samples.js';
import { ScheduledWorkflowCrd } from './crd.js';
import { SCHEDULED_WORKFLOW_SCHEMA } from './crd-schema.js';
import { checkStructural, pruningObjects, structuralProblems } from './schema-check.js';

function synthCrd(): Json {
  const chart = Testing.chart();
  new ScheduledWorkflowCrd(chart, 'Crd');
  const [crd, ...rest] = Testing.synth(chart);
  expect(rest).toHaveLength(0);
  return crd;
}

describe('ScheduledWorkflowCrd', () => {
  it("keeps upstream's group, names, short name, scope and single version", () => {
    const crd = synthCrd();
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata).toEqual({ name: 'scheduledworkflows.kubeflow.org' });
    expect(crd.spec.group).toBe('kubeflow.org');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: 'ScheduledWorkflow',
      listKind: 'ScheduledWorkflowList',
      plural: 'scheduledworkflows',
      singular: 'scheduledworkflow',
      shortNames: ['swf'],
    });
    expect(crd.spec.versions.map((v: Json) => [v.name, v.served, v.storage])).toEqual([
      ['v1beta1', true, true],
    ]);
  });

  it('enables no status subresource, so whole-object updates keep writing status as upstream', () => {
    const [version] = synthCrd().spec.versions;
    expect(version.subresources).toBeUndefined();
  });

  it('renders the structural schema as its openAPIV3Schema', () => {
    const [version] = synthCrd().spec.versions;
    expect(version.schema.openAPIV3Schema).toEqual(JSON.parse(JSON.stringify(SCHEDULED_WORKFLOW_SCHEMA)));
  });
});

describe('SCHEDULED_WORKFLOW_SCHEMA', () => {
  it('is structural', () => {
    expect(structuralProblems(SCHEDULED_WORKFLOW_SCHEMA)).toEqual([]);
  });

  it('prunes unknown fields at the root only, nowhere under spec or status', () => {
    expect(pruningObjects(SCHEDULED_WORKFLOW_SCHEMA)).toEqual(['']);
  });

  it('accepts fields it does not name at every level under spec and status', () => {
    const swf = parse(UPSTREAM_SAMPLES['every-minute-cron.yaml'] as string);
    swf.spec.newField = { any: ['shape'] };
    swf.spec.trigger.newField = 1;
    swf.spec.trigger.cronSchedule.newField = 'x';
    swf.spec.workflow.parameters = [{ name: 'p', value: 'v', newField: true }];
    const status = {
      ...CONTROLLER_STATUS,
      newField: 'x',
      trigger: { ...CONTROLLER_STATUS.trigger, newField: 2 },
    };
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, { ...swf, status })).toEqual([]);
  });

  it.each(Object.entries(UPSTREAM_SAMPLES))('accepts upstream sample %s', (_name, text) => {
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, parse(text))).toEqual([]);
  });

  it("rejects upstream's invalid sample at spec.maxHistory", () => {
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, parse(UPSTREAM_INVALID_SAMPLE))).toEqual([
      { path: '.spec.maxHistory', rule: 'must be an integer' },
    ]);
  });

  it.each(Object.entries(API_SERVER_OBJECTS))(
    'accepts what the KFP API server writes: %s',
    (_name, object) => {
      expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, object)).toEqual([]);
    },
  );

  it('accepts the status the controller writes, nulls for unset workflow times included', () => {
    const [, object] = Object.entries(API_SERVER_OBJECTS)[0] as [string, Record<string, unknown>];
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, { ...object, status: CONTROLLER_STATUS })).toEqual([]);
  });

  it('keeps an embedded workflow spec given as an object', () => {
    const swf = parse(UPSTREAM_SAMPLES['single-run.yaml'] as string);
    expect(typeof swf.spec.workflow.spec).toBe('object');
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, swf)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a string for an integer', { maxConcurrency: '5' }, '.spec.maxConcurrency', 'must be an integer'],
    [
      'a fraction for an integer',
      { trigger: { periodicSchedule: { intervalSecond: 1.5 } } },
      '.spec.trigger.periodicSchedule.intervalSecond',
      'must be an integer',
    ],
    [
      'a non-RFC 3339 time',
      { trigger: { cronSchedule: { startTime: '2024-01-01' } } },
      '.spec.trigger.cronSchedule.startTime',
      'must be an RFC 3339 date-time',
    ],
    ['a string for a boolean', { enabled: 'true' }, '.spec.enabled', 'must be a boolean'],
    [
      'an object for the parameters list',
      { workflow: { parameters: { name: 'x' } } },
      '.spec.workflow.parameters',
      'must be an array',
    ],
    [
      'a number as a parameter value',
      { workflow: { parameters: [{ name: 'x', value: 1 }] } },
      '.spec.workflow.parameters[0].value',
      'must be a string',
    ],
    ['a null where null is not allowed', { pipelineId: null }, '.spec.pipelineId', 'must not be null'],
    ['a list for plugins input', { pluginsInput: ['mlflow'] }, '.spec.pluginsInput', 'must be an object'],
  ])('rejects %s', (_what, specFields, path, rule) => {
    const swf = {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'ScheduledWorkflow',
      metadata: { name: 'x' },
      spec: specFields,
    };
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, swf)).toEqual([{ path, rule }]);
  });

  it('rejects an object without spec', () => {
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, { metadata: { name: 'x' }, status: {} })).toEqual([
      { path: '.spec', rule: 'is required' },
    ]);
  });

  it('rejects a known status field of the wrong type and a null index', () => {
    const status = { trigger: { lastWorkflowIndex: '1' }, workflowHistory: { active: [{ index: null }] } };
    expect(checkStructural(SCHEDULED_WORKFLOW_SCHEMA, { spec: {}, status })).toEqual([
      { path: '.status.trigger.lastWorkflowIndex', rule: 'must be an integer' },
      { path: '.status.workflowHistory.active[0].index', rule: 'must not be null' },
    ]);
  });
});
