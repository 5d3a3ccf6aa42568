import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { kustomizeBuild } from '../../src/kustomize.js';
import { writeDist } from '../../src/write.js';
import type { Json } from '../fixtures/json.js';

// The monitoring component added to an install the way the README says: a kustomization of the
// operator's with the multi-user overlay as a resource, the component under `components:`, and the
// label kube-prometheus-stack's Prometheus selects rules and monitors by.

const BUILD_TIMEOUT_MS = 15 * 60_000;
const RELEASE = { release: 'kube-prometheus-stack' };

describe('kustomize build of the multi-user overlay with the monitoring component', () => {
  let dist: string;
  let objects: Json[];

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'swf-manifests-monitoring-'));
    await writeDist({}, dist);
    await mkdir(join(dist, 'cluster'));
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../overlays/multi-user'],
      components: ['../components/monitoring'],
      labels: [{ pairs: RELEASE }],
    };
    await writeFile(join(dist, 'cluster', 'kustomization.yaml'), stringify(kustomization));
    objects = parseAllDocuments(await kustomizeBuild(join(dist, 'cluster'))).map((doc) => doc.toJS());
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await rm(dist, { recursive: true, force: true });
  });

  const find = (kind: string): Json => {
    const matches = objects.filter((o) => o.kind === kind);
    expect(matches).toHaveLength(1);
    return matches[0];
  };
  const subset = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

  it('adds the Service, ServiceMonitor, PrometheusRule and dashboard to the install, in its namespace', () => {
    for (const kind of ['Service', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap']) {
      expect(find(kind).metadata.namespace).toBe('kubeflow');
    }
    expect(find('Deployment').metadata.name).toBe('ml-pipeline-scheduledworkflow');
  });

  it("points the Service at the controller's pods and their metrics port", () => {
    const service = find('Service');
    const pod = find('Deployment').spec.template;
    expect(Object.keys(service.spec.selector).length).toBeGreaterThan(0);
    expect(subset(service.spec.selector, pod.metadata.labels)).toBe(true);
    const ports: Json[] = pod.spec.containers[0].ports;
    expect(ports.map((p) => p.name)).toContain(service.spec.ports[0].targetPort);
  });

  it('has the ServiceMonitor select that Service in its own namespace and scrape its port', () => {
    const service = find('Service');
    const monitor = find('ServiceMonitor');
    expect(subset(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.namespaceSelector).toBeUndefined();
    expect(monitor.metadata.namespace).toBe(service.metadata.namespace);
    expect(monitor.spec.endpoints.map((e: Json) => e.port)).toEqual([service.spec.ports[0].name]);
  });

  it("carries the operator's selection label on the rule and the monitor, and the sidecar's on the dashboard", () => {
    expect(find('PrometheusRule').metadata.labels).toMatchObject(RELEASE);
    expect(find('ServiceMonitor').metadata.labels).toMatchObject(RELEASE);
    expect(find('ConfigMap').metadata.labels).toMatchObject({ grafana_dashboard: '1' });
  });
});
