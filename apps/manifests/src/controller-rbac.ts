import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CONTROLLER_BINDING_NAME, CONTROLLER_NAME, CONTROLLER_ROLE_NAME } from './names.js';
import { CONTROLLER_RULES, LEADER_ELECTION_RULES, type PolicyRule } from './rbac-rules.js';

const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Props of {@link ControllerRbac}. */
export interface ControllerRbacProps {
  /** Namespace of the controller's ServiceAccount (and of the Role, when namespaced). */
  readonly namespace: string;
  /**
   * `namespace`: a Role and RoleBinding in `namespace`, for the controller watching its own
   * namespace (plus its leader-election Lease). `cluster`: a ClusterRole and ClusterRoleBinding, for
   * the multi-user controller that watches every namespace.
   */
  readonly scope: 'namespace' | 'cluster';
}

/**
 * The controller's role and its binding to the `ml-pipeline-scheduledworkflow` ServiceAccount, with
 * upstream's names.
 *
 * Plain API objects rather than cdk8s-plus roles: cdk8s-plus splits every rule per resource and
 * writes `resourceNames: []` into ClusterRole rules, and these rules are meant to read exactly as
 * written in `rbac-rules.ts`, the same in both kinds.
 */
export class ControllerRbac extends Construct {
  /** The Role or ClusterRole. */
  readonly role: ApiObject;
  /** The RoleBinding or ClusterRoleBinding. */
  readonly binding: ApiObject;

  constructor(scope: Construct, id: string, props: ControllerRbacProps) {
    super(scope, id);
    const namespaced = props.scope === 'namespace';
    const roleKind = namespaced ? 'Role' : 'ClusterRole';
    const rules: readonly PolicyRule[] = namespaced
      ? [...CONTROLLER_RULES, ...LEADER_ELECTION_RULES]
      : CONTROLLER_RULES;
    this.role = new ApiObject(this, 'Role', {
      apiVersion: RBAC_API_VERSION,
      kind: roleKind,
      metadata: {
        name: CONTROLLER_ROLE_NAME,
        // Upstream labels its Role, not its ClusterRole.
        ...(namespaced ? { namespace: props.namespace, labels: { app: CONTROLLER_ROLE_NAME } } : {}),
      },
      rules: rules.map((rule) => ({ ...rule })),
    });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: RBAC_API_VERSION,
      kind: `${roleKind}Binding`,
      metadata: { name: CONTROLLER_BINDING_NAME, ...(namespaced ? { namespace: props.namespace } : {}) },
      roleRef: { apiGroup: RBAC_GROUP, kind: roleKind, name: CONTROLLER_ROLE_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: props.namespace }],
    });
  }
}
