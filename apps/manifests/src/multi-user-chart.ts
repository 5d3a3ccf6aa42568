import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { ControllerRbac } from './controller-rbac.js';
import { MultiUserDeploymentPatch } from './multi-user-patch.js';
import { type ManifestProps, type ResolvedManifestProps, resolveManifestProps } from './props.js';

/**
 * What the multi-user overlay adds to the base, as upstream's `installs/multi-user/scheduled-workflow`:
 * a ClusterRole and ClusterRoleBinding (the controller watches every namespace) and the Deployment
 * patch that sends the controller's own identity to the API server.
 */
export class MultiUserChart extends Chart {
  /** The props after defaults and checks. */
  readonly props: ResolvedManifestProps;
  /** ClusterRole and ClusterRoleBinding. */
  readonly rbac: ControllerRbac;
  /** Strategic-merge patch of the base Deployment. */
  readonly deploymentPatch: MultiUserDeploymentPatch;

  /** @throws ManifestPropsError naming the first prop that breaks a rule */
  constructor(scope: Construct, id: string, props: ManifestProps = {}) {
    super(scope, id);
    this.props = resolveManifestProps(props);
    this.rbac = new ControllerRbac(this, 'Rbac', { namespace: this.props.namespace, scope: 'cluster' });
    this.deploymentPatch = new MultiUserDeploymentPatch(this, 'DeploymentPatch', this.props);
  }
}
