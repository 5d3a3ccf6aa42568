import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { METRICS_JOB } from './controller-metrics.js';
import { CONTROLLER_LABELS, METRICS_PORT, METRICS_PORT_NAME } from './names.js';

/** Props of {@link MetricsService}. */
export interface MetricsServiceProps {
  /** Namespace of the controller. */
  readonly namespace: string;
}

/**
 * A headless Service over the controller's pods with their `metrics` port, so a ServiceMonitor can
 * find each replica; its name is the Prometheus `job` the alerts select.
 *
 * Headless: Prometheus scrapes every pod through the endpoints, and nothing else needs a virtual IP.
 */
export class MetricsService extends Construct {
  /** The Service object. */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MetricsServiceProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: METRICS_JOB, namespace: props.namespace, labels: { ...CONTROLLER_LABELS } },
      spec: {
        clusterIP: 'None',
        selector: { ...CONTROLLER_LABELS },
        ports: [
          { name: METRICS_PORT_NAME, port: METRICS_PORT, targetPort: METRICS_PORT_NAME, protocol: 'TCP' },
        ],
      },
    });
  }
}
