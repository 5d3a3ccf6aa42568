import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ControllerDeployment } from './controller-deployment.js';
import { ControllerRbac } from './controller-rbac.js';
import { ScheduledWorkflowCrd } from './crd.js';
import { CONTROLLER_NAME } from './names.js';
import { type ManifestProps, type ResolvedManifestProps, resolveManifestProps } from './props.js';

/**
 * The install of the controller watching its own namespace: the CRD, the ServiceAccount, the Role
 * and RoleBinding, and the Deployment. The objects of upstream's `base/pipeline` (plus the CRD from
 * `base/pipeline/cluster-scoped`) for the scheduled-workflow controller.
 */
export class BaseChart extends Chart {
  /** The props after defaults and checks. */
  readonly props: ResolvedManifestProps;
  /** The CustomResourceDefinition. */
  readonly crd: ScheduledWorkflowCrd;
  /** The controller's ServiceAccount. */
  readonly serviceAccount: kplus.ServiceAccount;
  /** Role and RoleBinding in the controller's namespace. */
  readonly rbac: ControllerRbac;
  /** The controller Deployment. */
  readonly controller: ControllerDeployment;

  /** @throws ManifestPropsError naming the first prop that breaks a rule */
  constructor(scope: Construct, id: string, props: ManifestProps = {}) {
    super(scope, id);
    this.props = resolveManifestProps(props);
    this.crd = new ScheduledWorkflowCrd(this, 'Crd');
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: CONTROLLER_NAME, namespace: this.props.namespace },
      // cdk8s-plus turns automounting off by default; the Deployment states what it needs.
      automountToken: true,
    });
    this.rbac = new ControllerRbac(this, 'Rbac', { namespace: this.props.namespace, scope: 'namespace' });
    this.controller = new ControllerDeployment(this, 'Controller', {
      props: this.props,
      serviceAccount: this.serviceAccount,
    });
  }
}
