import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  CreateRunRequest,
  type Experiment,
  Experiment_StorageState,
  ExperimentServiceClient,
  RunServiceClient,
} from '@swf/kfp-api';
import { KfpApiDouble, type KfpApiDoubleOptions } from './kfp-api-double.js';
import { StaticAccessReviewer } from './static-access-reviewer.js';

// ExperimentService.GetExperiment as KFP's ExperimentServer serves it (experiment_server.go
// getExperiment and canAccessExperiment, resource_manager.go IsAuthorized), over real gRPC.

const START_MS = 1_700_000_000_000;
const ALICE = 'alice@example.com';
const NO_IDENTITY = 'Request header error: there is no user identity header.';
const FETCH = 'Failed to fetch experiment: Failed to authorize the request';

describe('KfpApiDouble ExperimentService.GetExperiment', () => {
  let clock: number;
  let reviewer: StaticAccessReviewer;
  let double: KfpApiDouble;
  let client: ExperimentServiceClient;

  async function startDouble(options: Partial<KfpApiDoubleOptions> = {}): Promise<void> {
    double = await KfpApiDouble.start({
      reviewer,
      experiments: { 'exp-a': 'team-a', 'exp-b': { namespace: 'team-b', displayName: 'nightly' } },
      now: () => clock,
      ...options,
    });
    client = new ExperimentServiceClient(double.address, credentials.createInsecure());
  }

  function getExperiment(experimentId: string, identity: string | null = ALICE): Promise<Experiment> {
    const metadata = new Metadata();
    if (identity !== null) metadata.set('kubeflow-userid', identity);
    return new Promise((resolve, reject) =>
      client.getExperiment({ experimentId }, metadata, (error, experiment) =>
        error ? reject(error) : resolve(experiment),
      ),
    );
  }

  async function failureOf(promise: Promise<unknown>): Promise<{ code: status; details: string }> {
    const error = (await promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    )) as ServiceError;
    return { code: error.code, details: error.details };
  }

  beforeEach(async () => {
    clock = START_MS;
    reviewer = new StaticAccessReviewer({
      grants: [
        { user: ALICE, namespace: 'team-a', verb: 'get', resource: 'experiments' },
        { user: ALICE, namespace: 'team-a', verb: 'create', resource: 'runs' },
        { user: ALICE, namespace: 'team-b', verb: 'create', resource: 'runs' },
      ],
    });
    await startDouble();
  });

  afterEach(async () => {
    client.close();
    await double.close();
  });

  it("returns an experiment with KFP's fields to an identity that may get experiments in its namespace", async () => {
    const experiment = await getExperiment('exp-a');

    expect(experiment).toEqual({
      experimentId: 'exp-a',
      displayName: 'exp-a',
      description: '',
      createdAt: { seconds: START_MS / 1000, nanos: 0 },
      namespace: 'team-a',
      storageState: Experiment_StorageState.AVAILABLE,
      lastRunCreatedAt: { seconds: 0, nanos: 0 },
    });
    expect(reviewer.reviews).toEqual([
      {
        kind: 'SubjectAccessReview',
        request: {
          user: ALICE,
          namespace: 'team-a',
          verb: 'get',
          group: 'pipelines.kubeflow.org',
          version: 'v1beta1',
          resource: 'experiments',
          name: 'exp-a',
        },
      },
    ]);
    expect(double.experimentCalls).toEqual([
      {
        method: 'GetExperiment',
        experimentId: 'exp-a',
        identity: ALICE,
        metadataKeys: expect.arrayContaining(['kubeflow-userid']),
        outcome: 'found',
        at: START_MS,
      },
    ]);
    expect(double.calls).toEqual([]);
  });

  it.each<[string, string, string | null, status, string]>([
    [
      'an unknown experiment, before authentication',
      'exp-x',
      null,
      status.NOT_FOUND,
      `${FETCH}: Failed to authorize with the experiment ID: ResourceNotFoundError: Experiment exp-x not found`,
    ],
    [
      'an empty experiment ID',
      '',
      ALICE,
      status.INVALID_ARGUMENT,
      `${FETCH}: Invalid input error: An experiment cannot have an empty namespace in multi-user mode`,
    ],
    [
      'a call without identity',
      'exp-a',
      null,
      status.UNAUTHENTICATED,
      `${FETCH}: Failed to authorize with API: Unauthenticated: Failed to check authorization. User identity ` +
        `is empty in the request header: Unauthenticated: ${NO_IDENTITY}: ${NO_IDENTITY}`,
    ],
    [
      "an identity that may create runs in the experiment's namespace but not get its experiments",
      'exp-b',
      ALICE,
      status.PERMISSION_DENIED,
      `${FETCH}: Failed to authorize with API: PermissionDenied: User '${ALICE}' is not authorized with reason:  ` +
        '(request: &ResourceAttributes{Namespace:team-b,Verb:get,Group:pipelines.kubeflow.org,Version:v1beta1,' +
        'Resource:experiments,Subresource:,Name:nightly,FieldSelector:nil,LabelSelector:nil,}): Unauthorized access',
    ],
  ])('refuses %s as KFP does', async (_case, id, identity, code, details) => {
    expect(await failureOf(getExperiment(id, identity))).toEqual({ code, details });
    expect(double.experimentCalls.map((call) => call.outcome)).toEqual([{ code, message: details }]);
  });

  it('looks an unknown experiment up before it reviews anything', async () => {
    await failureOf(getExperiment('exp-x'));

    expect(reviewer.reviews).toEqual([]);
  });

  it('serves anyone in single-user mode, where an unknown experiment is only not found', async () => {
    await double.close();
    await startDouble({ multiUser: false, reviewer: undefined, experiments: { 'exp-a': '' } });

    expect(await getExperiment('exp-a', null)).toMatchObject({ experimentId: 'exp-a', namespace: '' });
    expect(await failureOf(getExperiment('exp-x', null))).toEqual({
      code: status.NOT_FOUND,
      details: 'Failed to fetch experiment: ResourceNotFoundError: Experiment exp-x not found',
    });
    expect(double.experimentCalls.map((call) => call.identity)).toEqual([null, null]);
  });

  it('answers UNAVAILABLE while set unavailable, and leaves failures queued for CreateRun to it', async () => {
    double.setUnavailable(true);
    const down = await failureOf(getExperiment('exp-a'));
    double.setUnavailable(false);
    double.failNext(1);

    expect(down).toEqual({ code: status.UNAVAILABLE, details: 'Service unavailable' });
    await expect(getExperiment('exp-a')).resolves.toMatchObject({ namespace: 'team-a' });
  });

  it('gives the creation time of the newest run of the experiment', async () => {
    const runs = new RunServiceClient(double.address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('kubeflow-userid', ALICE);
    try {
      for (const [index, at] of [START_MS + 5_000, START_MS + 9_000].entries()) {
        clock = at;
        const run = {
          experimentId: 'exp-a',
          displayName: `adhoc-${index}`,
          pipelineSpec: { pipelineInfo: { name: 'adhoc' } },
        };
        await new Promise((resolve, reject) =>
          runs.createRun(CreateRunRequest.fromPartial({ run }), metadata, (error, created) =>
            error ? reject(error) : resolve(created),
          ),
        );
      }
    } finally {
      runs.close();
    }

    expect((await getExperiment('exp-a')).lastRunCreatedAt).toEqual({
      seconds: (START_MS + 9_000) / 1000,
      nanos: 0,
    });
  });
});
