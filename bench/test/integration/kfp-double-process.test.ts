// The KFP API double in its own process, as the benchmark runs it: against a real control plane
// with the multi-user install, answering real gRPC, reporting to the parent over IPC.
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { nextResourceName, type ScheduledWorkflow } from '@swf/controller/domain';
import { CreateRunRequest, type Run, RunServiceClient } from '@swf/kfp-api';
import { ARGO_WORKFLOWS, latestVersionScheduledWorkflow } from '@swf/testkit';
import { type BenchCluster, CONTROLLER_IDENTITY, poll, startBenchCluster } from '../../src/cluster.js';
import { KfpDoubleProcess } from '../../src/kfp-double-process.js';
import { BENCH_PIPELINE } from '../../src/population.js';

const SWFS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;

let cluster: BenchCluster;
let client: RunServiceClient;

beforeAll(async () => {
  cluster = await startBenchCluster({ namespaces: 1, finishWorkflows: false });
  client = new RunServiceClient(`127.0.0.1:${cluster.kfp.port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
});

/** `CreateRun` for ScheduledWorkflow `recurringRunId`, as the controller sends it. */
function createRun(
  displayName: string,
  recurringRunId: string,
  experimentId: string,
  userId: string,
): Promise<Run> {
  const metadata = new Metadata();
  metadata.set('kubeflow-userid', userId);
  const request = CreateRunRequest.fromPartial({
    experimentId,
    run: {
      experimentId,
      displayName,
      recurringRunId,
      pipelineVersionReference: { pipelineId: BENCH_PIPELINE.id, pipelineVersionId: '' },
      runtimeConfig: { parameters: {}, pipelineRoot: '' },
    },
  });
  return new Promise((resolve, reject) =>
    client.createRun(request, metadata, (error: ServiceError | null, run?: Run) =>
      error ? reject(error) : resolve(run as Run),
    ),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('KfpDoubleProcess', () => {
  it('creates the run Workflow and reports the call, its steps and its review to the parent', async () => {
    const [team] = cluster.teams;
    if (team === undefined) throw new Error('no team');
    const custom = cluster.admin.makeApiClient(CustomObjectsApi);
    const swf = (await custom.createNamespacedCustomObject({
      ...SWFS,
      namespace: team.namespace,
      body: latestVersionScheduledWorkflow({
        name: 'reported',
        namespace: team.namespace,
        experimentId: team.experimentId,
        pipelineId: BENCH_PIPELINE.id,
        cron: '0 0 * * * *',
      }),
    })) as ScheduledWorkflow;
    const { uid = '', namespace = '', name = '' } = swf.metadata;
    // Made as KFP makes a recurring run: the double reads its object from the job row.
    await cluster.kfp.addRecurringRuns([{ uid, namespace, name }]);
    const displayName = nextResourceName(swf);

    await createRun(displayName, swf.metadata.uid ?? '', team.experimentId, CONTROLLER_IDENTITY);
    await poll('the call to be reported', async () => cluster.kfp.calls.length === 1, 5_000);

    const [call] = cluster.kfp.calls;
    expect(call).toMatchObject({ displayName, created: true });
    expect(call?.steps?.workflowCreatedAt).toBeGreaterThanOrEqual(call?.steps?.authorizedAt ?? Number.NaN);
    // The warm-up's reviews happen before the timing starts: only the call's own one is reported.
    expect(cluster.kfp.reviewsMs).toHaveLength(1);
    const workflows = (await custom.listNamespacedCustomObject({
      ...ARGO_WORKFLOWS,
      namespace: team.namespace,
    })) as { items: unknown[] };
    expect(workflows.items).toHaveLength(1);
  });

  it('reports a refused call as not created', async () => {
    const [team] = cluster.teams;
    if (team === undefined) throw new Error('no team');
    const before = cluster.kfp.calls.length;
    const refusal = await createRun('refused-run', 'no-such-uid', team.experimentId, 'nobody').then(
      () => null,
      (error: ServiceError) => error,
    );
    expect(refusal?.details).toMatch(/nobody/);
    await poll('the refused call to be reported', async () => cluster.kfp.calls.length === before + 1, 5_000);
    expect(cluster.kfp.calls[before]).toMatchObject({ displayName: 'refused-run', created: false });
  });

  it('fails to start, naming why, when the child cannot reach the kube-apiserver', async () => {
    // A kubeconfig whose server refuses connections: the child's warm-up fails and it exits.
    const nowhere = new KubeConfig();
    nowhere.loadFromOptions({
      clusters: cluster.admin.clusters.map((c) => ({ ...c, server: 'https://127.0.0.1:1' })),
      users: cluster.admin.users,
      contexts: cluster.admin.contexts,
      currentContext: cluster.admin.currentContext,
    });
    await expect(
      KfpDoubleProcess.start({
        reviewerKubeconfig: nowhere.exportConfig(),
        runClusterKubeconfig: nowhere.exportConfig(),
        experiments: {},
        pipelines: {},
      }),
    ).rejects.toThrow('KFP API double process: exited (1) before listening');
  });
});

describe('KfpDoubleProcess.close', () => {
  it('ends the child process', async () => {
    const double = await KfpDoubleProcess.start({
      reviewerKubeconfig: cluster.admin.exportConfig(),
      runClusterKubeconfig: cluster.admin.exportConfig(),
      experiments: {},
      pipelines: {},
    });
    expect(isAlive(double.pid)).toBe(true);
    await double.close();
    expect(isAlive(double.pid)).toBe(false);
  });
});
