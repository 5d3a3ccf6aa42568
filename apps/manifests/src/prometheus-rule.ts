import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { type AlertRuleProps, alertRuleGroups } from './alert-rules.js';
import { CONTROLLER_LABELS, CONTROLLER_NAME } from './names.js';

/** Props of {@link ControllerPrometheusRule}. */
export interface ControllerPrometheusRuleProps extends AlertRuleProps {
  /** Namespace of the controller. */
  readonly namespace: string;
}

/** The prometheus-operator `PrometheusRule` holding the controller's alerts ({@link alertRuleGroups}). */
export class ControllerPrometheusRule extends Construct {
  /** The PrometheusRule object. */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ControllerPrometheusRuleProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: CONTROLLER_NAME, namespace: props.namespace, labels: { ...CONTROLLER_LABELS } },
      spec: { groups: alertRuleGroups(props) },
    });
  }
}
