/**
 * What the settings point at, checked and loaded before the controller connects to anything: the
 * pod's namespace, the CA file, the kubeconfig. Errors here are settings errors (exit 2).
 */

import { access, constants, readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { type Config, ConfigError, type HostFacts } from './config.js';

/** The pod's namespace file, mounted in every pod with a service account. */
const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Where the kubelet mounts the pod's service-account token. */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Reads the facts of the host that settings resolve against (the pod's namespace, if in a pod). */
export async function readHostFacts(): Promise<HostFacts> {
  const podNamespace = await readFile(POD_NAMESPACE_FILE, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return { podNamespace };
}

/**
 * Checks the files the settings name, so a bad path exits 2 at once instead of failing later.
 *
 * @throws ConfigError naming `--caCertPath`
 */
export async function checkFiles(config: Config): Promise<void> {
  const { tls, caCertPath } = config.apiServer;
  if (!tls || !caCertPath) return;
  try {
    await access(caCertPath, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('--caCertPath', `cannot read "${caCertPath}" (${code})`);
  }
}

/**
 * Loads the Kubernetes client config as upstream's `clientcmd.BuildConfigFromFlags` does:
 * `--kubeconfig` when given; otherwise the in-cluster config inside a pod; otherwise the default
 * rules (`$KUBECONFIG`, then `~/.kube/config`, which client-node reads). `--master` overrides the
 * server address.
 *
 * @throws ConfigError naming `--kubeconfig` or `--master` when they cannot be used
 */
export async function loadKubeConfig(
  config: Pick<Config, 'kubeconfig' | 'master' | 'inCluster'>,
): Promise<KubeConfig> {
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig) {
    try {
      kubeConfig.loadFromFile(config.kubeconfig);
    } catch (error) {
      throw new ConfigError(
        '--kubeconfig',
        `cannot load "${config.kubeconfig}": ${(error as Error).message}`,
      );
    }
  } else if (config.inCluster && (await exists(IN_CLUSTER_TOKEN))) {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  if (config.master) {
    let server: URL;
    try {
      server = new URL(config.master);
    } catch {
      throw new ConfigError('--master', `"${config.master}" is not a URL`);
    }
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new ConfigError('--master', 'no current cluster in the kubeconfig to point at it');
    kubeConfig.clusters = kubeConfig.clusters.map((c) =>
      c === cluster ? { ...c, server: server.href.replace(/\/$/, '') } : c,
    );
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new ConfigError(
      '--kubeconfig',
      'no cluster found: not in a pod, and no $KUBECONFIG or ~/.kube/config',
    );
  }
  return kubeConfig;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
