import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { CreateRunRequest, type Run, RunServiceClient } from '@swf/kfp-api';
import { type ControlPlane, KfpApiDouble, KubeAccessReviewer, startControlPlane } from '../../src/index.js';

let plane: ControlPlane;
let double: KfpApiDouble;
let client: RunServiceClient;
let robotToken: string;

beforeAll(async () => {
  plane = await startControlPlane();
  const admin = plane.adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
  await core.createNamespace({ body: { metadata: { name: 'kubeflow' } } });
  await core.createNamespacedServiceAccount({ namespace: 'kubeflow', body: { metadata: { name: 'robot' } } });
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: 'run-creator' },
      rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['create'] }],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'robot-runs' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'run-creator' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'kubeflow' }],
    },
  });
  const minted = await core.createNamespacedServiceAccountToken({
    name: 'robot',
    namespace: 'kubeflow',
    body: { spec: { audiences: ['pipelines.kubeflow.org'], expirationSeconds: 3600 } },
  });
  robotToken = minted.status?.token ?? '';
  double = await KfpApiDouble.start({
    reviewer: new KubeAccessReviewer(admin),
    experiments: { exp: 'team-a' },
    pipelines: { p: 'hello-world' },
  });
  double.addRecurringRun({ metadata: { name: 'nightly', namespace: 'team-a', uid: 'rr-1' } });
  client = new RunServiceClient(double.address, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await double?.close();
  await plane?.stop();
});

function createRun(metadata: Record<string, string>, displayName: string): Promise<Run> {
  const md = new Metadata();
  for (const [key, value] of Object.entries(metadata)) md.set(key, value);
  const request = CreateRunRequest.fromPartial({
    experimentId: 'exp',
    run: {
      experimentId: 'exp',
      displayName,
      recurringRunId: 'rr-1',
      pipelineVersionReference: { pipelineId: 'p' },
    },
  });
  return new Promise((resolve, reject) =>
    client.createRun(request, md, (error: ServiceError | null, run?: Run) =>
      error ? reject(error) : resolve(run as Run),
    ),
  );
}

describe('the KFP API double with real TokenReview and SubjectAccessReview', () => {
  it('accepts a minted service-account token whose identity RBAC allows', async () => {
    await expect(createRun({ authorization: `Bearer ${robotToken}` }, 'by-token')).resolves.toMatchObject({
      displayName: 'by-token',
    });
    expect(double.calls.at(-1)?.identity).toBe('system:serviceaccount:kubeflow:robot');
  });

  it('accepts the identity key when RBAC allows that identity', async () => {
    await expect(
      createRun({ 'kubeflow-userid': 'system:serviceaccount:kubeflow:robot' }, 'by-key'),
    ).resolves.toMatchObject({
      displayName: 'by-key',
    });
  });

  it('answers PERMISSION_DENIED to an identity RBAC does not allow', async () => {
    await expect(createRun({ 'kubeflow-userid': 'bob' }, 'by-bob')).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
  });

  it('answers UNAUTHENTICATED to a token for another audience', async () => {
    const core = plane.adminKubeConfig().makeApiClient(CoreV1Api);
    const other = await core.createNamespacedServiceAccountToken({
      name: 'robot',
      namespace: 'kubeflow',
      body: { spec: { audiences: ['somewhere-else'], expirationSeconds: 3600 } },
    });
    await expect(
      createRun({ authorization: `Bearer ${other.status?.token}` }, 'wrong-audience'),
    ).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });

  it('answers UNAUTHENTICATED with KFP text when neither is sent', async () => {
    const error = (await createRun({}, 'anonymous').catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toContain('there is no user identity header');
  });
});
