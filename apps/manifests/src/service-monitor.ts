import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CONTROLLER_LABELS, CONTROLLER_NAME, METRICS_PORT_NAME } from './names.js';

/** Props of {@link ControllerServiceMonitor}. */
export interface ControllerServiceMonitorProps {
  /** Namespace of the controller and its metrics Service. */
  readonly namespace: string;
}

/** How often Prometheus scrapes the controller: the alerts' rates need a few samples per window. */
export const SCRAPE_INTERVAL = '30s';

/**
 * The prometheus-operator `ServiceMonitor` that scrapes `/metrics` on the `metrics` port of every
 * controller pod behind the metrics Service. The job label is the Service's name.
 */
export class ControllerServiceMonitor extends Construct {
  /** The ServiceMonitor object. */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ControllerServiceMonitorProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: CONTROLLER_NAME, namespace: props.namespace, labels: { ...CONTROLLER_LABELS } },
      spec: {
        selector: { matchLabels: { ...CONTROLLER_LABELS } },
        endpoints: [{ port: METRICS_PORT_NAME, path: '/metrics', interval: SCRAPE_INTERVAL }],
      },
    });
  }
}
