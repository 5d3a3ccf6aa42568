import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { type ControlPlaneBinaries, ensureBinaries } from './binaries.js';
import { SupervisedProcess } from './supervised-process.js';

/** Issuer of service-account tokens, as in a default cluster. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Where progress lines go. @default stderr */
  readonly log?: (line: string) => void;
  /** Longest wait for `/readyz`. @default 90000 */
  readonly readyTimeoutMs?: number;
  /** Binaries to run. @default ensureBinaries() */
  readonly binaries?: ControlPlaneBinaries;
  /**
   * Admission plugins to enable besides kube-apiserver's defaults (`--enable-admission-plugins`),
   * e.g. `OwnerReferencesPermissionEnforcement`, which many clusters turn on.
   * @default [] (the defaults only)
   */
  readonly admissionPlugins?: readonly string[];
}

/** A running etcd + kube-apiserver on loopback. */
export interface ControlPlane {
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** A kubeconfig file with the admin identity (group `system:masters`). */
  readonly kubeconfigPath: string;
  /** The admin bearer token. */
  readonly adminToken: string;
  /** PEM bundle that verifies the API server's serving certificate. */
  readonly caPem: string;
  /** Work folder (etcd data, certificates, logs). */
  readonly dir: string;
  /** Milliseconds from spawning etcd to kube-apiserver `/readyz` answering ok. */
  readonly startupMs: number;
  /** A KubeConfig for the admin identity. */
  adminKubeConfig(): KubeConfig;
  /** A KubeConfig that authenticates with the given bearer token (e.g. a service account's). */
  kubeConfigForToken(token: string, user?: string): KubeConfig;
  /** Writes a kubeconfig file for the given token and returns its path. */
  writeKubeconfig(token: string, name: string): Promise<string>;
  /** Stops kube-apiserver (SIGTERM, then SIGKILL), for restart tests. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port, waiting for `/readyz`. */
  startApiServer(): Promise<void>;
  /** Stops both servers and removes the work folder. */
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver on free loopback ports in a temporary folder, waits for
 * `/readyz`, and writes an admin kubeconfig. kube-apiserver runs with RBAC authorization and
 * service-account token issuing, so TokenRequest, TokenReview and SubjectAccessReview are real.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const binaries = options.binaries ?? (await ensureBinaries(log));
  const dir = await mkdtemp(join(tmpdir(), 'swf-control-plane-'));
  const started = Date.now();
  const [etcdPort, peerPort, apiPort] = await freePorts(3);
  const adminToken = randomBytes(24).toString('hex');
  const server = `https://127.0.0.1:${apiPort}`;

  await mkdir(join(dir, 'certs'));
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await writeFile(join(dir, 'sa.pub'), keys.publicKey);
  await writeFile(join(dir, 'sa.key'), keys.privateKey, { mode: 0o600 });
  await writeFile(join(dir, 'tokens.csv'), `${adminToken},admin,admin,system:masters\n`, { mode: 0o600 });

  const etcd = SupervisedProcess.start(
    'etcd',
    binaries.etcd,
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    join(dir, 'etcd.log'),
  );

  const apiArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // Loopback cannot back the endpoints of the `kubernetes` Service; nothing in the tests needs them.
    '--endpoint-reconciler-type=none',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--enable-priority-and-fairness=false',
    '--v=1',
    ...(options.admissionPlugins?.length
      ? [`--enable-admission-plugins=${options.admissionPlugins.join(',')}`]
      : []),
  ];
  let apiServer: SupervisedProcess | null = null;
  let caPem = '';

  const startApiServer = async (): Promise<void> => {
    const process = SupervisedProcess.start(
      'kube-apiserver',
      binaries.kubeApiserver,
      apiArgs,
      join(dir, `kube-apiserver-${Date.now()}.log`),
    );
    apiServer = process;
    await waitReady(server, adminToken, process, etcd, dir, options.readyTimeoutMs ?? 90_000);
    caPem = await readFile(join(dir, 'certs', 'apiserver.crt'), 'utf8');
  };

  const stopAll = async (): Promise<void> => {
    await (apiServer as SupervisedProcess | null)?.stop();
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await startApiServer();
  } catch (error) {
    await stopAll();
    throw error;
  }
  const startupMs = Date.now() - started;

  const kubeConfigFor = (token: string, user: string): KubeConfig => {
    const config = new KubeConfig();
    config.loadFromString(kubeconfigYaml(server, caPem, token, user));
    return config;
  };

  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(server, caPem, adminToken, 'admin'), { mode: 0o600 });

  return {
    server,
    kubeconfigPath,
    adminToken,
    get caPem() {
      return caPem;
    },
    dir,
    startupMs,
    adminKubeConfig: () => kubeConfigFor(adminToken, 'admin'),
    kubeConfigForToken: (token, user = 'token-user') => kubeConfigFor(token, user),
    async writeKubeconfig(token, name) {
      const path = join(dir, `${name}.kubeconfig`);
      await writeFile(path, kubeconfigYaml(server, caPem, token, name), { mode: 0o600 });
      return path;
    },
    stopApiServer: async () => (apiServer as SupervisedProcess | null)?.stop(),
    startApiServer,
    stop: stopAll,
  };
}

function kubeconfigYaml(server: string, caPem: string, token: string, user: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'testkit',
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'testkit', user } }],
    'current-context': user,
  });
}

async function waitReady(
  server: string,
  token: string,
  apiServer: SupervisedProcess,
  etcd: SupervisedProcess,
  dir: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | null = null;
  void apiServer.exited.then(() => {
    exited = 'kube-apiserver';
  });
  void etcd.exited.then(() => {
    exited = 'etcd';
  });
  let lastStatus = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${exited} exited during start-up:\n${await logTail(dir, exited)}`);
    lastStatus = await probe(`${server}/readyz`, token);
    if (lastStatus === '200') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `kube-apiserver not ready after ${timeoutMs} ms (last /readyz: ${lastStatus}); see logs in ${dir}`,
  );
}

/** The last lines of a server's newest log, for start-up errors (the folder is removed afterwards). */
async function logTail(dir: string, name: string, lines = 15): Promise<string> {
  const logs = (await readdir(dir)).filter((file) => file.startsWith(name) && file.endsWith('.log')).sort();
  const newest = logs.at(-1);
  if (!newest) return '(no log)';
  return (await readFile(join(dir, newest), 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
}

function probe(url: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(String(res.statusCode));
      },
    );
    req.on('error', (error) => resolve(error.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Ports the kernel reports free on 127.0.0.1 right now. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
