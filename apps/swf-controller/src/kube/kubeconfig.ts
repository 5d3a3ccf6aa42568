import { access } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../config/config.js';

/** Where the kubelet mounts the pod's service-account token. */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads the Kubernetes client config as upstream's `clientcmd.BuildConfigFromFlags` does:
 * `--kubeconfig` when given; otherwise the in-cluster config inside a pod; otherwise the default
 * rules (`$KUBECONFIG`, then `~/.kube/config`). `--master` overrides the server address.
 *
 * @throws ConfigError naming `--kubeconfig` or `--master` when they cannot be used
 */
export async function loadKubeConfig(
  options: { kubeconfig: string; master: string },
  env: Readonly<Record<string, string | undefined>>,
): Promise<KubeConfig> {
  const config = new KubeConfig();
  if (options.kubeconfig) {
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new ConfigError(
        '--kubeconfig',
        `cannot load "${options.kubeconfig}": ${(error as Error).message}`,
      );
    }
  } else if (env.KUBERNETES_SERVICE_HOST && (await exists(IN_CLUSTER_TOKEN))) {
    config.loadFromCluster();
  } else {
    config.loadFromDefault();
  }
  if (options.master) {
    let server: URL;
    try {
      server = new URL(options.master);
    } catch {
      throw new ConfigError('--master', `"${options.master}" is not a URL`);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new ConfigError('--master', 'no current cluster in the kubeconfig to point at it');
    config.clusters = config.clusters.map((c) =>
      c === cluster ? { ...c, server: server.href.replace(/\/$/, '') } : c,
    );
  }
  if (!config.getCurrentCluster()) {
    throw new ConfigError(
      '--kubeconfig',
      'no cluster found: not in a pod, and no $KUBECONFIG or ~/.kube/config',
    );
  }
  return config;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
