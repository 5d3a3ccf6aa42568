import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { type ControlPlane, startControlPlane } from '@swf/testkit';
import { pino } from 'pino';
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
});
