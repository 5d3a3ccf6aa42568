import type { AlertRule } from './alert-rules.js';
import type { Dashboard } from './dashboard.js';
import { GRAFANA_DASHBOARD_LABEL } from './dashboard-config-map.js';
import { type KubeObject, layerObjects, type ManifestLayer } from './layers.js';

/** A PromQL query found in rendered objects, and where it is. */
export interface MonitoringQuery {
  /** `alert <name>` or `panel "<title>"`. */
  readonly source: string;
  readonly expr: string;
}

/**
 * Every PromQL query of a rendered layer, read back from its objects as Prometheus and Grafana
 * would read them: the `expr` of each PrometheusRule rule and of each target of each dashboard in a
 * ConfigMap labelled for the Grafana sidecar.
 */
export function monitoringQueries(layer: ManifestLayer): MonitoringQuery[] {
  const objects = layerObjects(layer);
  return [
    ...objects.filter((o) => o.kind === 'PrometheusRule').flatMap(ruleQueries),
    ...objects.filter(isDashboardConfigMap).flatMap(dashboardQueries),
  ];
}

function ruleQueries(rule: KubeObject): MonitoringQuery[] {
  const { groups } = rule.spec as { groups: { rules: AlertRule[] }[] };
  return groups.flatMap((group) => group.rules.map((r) => ({ source: `alert ${r.alert}`, expr: r.expr })));
}

function isDashboardConfigMap(object: KubeObject): boolean {
  const labels = object.metadata.labels ?? {};
  return (
    object.kind === 'ConfigMap' &&
    Object.entries(GRAFANA_DASHBOARD_LABEL).every(([key, value]) => labels[key] === value)
  );
}

function dashboardQueries(configMap: KubeObject): MonitoringQuery[] {
  const files = Object.values((configMap.data ?? {}) as Record<string, string>);
  return files.flatMap((json) =>
    (JSON.parse(json) as Dashboard).panels.flatMap((panel) =>
      panel.targets.map((target) => ({ source: `panel "${panel.title}"`, expr: target.expr })),
    ),
  );
}
