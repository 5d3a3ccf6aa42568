import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { applyObjects, mintServiceAccountToken, type TokenOptions } from '../control-plane/install.js';
import { KfpDoubleConfigError } from './kfp-api-double.js';

/** Namespace the KFP API server runs in, as KFP installs it. */
export const KFP_API_SERVER_NAMESPACE = 'kubeflow';
/** The KFP API server's service account (`ml-pipeline`). */
export const KFP_API_SERVER_SERVICE_ACCOUNT = 'ml-pipeline';
/** The Kubernetes user the KFP API server acts as, in its default namespace. */
export const KFP_API_SERVER_IDENTITY = `system:serviceaccount:${KFP_API_SERVER_NAMESPACE}:${KFP_API_SERVER_SERVICE_ACCOUNT}`;

/**
 * The KFP API server's service account with the least of KFP's `ml-pipeline` ClusterRole that
 * `CreateRun` needs: create Workflows, list ScheduledWorkflows (the double finds a recurring run's
 * by its uid, where KFP reads the namespace from its job table and gets it), and update
 * `scheduledworkflows/finalizers`, without which the OwnerReferencesPermissionEnforcement admission
 * plugin refuses a Workflow whose owner reference blocks the owner's deletion.
 */
export function kfpApiServerRbacObjects(namespace: string = KFP_API_SERVER_NAMESPACE): KubernetesObject[] {
  const name = KFP_API_SERVER_SERVICE_ACCOUNT;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [
        { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] },
        { apiGroups: ['kubeflow.org'], resources: ['scheduledworkflows'], verbs: ['get', 'list'] },
        { apiGroups: ['kubeflow.org'], resources: ['scheduledworkflows/finalizers'], verbs: ['update'] },
      ],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    } as KubernetesObject,
  ];
}

/** Options of {@link installKfpApiServerIdentity}. */
export interface KfpApiServerIdentityOptions {
  /**
   * Namespace of the service account; it must exist.
   * @default KFP_API_SERVER_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * The token's audiences and lifetime.
   * @default {} (what mintServiceAccountToken defaults to: the cluster's audience, one hour)
   */
  readonly token?: TokenOptions;
}

/** The KFP API server's credentials, as its pod would hold them. */
export interface KfpApiServerIdentity {
  /** `system:serviceaccount:<namespace>:ml-pipeline`. */
  readonly user: string;
  /** A token of the service account. */
  readonly token: string;
  /** A KubeConfig with that token on the admin config's current cluster; give it to `KubeRunCluster`. */
  readonly kubeConfig: KubeConfig;
}

/**
 * Stands in for KFP's own install: creates {@link kfpApiServerRbacObjects} as `admin` and mints a
 * token of the service account.
 *
 * @throws KfpDoubleConfigError when `admin` has no current cluster.
 */
export async function installKfpApiServerIdentity(
  admin: KubeConfig,
  options: KfpApiServerIdentityOptions = {},
): Promise<KfpApiServerIdentity> {
  const namespace = options.namespace ?? KFP_API_SERVER_NAMESPACE;
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new KfpDoubleConfigError('admin', 'the kubeconfig has no current cluster');
  await applyObjects(admin, kfpApiServerRbacObjects(namespace));
  const user = `system:serviceaccount:${namespace}:${KFP_API_SERVER_SERVICE_ACCOUNT}`;
  const token = await mintServiceAccountToken(
    admin,
    namespace,
    KFP_API_SERVER_SERVICE_ACCOUNT,
    options.token,
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return { user, token, kubeConfig };
}
