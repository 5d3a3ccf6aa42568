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
 *
 * Each object may be in wire form (parsed YAML or JSON, a literal, cdk8s output) or one of
 * client-node's models (from `loadYaml`/`loadAllYaml`), or a mix: see {@link toClientModel}.
 */
export async function applyObjects(kubeConfig: KubeConfig, objects: readonly object[]): Promise<void> {
  const api = kubeConfig.makeApiClient(KubernetesObjectApi);
  const models = objects.map(toClientModel);
  for (const obj of models) await api.create(obj);
  const crds = models.filter((o) => o.kind === 'CustomResourceDefinition') as V1CustomResourceDefinition[];
  for (const crd of crds) await waitServed(kubeConfig, crd);
}

/**
 * `obj` as client-node's model, which is what its `KubernetesObjectApi` expects: it serialises by
 * the models' property names, which differ from the wire's for some keys
 * (`x_kubernetes_preserve_unknown_fields` for `x-kubernetes-preserve-unknown-fields`), so a
 * wire-form object sent as is loses those keys.
 *
 * `obj` goes through the models' parser exactly once. Parsing a model again would drop the same
 * keys, since the parser looks for the wire names only; so any model inside `obj` (all of it, or a
 * part, as in `{ ...model }`) is turned back to wire form first, by its own class's attribute map.
 */
export function toClientModel(obj: object): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(obj, toWireKeys));
}

// A JSON.stringify replacer: it sees every object in the tree, models included, before serialising it.
function toWireKeys(_key: string, value: unknown): unknown {
  const model = (value as { constructor?: ModelClass } | null)?.constructor;
  if (typeof model?.getAttributeTypeMap !== 'function') return value;
  const wireName = new Map(model.getAttributeTypeMap().map((a) => [a.name, a.baseName]));
  return Object.fromEntries(
    Object.entries(value as object).map(([name, child]) => [wireName.get(name) ?? name, child]),
  );
}

/** What every client-node model class has: its property names with their wire names. */
interface ModelClass {
  getAttributeTypeMap?(): readonly { readonly name: string; readonly baseName: string }[];
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
