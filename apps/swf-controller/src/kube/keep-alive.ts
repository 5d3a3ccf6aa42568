import { Agent } from 'node:https';
import {
  type Configuration,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
  ServerConfiguration,
} from '@kubernetes/client-node';

/**
 * The kubeconfig's credentials, sent over connections that are kept and reused.
 *
 * client-node builds a new `https.Agent` for every request (kubernetes-client/javascript#2893), so
 * each call opens a new TCP connection, builds a new TLS context from the CA and does a full
 * handshake: per status write, CPU on both ends and native memory held until the next GC. This
 * applies the kubeconfig as client-node would, then swaps its agent for one kept-alive agent with
 * the same TLS options. An agent of another kind (a proxy's, or plain HTTP's) is left as it is.
 */
export class KeepAliveAuthentication implements SecurityAuthentication {
  readonly #kubeConfig: KubeConfig;
  #agent: Agent | undefined;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  getName(): string {
    return 'kubeconfig-keep-alive';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.#kubeConfig.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    // Proxy agents are https.Agent subclasses (instanceof is true); only a plain one is replaced.
    if (fresh?.constructor !== Agent) return;
    this.#agent ??= new Agent({ ...(fresh as Agent).options, keepAlive: true });
    context.setAgent(this.#agent);
  }
}

/**
 * An API client (e.g. `CustomObjectsApi`) like `kubeConfig.makeApiClient`, whose requests share
 * kept-alive connections.
 *
 * @throws Error when the kubeconfig has no current cluster.
 */
export function makeKeepAliveApiClient<T>(
  kubeConfig: KubeConfig,
  apiClientType: new (configuration: Configuration) => T,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new apiClientType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: new KeepAliveAuthentication(kubeConfig) },
    }),
  );
}
