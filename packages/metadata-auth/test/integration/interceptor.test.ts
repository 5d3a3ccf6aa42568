import {
  type CallOptions,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { ProjectedVolume } from '@swf/testkit';
import { createAuthInterceptor } from '../../src/interceptor.js';
import { FileTokenSource } from '../../src/token-source.js';

/** A one-method service with JSON messages, so the test needs no generated code. */
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
};
const SERVICE: ServiceDefinition = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};
const EchoClient = makeGenericClientConstructor(SERVICE, 'Echo');

/** The metadata each call delivered to the server, as lists of values per key. */
let received: Array<Record<string, string[]>>;
let server: Server;
let address: string;

beforeAll(async () => {
  server = new Server();
  server.addService(SERVICE, {
    echo(call: { metadata: Metadata }, callback: (error: null, value: unknown) => void) {
      const seen: Record<string, string[]> = {};
      for (const key of ['authorization', 'kubeflow-userid', 'x-caller']) {
        const values = call.metadata.get(key).map(String);
        if (values.length > 0) seen[key] = values;
      }
      received.push(seen);
      callback(null, { ok: true });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('localhost:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  address = `localhost:${port}`;
});

afterAll(() => {
  server.forceShutdown();
});

let volume: ProjectedVolume;
let clients: Client[];
beforeEach(async () => {
  received = [];
  clients = [];
  volume = await ProjectedVolume.create('scheduledworkflow-sa-token');
});
afterEach(async () => {
  for (const client of clients) client.close();
  await volume.remove();
});

const IDENTITY = {
  key: 'kubeflow-userid',
  value: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
};

function clientWith(options: Parameters<typeof createAuthInterceptor>[0]): Client {
  const client = new EchoClient(address, credentials.createInsecure(), {
    interceptors: [createAuthInterceptor(options)],
  });
  clients.push(client);
  return client;
}

type EchoMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, value: unknown) => void,
) => void;

function call(client: Client, metadata = new Metadata()): Promise<unknown> {
  const echo = (client as unknown as { echo: EchoMethod }).echo.bind(client);
  return new Promise((resolve, reject) => {
    echo({}, metadata, { deadline: Date.now() + 5000 }, (error, value) =>
      error ? reject(error) : resolve(value),
    );
  });
}

describe('createAuthInterceptor over a real gRPC connection', () => {
  it('sends the bearer token and the identity', async () => {
    await volume.write('token-1\n');
    await call(clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY }));
    expect(received).toEqual([{ authorization: ['Bearer token-1'], 'kubeflow-userid': [IDENTITY.value] }]);
  });

  it('sends only the token when identity is off', async () => {
    await volume.write('token-1');
    await call(clientWith({ tokenSource: new FileTokenSource(volume.path), identity: null }));
    expect(received).toEqual([{ authorization: ['Bearer token-1'] }]);
  });

  it('sends only the identity when no token file is mounted', async () => {
    await call(clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY }));
    expect(received).toEqual([{ 'kubeflow-userid': [IDENTITY.value] }]);
  });

  it('sends neither when neither is configured', async () => {
    await call(clientWith({}));
    expect(received).toEqual([{}]);
  });

  it('uses a token rotated by symlink swap between two calls', async () => {
    const client = clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY });
    await volume.write('token-1');
    await call(client);
    await volume.write('token-2');
    await call(client);
    expect(received.map((m) => m.authorization)).toEqual([['Bearer token-1'], ['Bearer token-2']]);
  });

  it('starts sending a token file created after the first call', async () => {
    const client = clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY });
    await call(client);
    await volume.write('late-token');
    await call(client);
    expect(received.map((m) => m.authorization)).toEqual([undefined, ['Bearer late-token']]);
  });

  it('replaces values the caller already set, so a call never carries two', async () => {
    await volume.write('token-1');
    const metadata = new Metadata();
    metadata.add('authorization', 'Bearer stale');
    metadata.add('kubeflow-userid', 'someone-else');
    metadata.add('x-caller', 'kept');
    await call(clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY }), metadata);
    expect(received).toEqual([
      { authorization: ['Bearer token-1'], 'kubeflow-userid': [IDENTITY.value], 'x-caller': ['kept'] },
    ]);
  });

  it('fails the call with UNAUTHENTICATED, sending nothing, when the token file is empty', async () => {
    await volume.write('');
    const error = (await call(
      clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY }),
    ).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toContain(`token file ${volume.path}: is empty`);
    expect(received).toEqual([]);
  });

  it('keeps working after a failed call once the token is fixed', async () => {
    const client = clientWith({ tokenSource: new FileTokenSource(volume.path), identity: IDENTITY });
    await volume.write('');
    await expect(call(client)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await volume.write('token-ok');
    await call(client);
    expect(received).toEqual([{ authorization: ['Bearer token-ok'], 'kubeflow-userid': [IDENTITY.value] }]);
  });
});
