import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { waitFor } from '../wait-for.js';
import { SERVICE_ACCOUNT_ISSUER } from './control-plane.js';

/** A minimal Argo Workflow CRD: enough to create, list and watch Workflows without Argo installed. */
export const ARGO_WORKFLOW_CRD: KubernetesObject = Object.freeze({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'workflows.argoproj.io' },
  spec: {
    group: 'argoproj.io',
    scope: 'Namespaced',
    names: { plural: 'workflows', singular: 'workflow', kind: 'Workflow', shortNames: ['wf'] },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
}) as KubernetesObject;

/**
 * Creates `objects` in order, as `kubectl create` would, then waits until every CRD among them is
 * Established and its resources are served, so the caller can create custom objects right away.
 */
export async function applyObjects(kubeConfig: KubeConfig, objects: readonly object[]): Promise<void> {
  const api = kubeConfig.makeApiClient(KubernetesObjectApi);
  // Through client-node's typed models, which know `x-kubernetes-*` keys only in their camelCase
  // form: a raw object would lose them on serialisation.
  const typed = objects.map((obj) => loadYaml<KubernetesObject>(JSON.stringify(obj)));
  for (const obj of typed) await api.create(obj);
  const crds = typed.filter((o) => o.kind === 'CustomResourceDefinition') as V1CustomResourceDefinition[];
  for (const crd of crds) await waitServed(kubeConfig, crd);
}

async function waitServed(kubeConfig: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? '';
  const crds = kubeConfig.makeApiClient(ApiextensionsV1Api);
  await waitFor(`CRD ${name} to be Established`, async () => {
    const current = await crds.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ? true
      : undefined;
  });
  const version = crd.spec.versions.find((v) => v.served)?.name ?? '';
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  // The resource serves a moment after the CRD is Established.
  await waitFor(`${crd.spec.names.plural}.${crd.spec.group} to be served`, () =>
    custom.listClusterCustomObject({ group: crd.spec.group, version, plural: crd.spec.names.plural }),
  );
}

/** Options of {@link mintServiceAccountToken}. */
export interface TokenOptions {
  /** @default [SERVICE_ACCOUNT_ISSUER], what kube-apiserver accepts */
  readonly audiences?: readonly string[];
  /** @default 3600 */
  readonly expirationSeconds?: number;
}

/** Asks the API server for a token of a service account (the TokenRequest API, as the kubelet does). */
export async function mintServiceAccountToken(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: TokenOptions = {},
): Promise<string> {
  const minted = await kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    body: {
      spec: {
        audiences: [...(options.audiences ?? [SERVICE_ACCOUNT_ISSUER])],
        expirationSeconds: options.expirationSeconds ?? 3600,
      },
    },
  });
  return minted.status?.token ?? '';
}
