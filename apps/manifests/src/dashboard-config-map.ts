import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { controllerDashboard, type DashboardProps } from './dashboard.js';
import { CONTROLLER_LABELS, CONTROLLER_NAME } from './names.js';

/** Props of {@link DashboardConfigMap}. */
export interface DashboardConfigMapProps extends DashboardProps {
  /** Namespace of the ConfigMap (the Grafana sidecar must search it). */
  readonly namespace: string;
}

/** The label the Grafana sidecar of kube-prometheus-stack loads dashboards by, with its value. */
export const GRAFANA_DASHBOARD_LABEL: Readonly<Record<string, string>> = Object.freeze({
  grafana_dashboard: '1',
});

/** Key of the dashboard's JSON in the ConfigMap: the sidecar writes it as this file. */
export const DASHBOARD_FILE = `${CONTROLLER_NAME}.json`;

/** A ConfigMap with the controller's Grafana dashboard ({@link controllerDashboard}), labelled for the sidecar. */
export class DashboardConfigMap extends Construct {
  /** The ConfigMap object. */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: DashboardConfigMapProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${CONTROLLER_NAME}-dashboard`,
        namespace: props.namespace,
        labels: { ...CONTROLLER_LABELS, ...GRAFANA_DASHBOARD_LABEL },
      },
      data: { [DASHBOARD_FILE]: `${JSON.stringify(controllerDashboard(props), null, 2)}\n` },
    });
  }
}
