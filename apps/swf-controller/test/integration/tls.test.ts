import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import { type CreateRunRequest, Run, RunServiceService } from '@swf/kfp-api';
import { createRunClient } from '../../src/kfp/run-client.js';

let dir: string;
let server: Server;
let port: number;
const seen: Array<{ identity: string[]; name: string }> = [];

/** A CA and a server certificate for 127.0.0.1, made with the openssl CLI. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swf-tls-'));
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=ml-pipeline',
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  server = new Server();
  server.addService(RunServiceService, {
    createRun(call: ServerUnaryCall<CreateRunRequest, Run>, callback: sendUnaryData<Run>) {
      seen.push({
        identity: call.metadata.get('kubeflow-userid').map(String),
        name: call.request.run?.displayName ?? '',
      });
      callback(null, Run.fromPartial({ runId: 'r1', displayName: call.request.run?.displayName ?? '' }));
    },
    getRun: (_call: unknown, callback: sendUnaryData<Run>) => callback({ code: status.UNIMPLEMENTED }),
    listRuns: (_call: unknown, callback: sendUnaryData<never>) => callback({ code: status.UNIMPLEMENTED }),
  });
  const credentials = ServerCredentials.createSsl(null, [
    { private_key: readFileSync(join(dir, 'server.key')), cert_chain: readFileSync(join(dir, 'server.pem')) },
  ]);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
});

afterAll(() => {
  server?.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

const identity = {
  key: 'kubeflow-userid',
  value: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
};

describe('the KFP API client over TLS', () => {
  it('verifies the server with --caCertPath and sends the identity', async () => {
    const client = await createRunClient({
      address: `127.0.0.1:${port}`,
      tls: true,
      caCertPath: join(dir, 'ca.pem'),
      apiTokenFile: '',
      identity,
      deadlineMs: 5_000,
    });
    const run = await client.createRun({
      experimentId: 'e',
      run: Run.fromPartial({ displayName: 'tls-1' }),
    } as CreateRunRequest);
    client.close();
    expect(run.displayName).toBe('tls-1');
    expect(seen.at(-1)).toEqual({ identity: [identity.value], name: 'tls-1' });
  });

  it('refuses a server its CA did not sign', async () => {
    const client = await createRunClient({
      address: `127.0.0.1:${port}`,
      tls: true,
      caCertPath: '',
      apiTokenFile: '',
      identity,
      deadlineMs: 5_000,
    });
    const error = await client
      .createRun({ experimentId: 'e', run: Run.fromPartial({ displayName: 'tls-2' }) } as CreateRunRequest)
      .catch((e: unknown) => e);
    client.close();
    expect(error).toMatchObject({ code: status.UNAVAILABLE });
    expect(seen.map((s) => s.name)).not.toContain('tls-2');
  });
});
