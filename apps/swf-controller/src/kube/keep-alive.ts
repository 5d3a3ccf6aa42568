import { Agent } from 'node:https';
import {
  type Configuration,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { deadlineHttpLibrary } from './deadline-http.js';

/**
 * How long a kept-alive connection may sit unused before it is closed. A connection that went dead
 * without a reset while idle (nothing tells HTTP/1.1 so: it has no ping) would otherwise be handed
 * to the next call, which would then wait out its whole deadline.
 */
export const IDLE_CONNECTION_MS = 30_000;

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
    // An idle socket's `timeout` closes it (Node's agent destroys a free socket that times out).
    this.#agent ??= new Agent({ ...(fresh as Agent).options, keepAlive: true, timeout: IDLE_CONNECTION_MS });
    context.setAgent(this.#agent);
  }
}

/**
 * An API client (e.g. `CustomObjectsApi`) like `kubeConfig.makeApiClient`, whose requests share
 * kept-alive connections and each end within `requestTimeoutMs` ({@link deadlineHttpLibrary}).
 *
 * @throws Error when the kubeconfig has no current cluster.
 */
export function makeKeepAliveApiClient<T>(
  kubeConfig: KubeConfig,
  apiClientType: new (configuration: Configuration) => T,
  requestTimeoutMs: number,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new apiClientType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: new KeepAliveAuthentication(kubeConfig) },
      httpApi: deadlineHttpLibrary(requestTimeoutMs),
    }),
  );
}
