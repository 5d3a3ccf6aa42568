import { readFile } from 'node:fs/promises';
import {
  type CallOptions,
  type ChannelCredentials,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  type CreateRunRequest,
  type Experiment,
  ExperimentServiceClient,
  type Run,
  RunServiceClient,
} from '@swf/kfp-api';
import { createAuthInterceptor, FileTokenSource, type UserIdentity } from '@swf/metadata-auth';
import type { KubePermission } from '../kube/kube-api.js';

/** API group of the resources the KFP API server authorizes calls against. */
const KFP_GROUP = 'pipelines.kubeflow.org';

/** What the reconciler needs from the KFP API server. */
export interface RunSubmitter {
  /** Creates a run; the API server returns the existing run for a repeated display name. */
  createRun(request: CreateRunRequest): Promise<Run>;
  /** Closes the channel. */
  close(): void;
}

/**
 * What the multi-user KFP API server reviews (SubjectAccessReview, against the controller's own
 * identity) for each call the controller makes, in the namespace of the run or experiment. The
 * generated RBAC must grant each of these; a test holds the two together.
 */
export const KFP_API_PERMISSIONS = {
  createRun: { group: KFP_GROUP, resource: 'runs', verbs: ['create'] },
  getExperiment: { group: KFP_GROUP, resource: 'experiments', verbs: ['get'] },
} as const satisfies Record<string, KubePermission>;

/** What the controller reads of experiments on the KFP API server. */
export interface ExperimentReader {
  /** The experiment with this ID; rejects with the server's gRPC error (NOT_FOUND for an unknown ID). */
  getExperiment(experimentId: string): Promise<Experiment>;
}

/** Where and how to reach the KFP API server. */
export interface RunClientOptions {
  readonly address: string;
  readonly tls: boolean;
  /** PEM file that verifies the server; empty uses the system roots. */
  readonly caCertPath: string;
  /** Projected token file; empty sends no bearer token. */
  readonly apiTokenFile: string;
  readonly identity: UserIdentity | null;
  /**
   * Longest a call may take before it fails with DEADLINE_EXCEEDED (`--createRunTimeoutSeconds`,
   * which bounds the experiment look-up before a `CreateRun` as well).
   */
  readonly deadlineMs: number;
}

/**
 * A client of the KFP API server's RunService and ExperimentService over one channel, whose every
 * call carries the bearer token and user identity (through metadata-auth's interceptor) and a
 * deadline.
 */
export async function createRunClient(options: RunClientOptions): Promise<RunSubmitter & ExperimentReader> {
  const channelCredentials = await channelCredentialsFor(options);
  const interceptors = [
    createAuthInterceptor({
      tokenSource: options.apiTokenFile ? new FileTokenSource(options.apiTokenFile) : null,
      identity: options.identity,
    }),
  ];
  const runs = new RunServiceClient(options.address, channelCredentials, { interceptors });
  const experiments = new ExperimentServiceClient(options.address, channelCredentials, {
    interceptors,
    channelOverride: runs.getChannel(),
  });
  const { deadlineMs } = options;
  const call = <Request, Response>(method: UnaryMethod<Request, Response>, request: Request) =>
    new Promise<Response>((resolve, reject) => {
      method(request, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) =>
        error ? reject(error) : resolve(response as Response),
      );
    });
  return {
    createRun: (request) => call(runs.createRun.bind(runs), request),
    getExperiment: (experimentId) => call(experiments.getExperiment.bind(experiments), { experimentId }),
    close: () => runs.close(),
  };
}

/** A generated client method, in the overload that takes metadata and call options. */
type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response?: Response) => void,
) => ClientUnaryCall;

async function channelCredentialsFor(options: RunClientOptions): Promise<ChannelCredentials> {
  if (!options.tls) return credentials.createInsecure();
  if (!options.caCertPath) return credentials.createSsl();
  return credentials.createSsl(await readFile(options.caCertPath));
}
