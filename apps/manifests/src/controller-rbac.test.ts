import { Testing } from 'cdk8s';
import type { Json } from '../test/fixtures/json.js';
import { ControllerRbac, type ControllerRbacProps } from './controller-rbac.js';

function synth(props: ControllerRbacProps): { role: Json; binding: Json } {
  const chart = Testing.chart();
  new ControllerRbac(chart, 'Rbac', props);
  const [role, binding, ...rest] = Testing.synth(chart);
  expect(rest).toHaveLength(0);
  return { role, binding };
}

/** Rules as `group/resource: verbs` lines, easy to compare exactly. */
function ruleLines(role: {
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}): string[] {
  return role.rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.map((resource) => `${group}/${resource}: ${rule.verbs.join(' ')}`),
    ),
  );
}

const CONTROLLER_LINES = [
  'kubeflow.org/scheduledworkflows: get list watch update patch',
  'kubeflow.org/scheduledworkflows/finalizers: update',
  'argoproj.io/workflows: create get list watch',
  'pipelines.kubeflow.org/runs: create',
  'pipelines.kubeflow.org/experiments: get',
  '/events: create patch',
];

describe('ControllerRbac', () => {
  it('grants the namespaced Role exactly the controller verbs plus its leader-election Lease', () => {
    const { role } = synth({ namespace: 'team-a', scope: 'namespace' });
    expect(role.kind).toBe('Role');
    expect(role.metadata).toEqual({
      name: 'ml-pipeline-scheduledworkflow-role',
      namespace: 'team-a',
      labels: { app: 'ml-pipeline-scheduledworkflow-role' },
    });
    expect(ruleLines(role)).toEqual([...CONTROLLER_LINES, 'coordination.k8s.io/leases: get create update']);
  });

  it('grants the ClusterRole the controller verbs in every namespace, leases excepted', () => {
    const { role } = synth({ namespace: 'kubeflow', scope: 'cluster' });
    expect(role.kind).toBe('ClusterRole');
    expect(role.metadata).toEqual({ name: 'ml-pipeline-scheduledworkflow-role' });
    expect(ruleLines(role)).toEqual(CONTROLLER_LINES);
  });

  it.each<ControllerRbacProps['scope']>(['namespace', 'cluster'])('uses no wildcard in %s scope', (scope) => {
    const { role } = synth({ namespace: 'kubeflow', scope });
    const words = role.rules.flatMap((r: Json) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(words.filter((w: string) => w.includes('*'))).toEqual([]);
    expect(role.rules.every((r: Json) => r.resourceNames === undefined)).toBe(true);
  });

  it.each([
    [
      'namespace',
      'RoleBinding',
      'Role',
      { name: 'ml-pipeline-scheduledworkflow-binding', namespace: 'team-a' },
    ],
    ['cluster', 'ClusterRoleBinding', 'ClusterRole', { name: 'ml-pipeline-scheduledworkflow-binding' }],
  ] as const)('binds the %s role to the controller ServiceAccount', (scope, kind, roleKind, metadata) => {
    const { binding } = synth({ namespace: 'team-a', scope });
    expect(binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata,
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: roleKind,
        name: 'ml-pipeline-scheduledworkflow-role',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'ml-pipeline-scheduledworkflow', namespace: 'team-a' }],
    });
  });
});
