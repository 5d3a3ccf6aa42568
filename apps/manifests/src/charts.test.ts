import { App, Testing } from 'cdk8s';
import { BaseChart } from './base-chart.js';
import { ManifestPropsError } from './errors.js';
import { MultiUserChart } from './multi-user-chart.js';

describe('BaseChart', () => {
  it('matches the snapshot', () => {
    expect(Testing.synth(new BaseChart(Testing.app(), 'base'))).toMatchSnapshot();
  });

  it('renders the CRD, ServiceAccount, Role, RoleBinding and Deployment, namespaced but for the CRD', () => {
    const objects = Testing.synth(new BaseChart(Testing.app(), 'base', { namespace: 'team-a' }));
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['CustomResourceDefinition', undefined],
      ['ServiceAccount', 'team-a'],
      ['Role', 'team-a'],
      ['RoleBinding', 'team-a'],
      ['Deployment', 'team-a'],
    ]);
  });

  it('checks its props in the constructor', () => {
    expect(() => new BaseChart(new App(), 'base', { replicas: 0 })).toThrow(ManifestPropsError);
  });
});

describe('MultiUserChart', () => {
  it('matches the snapshot', () => {
    expect(Testing.synth(new MultiUserChart(Testing.app(), 'multi-user'))).toMatchSnapshot();
  });

  it('checks its props in the constructor', () => {
    expect(() => new MultiUserChart(new App(), 'multi-user', { configMapName: 'Bad' })).toThrow(
      'configMapName: must be a DNS-1123 subdomain',
    );
  });
});
