import { CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { type ControlPlane, FreezingProxy, startControlPlane } from '@swf/testkit';
import { pino } from 'pino';
import { makeKeepAliveApiClient } from '../../src/kube/keep-alive.js';
import { ResilientInformer } from '../../src/kube/resilient-informer.js';
import { waitFor } from './env.js';

let plane: ControlPlane;

beforeAll(async () => {
  plane = await startControlPlane();
}, 300_000);

afterAll(async () => {
  await plane?.stop();
});

type ConfigMap = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };

/** A copy of `kubeConfig` whose cluster is reached through a proxy on `port`. */
function throughProxy(kubeConfig: KubeConfig, port: number): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${port}` })),
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}

/** An informer of ConfigMaps in `namespace`, counting its lists, with short watches for the test. */
function configMapInformer(
  kubeConfig: KubeConfig,
  namespace: string,
  seen: string[],
  lists: { count: number },
) {
  const core = makeKeepAliveApiClient(kubeConfig, CoreV1Api, 1_000);
  return new ResilientInformer<ConfigMap>({
    kubeConfig,
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    list: () => {
      lists.count += 1;
      return core.listNamespacedConfigMap({ namespace }) as Promise<{ items: ConfigMap[] }>;
    },
    log: pino({ level: 'silent' }),
    watchTimeoutSeconds: 2,
    watchGraceMs: 1_000,
    baseBackoffMs: 100,
    maxBackoffMs: 1_000,
    onAdd: (cm) => seen.push(cm.metadata?.name ?? ''),
  });
}

describe('ResilientInformer against a real API server', () => {
  it('re-lists and re-watches by itself after the API server restarts', async () => {
    const admin = plane.adminKubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const errors: unknown[] = [];
    const informer = new ResilientInformer<ConfigMap>({
      kubeConfig: admin,
      path: '/api/v1/namespaces/default/configmaps',
      list: () => core.listNamespacedConfigMap({ namespace: 'default' }) as Promise<{ items: ConfigMap[] }>,
      log: pino({ level: 'silent' }),
      baseBackoffMs: 100,
      maxBackoffMs: 1_000,
      onAdd: (cm) => seen.push(cm.metadata?.name ?? ''),
      onError: (error) => errors.push(error),
    });
    const create = (name: string) =>
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name } } as V1ConfigMap });
    await informer.start();
    await create('before');
    await waitFor('the first object', async () => (seen.includes('before') ? true : undefined));

    await plane.stopApiServer();
    await waitFor('the informer to notice', async () => (errors.length > 0 ? true : undefined), 30_000);
    await plane.startApiServer();
    await create('after');
    await waitFor(
      'an object created after the restart',
      async () => (seen.includes('after') ? true : undefined),
      30_000,
    );
    expect(informer.restarts).toBeGreaterThan(0);
    expect(informer.get('after', 'default')?.metadata?.name).toBe('after');
    await informer.stop();
  });

  it('resumes each watch the API server ends from its last version, without listing again', async () => {
    const admin = plane.adminKubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'resume' } } });
    const seen: string[] = [];
    const lists = { count: 0 };
    const informer = configMapInformer(admin, 'resume', seen, lists);
    await informer.start();
    // Three watch timeouts of 2 s, an object created in each.
    for (const name of ['one', 'two', 'three']) {
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await core.createNamespacedConfigMap({
        namespace: 'resume',
        body: { metadata: { name } } as V1ConfigMap,
      });
    }
    await waitFor('the last object', async () => (seen.includes('three') ? true : undefined));
    expect(lists.count).toBe(1);
    expect(informer.restarts).toBe(0);
    await informer.stop();
  });

  it('ends a watch whose connection went dead without a reset, and lists again once the network heals', async () => {
    const admin = plane.adminKubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'frozen' } } });
    const proxy = await FreezingProxy.start({ host: '127.0.0.1', port: Number(new URL(plane.server).port) });
    const seen: string[] = [];
    const lists = { count: 0 };
    const informer = configMapInformer(throughProxy(admin, proxy.port), 'frozen', seen, lists);
    try {
      await informer.start();
      proxy.freeze();
      await core.createNamespacedConfigMap({
        namespace: 'frozen',
        body: { metadata: { name: 'while-frozen' } } as V1ConfigMap,
      });
      // Longer than a watch's timeout and grace: the watch in flight is known dead, lists time out.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(seen).not.toContain('while-frozen');
      proxy.heal();
      const healed = Date.now();
      await waitFor('the object created while frozen', async () =>
        seen.includes('while-frozen') ? true : undefined,
      );
      expect(Date.now() - healed).toBeLessThan(5_000);
      expect(lists.count).toBeGreaterThan(1);
      expect(informer.restarts).toBeGreaterThan(0);
    } finally {
      await informer.stop();
      await proxy.close();
    }
  });
});
