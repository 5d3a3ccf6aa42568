import { type KubeObject, layerObjects, synthBase, synthMultiUser } from './layers.js';
import type { ManifestProps } from './props.js';

/**
 * What the multi-user install puts in a cluster for the controller to run: the CRD, ServiceAccount,
 * Role, RoleBinding, ClusterRole and ClusterRoleBinding, without the Deployment, for a controller
 * that runs outside the cluster (tests, the local stack) with that ServiceAccount's token.
 *
 * @throws ManifestPropsError naming the first prop that breaks a rule
 */
export function multiUserInstallObjects(props: ManifestProps = {}): KubeObject[] {
  return [
    ...layerObjects(synthBase(props)).filter((o) => o.kind !== 'Deployment'),
    ...layerObjects(synthMultiUser(props)),
  ];
}
