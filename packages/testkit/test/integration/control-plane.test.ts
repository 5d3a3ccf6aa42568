import { execSync, spawn } from 'node:child_process';
import {
  ApiextensionsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  RbacAuthorizationV1Api,
  Watch,
} from '@kubernetes/client-node';
import { type ControlPlane, startControlPlane, waitFor } from '../../src/index.js';

let plane: ControlPlane;
let admin: KubeConfig;

beforeAll(async () => {
  plane = await startControlPlane();
  process.stdout.write(`control plane ready in ${plane.startupMs} ms (binaries cached)\n`);
  admin = plane.adminKubeConfig();
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'team-a' } } });
});

afterAll(async () => {
  await plane?.stop();
});

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } },
          },
        },
      },
    ],
  },
};

describe('the control plane', () => {
  const widgets = { group: 'example.com', version: 'v1', namespace: 'team-a', plural: 'widgets' };

  beforeAll(async () => {
    const crds = admin.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({ body: WIDGET_CRD });
    await waitFor('the CRD to be established', async () => {
      const crd = await crds.readCustomResourceDefinition({ name: 'widgets.example.com' });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
  });

  it('serves a CRD and validates against its schema', async () => {
    const api = admin.makeApiClient(CustomObjectsApi);
    await waitFor('the CRD to serve', () =>
      api.createNamespacedCustomObject({
        ...widgets,
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 2 } },
      }),
    );
    await expect(
      api.createNamespacedCustomObject({
        ...widgets,
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0 } },
      }),
    ).rejects.toMatchObject({ code: 422 });
  });

  it('delivers an update to a watch', async () => {
    const api = admin.makeApiClient(CustomObjectsApi);
    await api.createNamespacedCustomObject({
      ...widgets,
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'watched' },
        spec: { size: 1 },
      },
    });
    const seen = new Promise<number>((resolve, reject) => {
      void new Watch(admin)
        .watch(
          '/apis/example.com/v1/namespaces/team-a/widgets',
          { fieldSelector: 'metadata.name=watched' },
          (type, obj: { spec: { size: number } }) => {
            if (type === 'MODIFIED') resolve(obj.spec.size);
          },
          (error) => (error ? reject(error) : undefined),
        )
        .then(async (request) => {
          await api.patchNamespacedCustomObject({
            ...widgets,
            name: 'watched',
            body: [{ op: 'replace', path: '/spec/size', value: 7 }],
          });
          await seen.finally(() => request.abort());
        });
    });
    await expect(seen).resolves.toBe(7);
  });

  it('answers 409 to an update with a stale resourceVersion', async () => {
    const api = admin.makeApiClient(CustomObjectsApi);
    const created = (await api.createNamespacedCustomObject({
      ...widgets,
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'contended' },
        spec: { size: 1 },
      },
    })) as { metadata: { resourceVersion: string } };
    const stale = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'contended', resourceVersion: created.metadata.resourceVersion },
    };
    await api.replaceNamespacedCustomObject({
      ...widgets,
      name: 'contended',
      body: { ...stale, spec: { size: 2 } },
    });
    await expect(
      api.replaceNamespacedCustomObject({
        ...widgets,
        name: 'contended',
        body: { ...stale, spec: { size: 3 } },
      }),
    ).rejects.toMatchObject({ code: 409 });
  });

  it('mints a service-account token that passes TokenReview for its audience only', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'team-a', body: { metadata: { name: 'robot' } } });
    const minted = await core.createNamespacedServiceAccountToken({
      name: 'robot',
      namespace: 'team-a',
      body: { spec: { audiences: ['pipelines.kubeflow.org'], expirationSeconds: 3600 } },
    });
    const token = minted.status?.token ?? '';
    const reviews = admin.makeApiClient(AuthenticationV1Api);
    const ok = await reviews.createTokenReview({
      body: { spec: { token, audiences: ['pipelines.kubeflow.org'] } },
    });
    expect(ok.status?.authenticated).toBe(true);
    expect(ok.status?.user?.username).toBe('system:serviceaccount:team-a:robot');
    const wrongAudience = await reviews.createTokenReview({
      body: { spec: { token, audiences: ['other'] } },
    });
    expect(wrongAudience.status?.authenticated).toBeFalsy();
  });

  it('answers SubjectAccessReview by the RBAC in force', async () => {
    const review = () =>
      admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
        body: {
          spec: {
            user: 'system:serviceaccount:team-a:robot',
            resourceAttributes: {
              namespace: 'team-a',
              verb: 'create',
              group: 'pipelines.kubeflow.org',
              resource: 'runs',
            },
          },
        },
      });
    expect((await review()).status?.allowed).toBe(false);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: 'team-a',
      body: {
        metadata: { name: 'run-creator' },
        rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['create'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: {
        metadata: { name: 'run-creator' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'run-creator' },
        subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'team-a' }],
      },
    });
    await waitFor('RBAC to allow', async () => ((await review()).status?.allowed ? true : undefined));
  });
});

/** PIDs of the processes serving the API server on `port`. */
function serversOn(port: number): number[] {
  return execSync(`pgrep -f -- '--secure-port=${port}' || true`)
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(Number);
}

function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

describe('stopping', () => {
  it('leaves no process behind when the test process is killed with SIGKILL', async () => {
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('${dist}'); const p = await m.startControlPlane(); console.log(p.server); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const server = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    const pids = serversOn(Number(new URL(server).port));
    expect(pids.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await waitFor('the servers to go', async () => (alive(pids).length === 0 ? true : undefined), 20_000);
  });

  it('leaves no process and no port behind', async () => {
    const second = await startControlPlane();
    const port = Number(new URL(second.server).port);
    const pids = serversOn(port);
    expect(pids.length).toBeGreaterThan(0);
    await second.stop();
    expect(alive(pids)).toEqual([]);
    const { freePorts } = await import('../../src/index.js');
    const net = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = net
        .createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => s.close(() => resolve()));
    });
    expect((await freePorts(1)).length).toBe(1);
  });
});
