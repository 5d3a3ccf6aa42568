import { readFile } from 'node:fs/promises';
import { type ChannelCredentials, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type CreateRunRequest, type Run, RunServiceClient } from '@swf/kfp-api';
import { createAuthInterceptor, FileTokenSource, type UserIdentity } from '@swf/metadata-auth';

/** What the reconciler needs from the KFP API server. */
export interface RunSubmitter {
  /** Creates a run; the API server returns the existing run for a repeated display name. */
  createRun(request: CreateRunRequest): Promise<Run>;
  /** Closes the channel. */
  close(): void;
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
  /** Longest a call may take before it fails with DEADLINE_EXCEEDED (`--createRunTimeoutSeconds`). */
  readonly deadlineMs: number;
}

/**
 * A RunService client whose every call carries the bearer token and user identity (through
 * metadata-auth's interceptor) and a deadline.
 */
export async function createRunClient(options: RunClientOptions): Promise<RunSubmitter> {
  const channelCredentials = await channelCredentialsFor(options);
  const client = new RunServiceClient(options.address, channelCredentials, {
    interceptors: [
      createAuthInterceptor({
        tokenSource: options.apiTokenFile ? new FileTokenSource(options.apiTokenFile) : null,
        identity: options.identity,
      }),
    ],
  });
  const { deadlineMs } = options;
  return {
    createRun: (request) =>
      new Promise<Run>((resolve, reject) => {
        client.createRun(
          request,
          new Metadata(),
          { deadline: Date.now() + deadlineMs },
          (error: ServiceError | null, run?: Run) => (error ? reject(error) : resolve(run as Run)),
        );
      }),
    close: () => client.close(),
  };
}

async function channelCredentialsFor(options: RunClientOptions): Promise<ChannelCredentials> {
  if (!options.tls) return credentials.createInsecure();
  if (!options.caCertPath) return credentials.createSsl();
  return credentials.createSsl(await readFile(options.caCertPath));
}
