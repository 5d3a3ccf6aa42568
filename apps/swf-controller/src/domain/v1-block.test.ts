import type { ScheduledWorkflow } from './types.js';
import { isV1PipelinesBlocked, shouldBlockV1 } from './v1-block.js';

const V1_SPEC = { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] };
const V1_WORKFLOW = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: V1_SPEC };
const V2_SPEC = { ...V1_SPEC, podMetadata: { labels: { 'pipelines.kubeflow.org/v2_component': 'true' } } };
const V2_WORKFLOW = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: V2_SPEC };

// upstream controller_test.go TestShouldEnforceV1Block
describe('shouldBlockV1', () => {
  it.each([
    ['V1 workflow spec, blocking enabled - blocked', V1_SPEC, true, '', true],
    ['V1 full workflow, blocking enabled - blocked', V1_WORKFLOW, true, '', true],
    [
      'V1 workflow spec string, blocking enabled - blocked',
      '{"entrypoint":"main","templates":[{"name":"main","container":{"image":"alpine"}}]}',
      true,
      '',
      true,
    ],
    [
      'V1 full workflow string, blocking enabled - blocked',
      '{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"entrypoint":"main","templates":[{"name":"main","container":{"image":"alpine"}}]}}',
      true,
      '',
      true,
    ],
    [
      'V2 full workflow on v1beta1 ScheduledWorkflow, blocking enabled - not blocked',
      V2_WORKFLOW,
      true,
      '',
      false,
    ],
    [
      'V2 workflow spec on v1beta1 ScheduledWorkflow, blocking enabled - not blocked',
      V2_SPEC,
      true,
      '',
      false,
    ],
    [
      'V2 marker in annotation, blocking enabled - not blocked',
      '{"spec":{"podMetadata":{"annotations":{"pipelines.kubeflow.org/v2_component":"true"}},"entrypoint":"main"}}',
      true,
      '',
      false,
    ],
    [
      'V2 compatible workflow marker, blocking enabled - not blocked',
      '{"metadata":{"annotations":{"pipelines.kubeflow.org/v2_pipeline":"true"}},"spec":{"entrypoint":"main"}}',
      true,
      '',
      false,
    ],
    [
      'V2 marker false, blocking enabled - blocked',
      '{"spec":{"podMetadata":{"labels":{"pipelines.kubeflow.org/v2_component":"false"}},"entrypoint":"main"}}',
      true,
      '',
      true,
    ],
    ['V1 workflow spec, blocking disabled - not blocked', V1_SPEC, false, '', false],
    ['V1 workflow spec, namespace allowed - not blocked', V1_SPEC, true, 'ns1', false],
    ['Missing workflow spec, blocking enabled - not blocked', undefined, true, '', false],
    ['Malformed embedded workflow, blocking enabled - blocked', 'not valid json', true, '', true],
  ])('%s', (_case, spec, blockV1Pipelines, v1AllowedNamespaces, expected) => {
    const swf: ScheduledWorkflow = { metadata: { namespace: 'ns1' }, spec: { workflow: { spec } } };
    expect(shouldBlockV1(swf, { blockV1Pipelines, v1AllowedNamespaces })).toBe(expected);
  });
});

describe('isV1PipelinesBlocked', () => {
  it.each([
    [false, '', 'ns1', false],
    [true, '', 'ns1', true],
    [true, 'ns1', 'ns1', false],
    [true, ' other , NS1 ', 'ns1', false],
    [true, 'ns1', ' NS1\n', false],
    [true, 'other,,', 'ns1', true],
    [true, ',', '', true],
  ])(
    'with blocking %p and allowed %j, namespace %j is blocked: %p',
    (block, allowed, namespace, expected) => {
      expect(isV1PipelinesBlocked(namespace, { blockV1Pipelines: block, v1AllowedNamespaces: allowed })).toBe(
        expected,
      );
    },
  );
});
