import { envVar } from '@swf/contract';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { CONTROLLER_NAME } from './names.js';
import type { ResolvedManifestProps } from './props.js';

/** Env var that only feeds the expansion of the identity: the pod's ServiceAccount name. */
const SERVICE_ACCOUNT_NAME = 'SERVICE_ACCOUNT_NAME';

/** The identity the controller sends: its own ServiceAccount, spelled as Kubernetes authenticates it. */
export const USER_IDENTITY_VALUE = `system:serviceaccount:$(${envVar('namespaceSelf')}):$(${SERVICE_ACCOUNT_NAME})`;

/**
 * Env entries the multi-user patch adds to the base container, in the order they must end up in.
 * Kubernetes expands `$(VAR)` only from entries listed before, so `NAMESPACE_SELF` and
 * `SERVICE_ACCOUNT_NAME` precede `USER_IDENTITY_VALUE`. kustomize's strategic merge writes the
 * patch's entries first, in patch order, then the base entries the patch does not name; listing
 * every new entry here, after the two it expands, keeps the order whatever the base holds.
 */
export function multiUserEnv(props: ResolvedManifestProps): Record<string, unknown>[] {
  const fromInstallConfig = (key: string) => ({
    configMapKeyRef: { name: props.configMapName, key, optional: true },
  });
  return [
    // Empty: watch every namespace.
    { name: envVar('namespace'), value: '' },
    { name: envVar('namespaceSelf'), valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: SERVICE_ACCOUNT_NAME, valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
    // Same ConfigMap keys the API server reads (KUBEFLOW_USERID_HEADER / _PREFIX), so both agree;
    // key absent: identity off.
    { name: envVar('userIdentityHeader'), valueFrom: fromInstallConfig(props.configMapKeys.userIdHeader) },
    { name: envVar('userIdentityPrefix'), valueFrom: fromInstallConfig(props.configMapKeys.userIdPrefix) },
    { name: envVar('userIdentityValue'), value: USER_IDENTITY_VALUE },
  ];
}

/**
 * Strategic-merge patch of the base Deployment for multi-user mode: watch all namespaces and send the
 * controller's own identity. It sets env vars only, never `args`, so the image's entrypoint still runs.
 */
export class MultiUserDeploymentPatch extends Construct {
  /** The patch document (a partial Deployment). */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ResolvedManifestProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: CONTROLLER_NAME, namespace: props.namespace },
      spec: { template: { spec: { containers: [{ name: CONTROLLER_NAME, env: multiUserEnv(props) }] } } },
    });
    // The base sets NAMESPACE from the downward API; a merge would keep that `valueFrom` next to the
    // new `value`, which the API server rejects. An explicit null deletes it (kubernetes-sigs/kustomize#2606).
    // Added as a JSON patch because cdk8s drops null values while rendering.
    this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env/0/valueFrom', null));
  }
}
