import { Agent } from 'node:https';
import { CoreV1Api, HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { KeepAliveAuthentication, makeKeepAliveApiClient } from './keep-alive.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function kubeConfig(cluster: Record<string, unknown> = {}): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: 'https://127.0.0.1:6443',
        caData: Buffer.from(CA).toString('base64'),
        skipTLSVerify: false,
        ...cluster,
      },
    ],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config;
}

async function applied(auth: KeepAliveAuthentication): Promise<RequestContext> {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', HttpMethod.GET);
  await auth.applySecurityAuthentication(context);
  return context;
}

describe('KeepAliveAuthentication', () => {
  it('sends every request through one kept-alive agent', async () => {
    const auth = new KeepAliveAuthentication(kubeConfig());
    const first = (await applied(auth)).getAgent();
    const second = (await applied(auth)).getAgent();
    expect(first).toBeInstanceOf(Agent);
    expect(second).toBe(first);
    expect((first as Agent & { keepAlive: boolean }).keepAlive).toBe(true);
  });

  it("keeps the kubeconfig's TLS settings and credentials", async () => {
    const context = await applied(new KeepAliveAuthentication(kubeConfig()));
    expect(String((context.getAgent() as Agent).options.ca)).toBe(CA);
    expect(context.getHeaders().Authorization).toBe('Bearer secret-token');
  });

  it("leaves a proxy's agent alone", async () => {
    const context = await applied(
      new KeepAliveAuthentication(kubeConfig({ proxyUrl: 'http://proxy.example:3128' })),
    );
    expect(context.getAgent()?.constructor.name).toBe('HttpsProxyAgent');
  });
});

describe('makeKeepAliveApiClient', () => {
  it('builds an API client for the current cluster', () => {
    expect(makeKeepAliveApiClient(kubeConfig(), CoreV1Api, 1_000)).toBeInstanceOf(CoreV1Api);
  });

  it('refuses a kubeconfig without a current cluster', () => {
    expect(() => makeKeepAliveApiClient(new KubeConfig(), CoreV1Api, 1_000)).toThrow('No active cluster');
  });
});
