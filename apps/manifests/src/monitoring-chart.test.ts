import { App, Testing } from 'cdk8s';
import type { Json } from '../test/fixtures/json.js';
import { BaseChart } from './base-chart.js';
import { DASHBOARD_FILE } from './dashboard-config-map.js';
import { ManifestPropsError } from './errors.js';
import { MonitoringChart } from './monitoring-chart.js';

const synth = (props = {}): Json[] => Testing.synth(new MonitoringChart(Testing.app(), 'monitoring', props));
const only = (objects: Json[], kind: string): Json => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('MonitoringChart', () => {
  it('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  it('renders a Service, a ServiceMonitor, a PrometheusRule and a dashboard ConfigMap in the namespace', () => {
    expect(synth({ namespace: 'team-a' }).map((o) => [o.apiVersion, o.kind, o.metadata.namespace])).toEqual([
      ['v1', 'Service', 'team-a'],
      ['monitoring.coreos.com/v1', 'ServiceMonitor', 'team-a'],
      ['monitoring.coreos.com/v1', 'PrometheusRule', 'team-a'],
      ['v1', 'ConfigMap', 'team-a'],
    ]);
  });

  it("selects the controller's pods and their metrics container port by name", () => {
    const [deployment] = Testing.synth(new BaseChart(Testing.app(), 'base')).filter(
      (o: Json) => o.kind === 'Deployment',
    );
    const service = only(synth(), 'Service');
    const podLabels = deployment.spec.template.metadata.labels;
    expect(Object.entries(service.spec.selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    const [port] = service.spec.ports;
    const containerPorts = deployment.spec.template.spec.containers[0].ports;
    expect(containerPorts).toContainEqual(
      expect.objectContaining({ name: port.targetPort, containerPort: port.port }),
    );
  });

  it('has the ServiceMonitor scrape /metrics on the Service port it selects', () => {
    const objects = synth();
    const service = only(objects, 'Service');
    const monitor = only(objects, 'ServiceMonitor');
    expect(
      Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v),
    ).toBe(true);
    expect(monitor.spec.endpoints).toEqual([
      { port: service.spec.ports[0].name, path: '/metrics', interval: '30s' },
    ]);
  });

  it('labels the dashboard ConfigMap for the Grafana sidecar and holds the dashboard as JSON', () => {
    const configMap = only(synth(), 'ConfigMap');
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(Object.keys(configMap.data)).toEqual([DASHBOARD_FILE]);
    expect(JSON.parse(configMap.data[DASHBOARD_FILE]).uid).toBe('kfp-scheduledworkflow');
  });

  it('renders the runbook base URL and the lateness threshold it is given', () => {
    const rule = only(
      synth({ runbookBaseUrl: 'https://example.com/r.md', latenessAlertSeconds: 12 }),
      'PrometheusRule',
    );
    const rules = rule.spec.groups.flatMap((g: Json) => g.rules);
    expect(rules.every((r: Json) => r.annotations.runbook_url.startsWith('https://example.com/r.md#'))).toBe(
      true,
    );
    expect(rules.find((r: Json) => r.alert === 'ScheduledWorkflowTriggersLate').expr).toMatch(/ > 12$/);
  });

  it('checks its props in the constructor', () => {
    expect(() => new MonitoringChart(new App(), 'monitoring', { runbookBaseUrl: 'a b' })).toThrow(
      ManifestPropsError,
    );
  });
});
