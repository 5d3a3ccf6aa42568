import {
  type KubeObject,
  layerObjects,
  type ManifestProps,
  resolveManifestProps,
  synthBase,
  synthMultiUser,
} from '@swf/manifests';
import { type EnvEntry, mergeEnv, resolveEnv } from './pod-env.js';

/** The parts of the controller's pod, as the multi-user install generates it, that a local run reproduces. */
export interface ControllerPod {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The container's environment, every reference resolved as the kubelet would. */
  readonly env: Readonly<Record<string, string>>;
  /** Audience of the projected service-account token the controller sends to the KFP API server. */
  readonly tokenAudience: string;
  /** Name of that token's file inside its mounted folder. */
  readonly tokenFile: string;
}

interface PodSpec {
  serviceAccountName: string;
  containers: Array<{ env?: EnvEntry[] }>;
  volumes?: Array<{
    projected?: { sources: Array<{ serviceAccountToken?: { audience: string; path: string } }> };
  }>;
}

function podSpec(object: KubeObject | undefined): PodSpec {
  const spec = object?.spec as { template: { spec: PodSpec } } | undefined;
  if (!spec) throw new Error('the generated install has no controller Deployment or patch');
  return spec.template.spec;
}

/**
 * The controller's pod of the multi-user install for `props`: the base Deployment with the
 * overlay's patch applied, its env resolved against `configMaps` (by name, key to value).
 *
 * @throws PodEnvError when the env refers to a required key that `configMaps` lacks
 */
export function multiUserControllerPod(
  props: ManifestProps,
  configMaps: Readonly<Record<string, Readonly<Record<string, string>>>>,
): ControllerPod {
  const { namespace } = resolveManifestProps(props);
  const base = podSpec(layerObjects(synthBase(props), 'Deployment')[0]);
  const patch = podSpec(synthMultiUser(props).patches[0]?.objects[0]);
  const entries = mergeEnv(base.containers[0]?.env ?? [], patch.containers[0]?.env ?? []);
  const env = resolveEnv(entries, {
    fields: { 'metadata.namespace': namespace, 'spec.serviceAccountName': base.serviceAccountName },
    configMaps,
  });
  const token = (base.volumes ?? [])
    .flatMap((volume) => volume.projected?.sources ?? [])
    .find((source) => source.serviceAccountToken)?.serviceAccountToken;
  return {
    namespace,
    serviceAccount: base.serviceAccountName,
    env,
    tokenAudience: token?.audience ?? '',
    tokenFile: token?.path ?? '',
  };
}

/** Values of the install ConfigMap (`pipeline-install-config`) that multi-user KFP sets for the identity. */
export function multiUserInstallConfig(
  props: ManifestProps,
  identity: { readonly header: string; readonly prefix: string },
): Record<string, Record<string, string>> {
  const { configMapName, configMapKeys } = resolveManifestProps(props);
  return {
    [configMapName]: {
      [configMapKeys.userIdHeader]: identity.header,
      [configMapKeys.userIdPrefix]: identity.prefix,
    },
  };
}
