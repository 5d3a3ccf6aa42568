import { Testing } from 'cdk8s';
import { MultiUserDeploymentPatch, USER_IDENTITY_VALUE } from './multi-user-patch.js';
import { type ManifestProps, resolveManifestProps } from './props.js';

function synthPatch(props: ManifestProps = {}) {
  const chart = Testing.chart();
  new MultiUserDeploymentPatch(chart, 'Patch', resolveManifestProps(props));
  const [patch, ...rest] = Testing.synth(chart);
  expect(rest).toHaveLength(0);
  return patch;
}

describe('MultiUserDeploymentPatch', () => {
  it('targets the controller Deployment and its container by name', () => {
    const patch = synthPatch({ namespace: 'team-a' });
    expect(patch.apiVersion).toBe('apps/v1');
    expect(patch.kind).toBe('Deployment');
    expect(patch.metadata).toEqual({ name: 'ml-pipeline-scheduledworkflow', namespace: 'team-a' });
    expect(patch.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      'ml-pipeline-scheduledworkflow',
    ]);
  });

  it('empties NAMESPACE and deletes its downward-API source, then adds the identity env vars in order', () => {
    const [container] = synthPatch({
      configMapName: 'kfp-config',
      configMapKeys: { userIdHeader: 'HEADER', userIdPrefix: 'PREFIX' },
    }).spec.template.spec.containers;
    expect(container.env).toEqual([
      { name: 'NAMESPACE', value: '', valueFrom: null },
      { name: 'NAMESPACE_SELF', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'SERVICE_ACCOUNT_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      {
        name: 'USER_IDENTITY_HEADER',
        valueFrom: { configMapKeyRef: { name: 'kfp-config', key: 'HEADER', optional: true } },
      },
      {
        name: 'USER_IDENTITY_PREFIX',
        valueFrom: { configMapKeyRef: { name: 'kfp-config', key: 'PREFIX', optional: true } },
      },
      {
        name: 'USER_IDENTITY_VALUE',
        value: 'system:serviceaccount:$(NAMESPACE_SELF):$(SERVICE_ACCOUNT_NAME)',
      },
    ]);
  });

  it('defines every variable the identity value refers to before it', () => {
    const [container] = synthPatch().spec.template.spec.containers;
    const names: string[] = container.env.map((e: { name: string }) => e.name);
    const referenced = [...USER_IDENTITY_VALUE.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1] as string);
    expect(referenced).toEqual(['NAMESPACE_SELF', 'SERVICE_ACCOUNT_NAME']);
    for (const name of referenced) {
      expect(names.indexOf(name)).toBeGreaterThanOrEqual(0);
      expect(names.indexOf(name)).toBeLessThan(names.indexOf('USER_IDENTITY_VALUE'));
    }
  });

  it('sets neither args nor command, so the image entrypoint still runs', () => {
    const [container] = synthPatch().spec.template.spec.containers;
    expect(Object.keys(container).sort()).toEqual(['env', 'name']);
  });
});
