import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  ARGO_COMPLETED_LABEL,
  ARGO_WORKFLOW_CRD,
  ARGO_WORKFLOWS,
  ArgoStandIn,
  applyObjects,
  type ControlPlane,
  markWorkflowSucceeded,
  startControlPlane,
  waitFor,
} from '../../src/index.js';

let plane: ControlPlane;
let admin: KubeConfig;
let custom: CustomObjectsApi;

beforeAll(async () => {
  plane = await startControlPlane();
  admin = plane.adminKubeConfig();
  custom = admin.makeApiClient(CustomObjectsApi);
  for (const name of ['team-a', 'team-b']) {
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  }
  await applyObjects(admin, [ARGO_WORKFLOW_CRD]);
});

afterAll(async () => {
  await plane?.stop();
});

interface Workflow {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { phase?: string; finishedAt?: string };
}

async function createWorkflow(namespace: string, labels: Record<string, string> = {}): Promise<string> {
  const created = (await custom.createNamespacedCustomObject({
    ...ARGO_WORKFLOWS,
    namespace,
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'run-', labels },
    },
  })) as Workflow;
  return created.metadata.name;
}

function readWorkflow(namespace: string, name: string): Promise<Workflow> {
  return custom.getNamespacedCustomObject({ ...ARGO_WORKFLOWS, namespace, name }) as Promise<Workflow>;
}

describe('markWorkflowSucceeded', () => {
  it('finishes a Workflow as Argo does: completed and phase labels, phase and finish time in the status', async () => {
    const name = await createWorkflow('team-a', { keep: 'me' });

    await markWorkflowSucceeded(admin, 'team-a', name, new Date('2026-12-02T18:30:25.678Z'));

    const workflow = await readWorkflow('team-a', name);
    expect(workflow.metadata.labels).toEqual({
      keep: 'me',
      [ARGO_COMPLETED_LABEL]: 'true',
      'workflows.argoproj.io/phase': 'Succeeded',
    });
    expect(workflow.status).toEqual({ phase: 'Succeeded', finishedAt: '2026-12-02T18:30:25Z' });
  });

  it('finishes one the same way through a client given instead of a kubeconfig', async () => {
    const name = await createWorkflow('team-a');

    await markWorkflowSucceeded(custom, 'team-a', name, new Date('2026-12-02T18:31:00Z'));

    const workflow = await readWorkflow('team-a', name);
    expect(workflow.metadata.labels?.[ARGO_COMPLETED_LABEL]).toBe('true');
    expect(workflow.status).toEqual({ phase: 'Succeeded', finishedAt: '2026-12-02T18:31:00Z' });
  });
});

describe('ArgoStandIn', () => {
  it('finishes each unfinished Workflow of its namespace once its run time has passed, and nothing else', async () => {
    const fresh = await createWorkflow('team-a');
    const running = await createWorkflow('team-a', { [ARGO_COMPLETED_LABEL]: 'false' });
    const done = await createWorkflow('team-a', { [ARGO_COMPLETED_LABEL]: 'true' });
    const elsewhere = await createWorkflow('team-b');
    const standIn = ArgoStandIn.start(admin, { namespace: 'team-a', runMs: 2_000, pollMs: 100 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await readWorkflow('team-a', fresh)).status).toBeUndefined();

      await waitFor('both to finish', async () => (standIn.completed >= 2 ? true : undefined), 10_000);
      for (const name of [fresh, running]) {
        expect((await readWorkflow('team-a', name)).status?.phase).toBe('Succeeded');
      }
      expect((await readWorkflow('team-a', done)).status).toBeUndefined();
      expect((await readWorkflow('team-b', elsewhere)).status).toBeUndefined();
      expect(standIn.completed).toBe(2);
    } finally {
      await standIn.stop();
    }
  });

  it('carries on after the kube-apiserver restarts', async () => {
    const errors: unknown[] = [];
    const standIn = ArgoStandIn.start(admin, {
      namespace: 'team-b',
      runMs: 0,
      pollMs: 100,
      onError: (error) => errors.push(error),
    });
    try {
      await plane.stopApiServer();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await plane.startApiServer();
      const name = await createWorkflow('team-b');

      await waitFor('the Workflow created after the restart to finish', async () =>
        (await readWorkflow('team-b', name)).status?.phase === 'Succeeded' ? true : undefined,
      );
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await standIn.stop();
    }
  });
});
