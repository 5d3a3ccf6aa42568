import { credentials, Metadata, Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import {
  CreateRunRequest,
  Experiment,
  ExperimentServiceClient,
  type ExperimentServiceServer,
  ExperimentServiceService,
  Run,
  RunServiceClient,
  type RunServiceServer,
  RunServiceService,
  RuntimeState,
} from './index.js';

interface Received {
  path: string;
  request: CreateRunRequest;
  identity: string[];
}

/** A RunService on loopback whose CreateRun echoes the run back with server-side fields filled in. */
async function startEchoServer(received: Received[]): Promise<{ server: Server; port: number }> {
  const createRun: RunServiceServer['createRun'] = (call, callback) => {
    received.push({
      path: call.getPath(),
      request: call.request,
      identity: call.metadata.get('kubeflow-userid').map(String),
    });
    callback(
      null,
      Run.fromPartial({
        ...call.request.run,
        runId: 'run-1',
        state: RuntimeState.PENDING,
        createdAt: { seconds: 1_700_000_000, nanos: 5 },
      }),
    );
  };
  const server = new Server();
  server.addService(RunServiceService, { createRun });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, port };
}

function createRun(client: RunServiceClient, request: CreateRunRequest, metadata: Metadata): Promise<Run> {
  return new Promise((resolve, reject) =>
    client.createRun(request, metadata, (error: ServiceError | null, run: Run) =>
      error ? reject(error) : resolve(run),
    ),
  );
}

describe('RunService over grpc-js', () => {
  const received: Received[] = [];
  let server: Server;
  let client: RunServiceClient;

  beforeAll(async () => {
    const started = await startEchoServer(received);
    server = started.server;
    client = new RunServiceClient(`127.0.0.1:${started.port}`, credentials.createInsecure());
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it('calls CreateRun at KFP method path and round-trips the request and the run', async () => {
    const request = CreateRunRequest.fromPartial({
      run: {
        experimentId: 'exp-1',
        displayName: 'nightly-1',
        recurringRunId: 'swf-uid',
        pipelineVersionReference: { pipelineId: 'pipe-1' },
        runtimeConfig: { parameters: { text: 'a', n: 1, on: false, deep: { x: [1, { y: 'z' }] } } },
      },
    });
    const metadata = new Metadata();
    metadata.set('kubeflow-userid', 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow');

    const run = await createRun(client, request, metadata);

    expect(received).toEqual([
      {
        path: '/kubeflow.pipelines.backend.api.v2beta1.RunService/CreateRun',
        request,
        identity: ['system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow'],
      },
    ]);
    expect(run).toMatchObject({
      runId: 'run-1',
      displayName: 'nightly-1',
      state: RuntimeState.PENDING,
      createdAt: { seconds: 1_700_000_000, nanos: 5 },
      runtimeConfig: { parameters: { deep: { x: [1, { y: 'z' }] } } },
    });
  });
});

describe('ExperimentService over grpc-js', () => {
  it('calls GetExperiment at KFP method path and reads the experiment back', async () => {
    const paths: string[] = [];
    const getExperiment: ExperimentServiceServer['getExperiment'] = (call, callback) => {
      paths.push(call.getPath());
      callback(
        null,
        Experiment.fromPartial({ experimentId: call.request.experimentId, namespace: 'team-a' }),
      );
    };
    const server = new Server();
    server.addService(ExperimentServiceService, { getExperiment });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const client = new ExperimentServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      const experiment = await new Promise<Experiment>((resolve, reject) =>
        client.getExperiment({ experimentId: 'exp-1' }, (error: ServiceError | null, found: Experiment) =>
          error ? reject(error) : resolve(found),
        ),
      );
      expect(paths).toEqual(['/kubeflow.pipelines.backend.api.v2beta1.ExperimentService/GetExperiment']);
      expect(experiment).toMatchObject({ experimentId: 'exp-1', namespace: 'team-a' });
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
