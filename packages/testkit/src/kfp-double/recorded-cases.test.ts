import { readFileSync } from 'node:fs';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  CreateRunRequest,
  type DeepPartial,
  Experiment,
  ExperimentServiceClient,
  type Run,
  RunServiceClient,
} from '@swf/kfp-api';
import { MemoryRunCluster } from '../../test/memory-run-cluster.js';
import { KfpApiDouble } from './kfp-api-double.js';
import { StaticAccessReviewer } from './static-access-reviewer.js';

// Every recorded call of the real KFP API server (kubeflow/pipelines 7b70c7b) replayed against the
// double, set up as the real server was: the double must answer with the real code and text.

/** What a call carried; see the test data's README. */
type Caller = 'controller' | 'controller-twice' | 'user-a' | 'nobody' | 'token' | 'none';

interface RecordedCase {
  readonly from: string;
  readonly method: 'GetExperiment' | 'CreateRun';
  readonly case: string;
  readonly caller: Caller;
  readonly request: { readonly experimentId?: string; readonly run?: DeepPartial<Run> };
  /** A ScheduledWorkflow in the cluster that KFP did not make (no job row). */
  readonly directScheduledWorkflow?: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
  };
  readonly real:
    | { readonly code: 0; readonly response: Partial<Experiment> }
    | { readonly code: number; readonly details: string };
}

interface Recording {
  readonly fixture: {
    readonly experiments: Record<string, { namespace: string; displayName: string }>;
    readonly pipelines: Record<string, string>;
    readonly controllerIdentity: string;
    readonly userA: string;
    readonly unboundUser: string;
  };
  readonly cases: readonly RecordedCase[];
}

const RECORDING: Recording = JSON.parse(
  readFileSync(new URL('../../test-data/kfp-api-server/2026-12-07/cases.json', import.meta.url), 'utf8'),
);
const { fixture } = RECORDING;
const CONTROLLER_TOKEN = 'controller-sa-token';

function metadataOf(caller: Caller): Metadata {
  const metadata = new Metadata();
  const identity = {
    controller: [fixture.controllerIdentity],
    'controller-twice': [fixture.controllerIdentity, fixture.controllerIdentity],
    'user-a': [fixture.userA],
    nobody: [fixture.unboundUser],
    token: [],
    none: [],
  }[caller];
  for (const value of identity) metadata.add('kubeflow-userid', value);
  if (caller === 'token') metadata.set('authorization', `Bearer ${CONTROLLER_TOKEN}`);
  return metadata;
}

// With a Kubernetes side the double gets a recurring run's object and creates Workflows; without,
// it only stores runs: its answers must be the real server's either way.
describe.each([
  ['with a Kubernetes side', true],
  ['without a Kubernetes side', false],
])('the double %s against the recorded answers of the real KFP API server', (_side, withCluster) => {
  let cluster: MemoryRunCluster;
  let double: KfpApiDouble;
  let runs: RunServiceClient;
  let experiments: ExperimentServiceClient;

  beforeEach(async () => {
    const [teamA, teamB] = ['team-a', 'team-b'];
    // The generated RBAC lets the controller get experiments and create runs everywhere; user A
    // owns team-a; nobody is bound to nothing.
    const reviewer = new StaticAccessReviewer({
      tokens: { [CONTROLLER_TOKEN]: fixture.controllerIdentity },
      grants: [
        { user: fixture.controllerIdentity, namespace: teamA },
        { user: fixture.controllerIdentity, namespace: teamB },
        { user: fixture.userA, namespace: teamA },
      ],
    });
    cluster = new MemoryRunCluster();
    double = await KfpApiDouble.start({
      reviewer,
      experiments: fixture.experiments,
      pipelines: fixture.pipelines,
      ...(withCluster && { cluster }),
    });
    runs = new RunServiceClient(double.address, credentials.createInsecure());
    experiments = new ExperimentServiceClient(double.address, credentials.createInsecure());
  });

  afterEach(async () => {
    runs.close();
    experiments.close();
    await double.close();
  });

  function call(recorded: RecordedCase): Promise<{ code: number; details?: string; response?: unknown }> {
    const metadata = metadataOf(recorded.caller);
    const answer =
      (resolve: (outcome: { code: number; details?: string; response?: unknown }) => void) =>
      (error: ServiceError | null, response: unknown) =>
        resolve(error ? { code: error.code, details: error.details } : { code: 0, response });
    return new Promise((resolve) => {
      if (recorded.method === 'GetExperiment') {
        experiments.getExperiment(
          { experimentId: recorded.request.experimentId ?? '' },
          metadata,
          answer(resolve),
        );
      } else {
        runs.createRun(CreateRunRequest.fromPartial(recorded.request), metadata, answer(resolve));
      }
    });
  }

  it.each(RECORDING.cases.map((recorded) => [`${recorded.method}, ${recorded.case}`, recorded] as const))(
    '%s: answers as the real server did',
    async (_name, recorded) => {
      const direct = recorded.directScheduledWorkflow;
      if (direct) cluster.put({ metadata: direct });

      const outcome = await call(recorded);

      if (recorded.real.code === 0) {
        const response = outcome.response as Experiment | undefined;
        const json = response === undefined ? {} : (Experiment.toJSON(response) as object);
        expect({ code: outcome.code, ...json }).toMatchObject({
          code: 0,
          ...(recorded.real as { response: Partial<Experiment> }).response,
        });
      } else {
        expect(outcome).toEqual({
          code: recorded.real.code,
          details: (recorded.real as { details: string }).details,
        });
        expect(cluster.workflows).toEqual([]);
      }
    },
  );
});
