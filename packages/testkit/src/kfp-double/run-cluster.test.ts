import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRunCluster } from './run-cluster.js';

const BASE = '/apis/kubeflow.org/v1beta1';

/**
 * A kube-apiserver stand-in for the look-up's requests only: ScheduledWorkflows by namespace and
 * name, a list by `metadata.name` field selector, each request recorded by method and path.
 */
class ScheduledWorkflowServer {
  readonly requests: string[] = [];
  /** `namespace/name` to uid. */
  readonly objects = new Map<string, string>();
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      this.requests.push(`${request.method} ${url.pathname}`);
      const named = new RegExp(`^${BASE}/namespaces/([^/]+)/scheduledworkflows/([^/]+)$`).exec(url.pathname);
      response.setHeader('content-type', 'application/json');
      if (named) {
        const [, namespace, name] = named;
        const uid = this.objects.get(`${namespace}/${name}`);
        if (uid === undefined) {
          response.statusCode = 404;
          response.end(JSON.stringify({ kind: 'Status', code: 404, message: 'not found' }));
        } else response.end(JSON.stringify(object(namespace as string, name as string, uid)));
        return;
      }
      const wanted = url.searchParams.get('fieldSelector')?.replace('metadata.name=', '');
      const items = [...this.objects]
        .map(([key, uid]) => [...key.split('/'), uid] as [string, string, string])
        .filter(([, name]) => name === wanted)
        .map(([namespace, name, uid]) => object(namespace, name, uid));
      response.end(JSON.stringify({ kind: 'List', items }));
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

describe('KubeRunCluster.findScheduledWorkflow', () => {
  let server: ScheduledWorkflowServer;
  let cluster: KubeRunCluster;

  beforeEach(async () => {
    server = new ScheduledWorkflowServer();
    cluster = new KubeRunCluster(await server.start());
  });

  afterEach(() => server.stop());

  it('gets it in the likely namespace, with no list', async () => {
    server.objects.set('team-a/nightly', 'uid-1');

    const found = await cluster.findScheduledWorkflow('nightly', 'uid-1', 'team-a');

    expect(found?.metadata).toEqual({ namespace: 'team-a', name: 'nightly', uid: 'uid-1' });
    expect(server.requests).toEqual([`GET ${BASE}/namespaces/team-a/scheduledworkflows/nightly`]);
  });

  it('lists across namespaces when the likely namespace does not have it, then gets it where it was', async () => {
    server.objects.set('team-a/nightly', 'other-uid');
    server.objects.set('team-z/nightly', 'uid-1');

    expect((await cluster.findScheduledWorkflow('nightly', 'uid-1', 'team-a'))?.metadata.namespace).toBe(
      'team-z',
    );
    expect((await cluster.findScheduledWorkflow('nightly', 'uid-1', 'team-a'))?.metadata.namespace).toBe(
      'team-z',
    );

    expect(server.requests).toEqual([
      `GET ${BASE}/namespaces/team-a/scheduledworkflows/nightly`,
      `GET ${BASE}/scheduledworkflows`,
      `GET ${BASE}/namespaces/team-z/scheduledworkflows/nightly`,
    ]);
  });

  it('finds none for a uid no object of that name has', async () => {
    server.objects.set('team-a/nightly', 'uid-1');

    expect(await cluster.findScheduledWorkflow('nightly', 'uid-2', 'team-a')).toBeNull();
    expect(await cluster.findScheduledWorkflow('nightly', 'uid-2')).toBeNull();
  });

  it('looks again when the object it found before is gone', async () => {
    server.objects.set('team-z/nightly', 'uid-1');
    await cluster.findScheduledWorkflow('nightly', 'uid-1');
    server.objects.delete('team-z/nightly');

    expect(await cluster.findScheduledWorkflow('nightly', 'uid-1')).toBeNull();
    expect(server.requests.at(-1)).toBe(`GET ${BASE}/scheduledworkflows`);
  });
});
