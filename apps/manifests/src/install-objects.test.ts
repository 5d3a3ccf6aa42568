import { multiUserInstallObjects } from './install-objects.js';

describe('multiUserInstallObjects', () => {
  it('holds the CRD and every RBAC object of the multi-user install, and no Deployment', () => {
    const kinds = multiUserInstallObjects({ namespace: 'kubeflow' }).map((o) => o.kind);
    expect(kinds.sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'CustomResourceDefinition',
        'Role',
        'RoleBinding',
        'ServiceAccount',
      ].sort(),
    );
  });

  it('places namespaced objects in the given namespace', () => {
    const namespaced = multiUserInstallObjects({ namespace: 'ops' }).filter((o) =>
      ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind),
    );
    expect(namespaced.map((o) => o.metadata.namespace)).toEqual(['ops', 'ops', 'ops']);
  });
});
