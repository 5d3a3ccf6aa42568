import { spawn } from 'node:child_process';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The control-plane binaries the tests run. */
export interface ControlPlaneBinaries {
  readonly kubeApiserver: string;
  readonly etcd: string;
}

const GO_MODULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../go');

/** How each binary is built from the Go modules under `packages/testkit/go/<module>`. */
const GO_BUILDS = {
  kubeApiserver: {
    file: 'kube-apiserver',
    moduleDir: join(GO_MODULES_DIR, 'kube-apiserver'),
    pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
  },
  etcd: { file: 'etcd', moduleDir: join(GO_MODULES_DIR, 'etcd'), pkg: 'go.etcd.io/etcd/server/v3' },
} as const;

/**
 * Folder where built binaries are kept between runs, outside git:
 * `$SWF_TESTKIT_CACHE`, else `$XDG_CACHE_HOME/swf-testkit`, else `~/.cache/swf-testkit`.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWF_TESTKIT_CACHE) return env.SWF_TESTKIT_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'swf-testkit');
}

/**
 * Finds kube-apiserver and etcd: in `$KUBEBUILDER_ASSETS` when it is set (the envtest convention),
 * else in the cache folder, building the missing ones from Go modules first. The first build
 * takes minutes; progress goes to `log`.
 */
export async function ensureBinaries(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
): Promise<ControlPlaneBinaries> {
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets) {
    const found = {
      kubeApiserver: join(assets, GO_BUILDS.kubeApiserver.file),
      etcd: join(assets, GO_BUILDS.etcd.file),
    };
    for (const path of Object.values(found)) {
      if (!(await isExecutable(path)))
        throw new Error(`KUBEBUILDER_ASSETS: ${path} is missing or not executable`);
    }
    return found;
  }
  const binDir = join(cacheDir(env), 'bin');
  await mkdir(binDir, { recursive: true });
  const kubeApiserver = await ensureBuilt(binDir, GO_BUILDS.kubeApiserver, log);
  const etcd = await ensureBuilt(binDir, GO_BUILDS.etcd, log);
  return { kubeApiserver, etcd };
}

/** A binary built from a Go module of this repository. */
export interface GoBinary {
  /** File name in the cache's `bin` folder. */
  readonly file: string;
  /** Folder of the Go module (go.mod, go.sum) that pins it. */
  readonly moduleDir: string;
  /** Package to `go build`. */
  readonly pkg: string;
  /** Build tags (`go build -tags`), e.g. to leave out parts the tests do not need. @default none */
  readonly tags?: readonly string[];
}

/**
 * Returns the binary from the cache's `bin` folder, building it first with `go build` in its
 * module when missing. A cross-process lock keeps parallel suites from building it twice; the
 * build writes a temporary name and renames, so a failed build leaves nothing half-written.
 */
export async function ensureGoBinary(
  binary: GoBinary,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const binDir = join(cacheDir(env), 'bin');
  await mkdir(binDir, { recursive: true });
  return ensureBuilt(binDir, binary, log);
}

async function ensureBuilt(binDir: string, build: GoBinary, log: (line: string) => void): Promise<string> {
  const target = join(binDir, build.file);
  if (await isExecutable(target)) return target;
  return withLock(join(binDir, `${build.file}.lock`), async () => {
    // Another process may have finished the build while this one waited for the lock.
    if (await isExecutable(target)) return target;
    const partial = `${target}.partial-${process.pid}`;
    const started = Date.now();
    log(
      `testkit: building ${build.file} from Go modules (${build.pkg}); the first build takes several minutes`,
    );
    const ticker = setInterval(
      () => log(`testkit: still building ${build.file} (${Math.round((Date.now() - started) / 1000)} s)`),
      30_000,
    );
    try {
      const tags = build.tags?.length ? ['-tags', build.tags.join(',')] : [];
      await run('go', ['build', ...tags, '-o', partial, build.pkg], build.moduleDir);
    } finally {
      clearInterval(ticker);
    }
    await rename(partial, target);
    log(`testkit: built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
    return target;
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A cross-process lock from an exclusive `mkdir`; a lock older than an hour is taken as stale. */
async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) await rm(lockDir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(' ')} in ${cwd} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
