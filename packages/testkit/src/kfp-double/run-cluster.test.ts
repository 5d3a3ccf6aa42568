import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRunCluster } from './run-cluster.js';

const BASE = '/apis/kubeflow.org/v1beta1';

/**
 * A kube-apiserver stand-in for the look-up's requests only: ScheduledWorkflows by namespace and
 * name, each request recorded by method and path; a namespace in `forbidden` answers 403.
 */
class ScheduledWorkflowServer {
  readonly requests: string[] = [];
  /** `namespace/name` to uid. */
  readonly objects = new Map<string, string>();
  readonly forbidden = new Set<string>();
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      this.requests.push(`${request.method} ${url.pathname}`);
      const [, namespace = '', name = ''] =
        new RegExp(`^${BASE}/namespaces/([^/]+)/scheduledworkflows/([^/]+)$`).exec(url.pathname) ?? [];
      const uid = this.objects.get(`${namespace}/${name}`);
      response.setHeader('content-type', 'application/json');
      if (this.forbidden.has(namespace)) {
        response.statusCode = 403;
        const message = `scheduledworkflows.kubeflow.org "${name}" is forbidden`;
        response.end(JSON.stringify({ kind: 'Status', code: 403, message }));
      } else if (uid === undefined) {
        response.statusCode = 404;
        response.end(JSON.stringify({ kind: 'Status', code: 404, message: 'not found' }));
      } else response.end(JSON.stringify(object(namespace, name, uid)));
    });
  }

  async start(): Promise<KubeConfig> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return config;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function object(namespace: string, name: string, uid: string) {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { namespace, name, uid },
  };
}

describe('KubeRunCluster.getScheduledWorkflow', () => {
  let server: ScheduledWorkflowServer;
  let cluster: KubeRunCluster;

  beforeEach(async () => {
    server = new ScheduledWorkflowServer();
    cluster = new KubeRunCluster(await server.start());
  });

  afterEach(() => server.stop());

  it('gets it by namespace and name, in one request', async () => {
    server.objects.set('team-a/nightly', 'uid-1');

    const found = await cluster.getScheduledWorkflow('team-a', 'nightly');

    expect(found?.metadata).toEqual({ namespace: 'team-a', name: 'nightly', uid: 'uid-1' });
    expect(server.requests).toEqual([`GET ${BASE}/namespaces/team-a/scheduledworkflows/nightly`]);
  });

  it('finds none where there is none', async () => {
    server.objects.set('team-z/nightly', 'uid-1');

    expect(await cluster.getScheduledWorkflow('team-a', 'nightly')).toBeNull();
  });

  it("fails with the kube-apiserver's message when the get is refused", async () => {
    server.forbidden.add('team-a');

    await expect(cluster.getScheduledWorkflow('team-a', 'nightly')).rejects.toThrow(
      'scheduledworkflows.kubeflow.org "nightly" is forbidden',
    );
  });
});
