import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild } from '../../src/kustomize.js';
import { writeDist } from '../../src/write.js';
import type { Json } from '../fixtures/json.js';

// The first run builds kustomize from Go modules.
const BUILD_TIMEOUT_MS = 15 * 60_000;

describe('kustomize build of the multi-user overlay', () => {
  let dist: string;
  let objects: Json[];

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'swf-manifests-render-'));
    await writeDist({}, dist);
    const rendered = await kustomizeBuild(join(dist, 'overlays', 'multi-user'));
    objects = parseAllDocuments(rendered).map((doc) => doc.toJS());
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await rm(dist, { recursive: true, force: true });
  });

  const find = (kind: string): Json => {
    const matches = objects.filter((o) => o.kind === kind);
    expect(matches).toHaveLength(1);
    return matches[0];
  };

  it('renders the base and the overlay objects, keeping the base Role and RoleBinding as upstream does', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/ml-pipeline-scheduledworkflow-role',
      'ClusterRoleBinding/ml-pipeline-scheduledworkflow-binding',
      'CustomResourceDefinition/scheduledworkflows.kubeflow.org',
      'Deployment/ml-pipeline-scheduledworkflow',
      'Role/ml-pipeline-scheduledworkflow-role',
      'RoleBinding/ml-pipeline-scheduledworkflow-binding',
      'ServiceAccount/ml-pipeline-scheduledworkflow',
    ]);
  });

  it('puts namespaced objects in kubeflow and binds the ClusterRole to the ServiceAccount there', () => {
    for (const kind of ['Deployment', 'ServiceAccount', 'Role', 'RoleBinding']) {
      expect(find(kind).metadata.namespace).toBe('kubeflow');
    }
    expect(find('ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ml-pipeline-scheduledworkflow', namespace: 'kubeflow' },
    ]);
    expect(find('ClusterRole').rules.flatMap((r: Json) => r.resources)).toContain('runs');
  });

  it('leaves NAMESPACE empty and defines NAMESPACE_SELF and SERVICE_ACCOUNT_NAME before USER_IDENTITY_VALUE', () => {
    const [container] = find('Deployment').spec.template.spec.containers;
    const env: Json[] = container.env;
    const names = env.map((e) => e.name);
    expect(env.find((e) => e.name === 'NAMESPACE')).toEqual({ name: 'NAMESPACE', value: '' });
    expect(names.slice(0, 6)).toEqual([
      'NAMESPACE',
      'NAMESPACE_SELF',
      'SERVICE_ACCOUNT_NAME',
      'USER_IDENTITY_HEADER',
      'USER_IDENTITY_PREFIX',
      'USER_IDENTITY_VALUE',
    ]);
    expect(names.slice(6)).toEqual([
      'METRICS_PORT',
      'CLIENT_QPS',
      'RESYNC_INTERVAL_SECONDS',
      'CLIENT_BURST',
      'LOG_LEVEL',
      'CRON_SCHEDULE_TIMEZONE',
    ]);
    expect(env.find((e) => e.name === 'USER_IDENTITY_VALUE').value).toBe(
      'system:serviceaccount:$(NAMESPACE_SELF):$(SERVICE_ACCOUNT_NAME)',
    );
  });

  it('adds no args or command to the controller container', () => {
    const [container] = find('Deployment').spec.template.spec.containers;
    expect(container.args).toBeUndefined();
    expect(container.command).toBeUndefined();
  });

  it("selects pods by upstream's multi-user labels", () => {
    const deployment = find('Deployment');
    const labels = {
      app: 'ml-pipeline-scheduledworkflow',
      'app.kubernetes.io/component': 'ml-pipeline',
      'app.kubernetes.io/name': 'kubeflow-pipelines',
    };
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
  });
});
