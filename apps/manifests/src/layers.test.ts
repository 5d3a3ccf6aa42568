import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { layerObjects, synthBase, synthMonitoring, synthMultiUser } from './layers.js';
import { writeDist } from './write.js';

describe('synthBase', () => {
  it('lists every resource file, named as upstream, in its kustomization', () => {
    const layer = synthBase();
    expect(layer.dir).toBe('base');
    expect(layer.kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [
        'scheduled-workflow-crd.yaml',
        'ml-pipeline-scheduledworkflow-sa.yaml',
        'ml-pipeline-scheduledworkflow-role.yaml',
        'ml-pipeline-scheduledworkflow-rolebinding.yaml',
        'ml-pipeline-scheduledworkflow-deployment.yaml',
      ],
    });
    expect(layer.resources.map((f) => f.objects.map((o) => o.kind))).toEqual([
      ['CustomResourceDefinition'],
      ['ServiceAccount'],
      ['Role'],
      ['RoleBinding'],
      ['Deployment'],
    ]);
  });

  it('finds objects by kind for other packages to load', () => {
    const [crd] = layerObjects(synthBase(), 'CustomResourceDefinition');
    expect(crd?.metadata.name).toBe('scheduledworkflows.kubeflow.org');
    expect(layerObjects(synthBase())).toHaveLength(5);
  });
});

describe('synthMultiUser', () => {
  it('builds on the base in the props namespace with cluster RBAC, the patch and upstream labels', () => {
    const layer = synthMultiUser({ namespace: 'team-a' });
    expect(layer.dir).toBe('overlays/multi-user');
    expect(layer.kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'team-a',
      resources: ['../../base', 'cluster-role.yaml', 'cluster-role-binding.yaml'],
      patches: [{ path: 'deployment-patch.yaml' }],
      labels: [
        {
          includeSelectors: true,
          pairs: {
            'app.kubernetes.io/component': 'ml-pipeline',
            'app.kubernetes.io/name': 'kubeflow-pipelines',
          },
        },
      ],
    });
    expect(layerObjects(layer).map((o) => o.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(layer.patches.flatMap((f) => f.objects.map((o) => o.kind))).toEqual(['Deployment']);
  });
});

describe('synthMonitoring', () => {
  it('is a kustomize Component listing its four resource files, in the props namespace', () => {
    const layer = synthMonitoring({ namespace: 'team-a' });
    expect(layer.dir).toBe('components/monitoring');
    expect(layer.kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      resources: [
        'metrics-service.yaml',
        'service-monitor.yaml',
        'prometheus-rule.yaml',
        'grafana-dashboard.yaml',
      ],
    });
    expect(layerObjects(layer).map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['Service', 'team-a'],
      ['ServiceMonitor', 'team-a'],
      ['PrometheusRule', 'team-a'],
      ['ConfigMap', 'team-a'],
    ]);
  });
});

describe('writeDist', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swf-manifests-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each layer as YAML files that parse back to the synthesized objects', async () => {
    await writeDist({ image: 'example.com/swf:9' }, dir);
    for (const layer of [synthBase({ image: 'example.com/swf:9' }), synthMultiUser(), synthMonitoring()]) {
      const files = [...layer.resources, ...layer.patches];
      expect((await readdir(join(dir, layer.dir))).sort()).toEqual(
        [...files.map((f) => f.name), 'kustomization.yaml'].sort(),
      );
      for (const file of [...files, { name: 'kustomization.yaml', objects: [layer.kustomization] }]) {
        const text = await readFile(join(dir, layer.dir, file.name), 'utf8');
        expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual(file.objects);
      }
    }
  });

  it('replaces files left over from an earlier build', async () => {
    await writeDist({}, dir);
    await writeFile(join(dir, 'base', 'stale.yaml'), 'kind: Stale\n');
    await writeDist({}, dir);
    expect(await readdir(join(dir, 'base'))).not.toContain('stale.yaml');
  });

  it('writes nothing when a prop is invalid', async () => {
    await expect(writeDist({ namespace: 'Bad' }, dir)).rejects.toThrow('namespace: must be a DNS-1123 label');
    expect(await readdir(dir)).toEqual([]);
  });
});
