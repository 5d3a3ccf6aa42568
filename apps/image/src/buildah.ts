import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to get buildah, for the error that says it is missing. */
export const INSTALL_HINT =
  "install it with `apt-get install -y buildah` (Debian/Ubuntu; as root or with sudo), or your distribution's buildah package, then run `pnpm build` again";

/** buildah is not on PATH: the image cannot be built. */
export class BuildahMissingError extends Error {
  override readonly name = 'BuildahMissingError';

  constructor() {
    super(`buildah not found on PATH: the controller image is built with it; ${INSTALL_HINT}`);
  }
}

/** A buildah command failed. */
export class BuildahCommandError extends Error {
  /** The buildah arguments, storage options left out. */
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  override readonly name = 'BuildahCommandError';

  constructor(args: readonly string[], exitCode: number | null, stderr: string) {
    super(`buildah ${args.join(' ')} exited ${exitCode}: ${stderr.trim()}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Output of one buildah command. */
export interface BuildahResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * buildah on a private, throw-away image store (vfs driver: no daemon, no overlay mounts), so a
 * build neither needs nor touches the machine's containers storage. Containers run with chroot
 * isolation, which works where user namespaces and cgroups are not available.
 */
export class Buildah {
  readonly #store: string;

  private constructor(store: string) {
    this.#store = store;
  }

  /**
   * Checks that buildah runs and makes a fresh store.
   * @throws BuildahMissingError when buildah is not on PATH
   */
  static async open(): Promise<Buildah> {
    await exec('buildah', ['--version']).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BuildahMissingError() : error;
    });
    return new Buildah(await mkdtemp(join(tmpdir(), 'swf-buildah-')));
  }

  /**
   * Runs `buildah <args>` against the private store.
   * @throws BuildahCommandError when it exits non-zero
   */
  async run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<BuildahResult> {
    const storage = [
      '--root',
      join(this.#store, 'root'),
      '--runroot',
      join(this.#store, 'run'),
      '--storage-driver',
      'vfs',
    ];
    return exec('buildah', [...storage, ...args], env).catch((error: ExecFailure) => {
      throw new BuildahCommandError(
        args,
        typeof error.code === 'number' ? error.code : null,
        error.stderr || String(error),
      );
    });
  }

  /** Removes every working container, then the store, unless something is still mounted in it. */
  async close(): Promise<void> {
    await this.run(['rm', '--all']).catch(() => undefined);
    // A `buildah run` that died could leave /dev or /proc bind-mounted inside; deleting through
    // such a mount would delete the machine's own files.
    const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    if (mounts.includes(this.#store)) {
      process.stderr.write(`image: leaving ${this.#store} in place: something is still mounted in it\n`);
      return;
    }
    await rm(this.#store, { recursive: true, force: true });
  }
}

interface ExecFailure extends Error {
  code?: number | string;
  stderr?: string;
}

function exec(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<BuildahResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}
