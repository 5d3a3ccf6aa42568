import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { DashboardConfigMap } from './dashboard-config-map.js';
import { MetricsService } from './metrics-service.js';
import { ControllerPrometheusRule } from './prometheus-rule.js';
import { type ManifestProps, type ResolvedManifestProps, resolveManifestProps } from './props.js';
import { ControllerServiceMonitor } from './service-monitor.js';

/**
 * The optional monitoring of the controller, for clusters that run the prometheus-operator and
 * Grafana's dashboard sidecar (as kube-prometheus-stack does): the metrics Service, its
 * ServiceMonitor, the alerts as a PrometheusRule and the dashboard as a ConfigMap.
 */
export class MonitoringChart extends Chart {
  /** The props after defaults and checks. */
  readonly props: ResolvedManifestProps;
  /** Headless Service over the controller's metrics port. */
  readonly service: MetricsService;
  /** ServiceMonitor scraping that Service. */
  readonly serviceMonitor: ControllerServiceMonitor;
  /** The alerts. */
  readonly rules: ControllerPrometheusRule;
  /** The Grafana dashboard. */
  readonly dashboard: DashboardConfigMap;

  /** @throws ManifestPropsError naming the first prop that breaks a rule */
  constructor(scope: Construct, id: string, props: ManifestProps = {}) {
    super(scope, id);
    this.props = resolveManifestProps(props);
    const { namespace } = this.props;
    this.service = new MetricsService(this, 'MetricsService', { namespace });
    this.serviceMonitor = new ControllerServiceMonitor(this, 'ServiceMonitor', { namespace });
    this.rules = new ControllerPrometheusRule(this, 'Rules', { ...this.props, namespace });
    this.dashboard = new DashboardConfigMap(this, 'Dashboard', { ...this.props, namespace });
  }
}
