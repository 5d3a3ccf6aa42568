import { execFile } from 'node:child_process';
import { access, constants, mkdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { KUSTOMIZE_MODULE_DIR } from './paths.js';

const run = promisify(execFile);
const KUSTOMIZE_PACKAGE = 'sigs.k8s.io/kustomize/kustomize/v5';

/** Where and how to find kustomize. */
export interface KustomizeOptions {
  /** Progress lines (the first build takes a while). @default writes to stderr */
  readonly log?: (line: string) => void;
  /** Environment to read the cache location from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Path of the kustomize binary, shared with the test kit's cache:
 * `$SWF_TESTKIT_CACHE/bin`, else `${XDG_CACHE_HOME:-~/.cache}/swf-testkit/bin`.
 */
export function kustomizePath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.SWF_TESTKIT_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'swf-testkit');
  return join(cache, 'bin', 'kustomize');
}

/**
 * Returns the kustomize binary, building it first from the pinned Go module in `tools/kustomize`
 * when the cache has none. Builds into a temporary name and renames, so a failed or concurrent
 * build never leaves a half-written binary behind.
 */
export async function ensureKustomize(options: KustomizeOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const target = kustomizePath(options.env);
  if (await isExecutable(target)) return target;
  const partial = `${target}.partial-${process.pid}`;
  await mkdir(dirname(target), { recursive: true });
  log(
    `manifests: building kustomize (${KUSTOMIZE_PACKAGE}) into ${target}; the first build takes a minute or two`,
  );
  const started = Date.now();
  await run('go', ['build', '-o', partial, KUSTOMIZE_PACKAGE], { cwd: KUSTOMIZE_MODULE_DIR });
  await rename(partial, target);
  log(`manifests: built kustomize in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

/** Runs `kustomize build <dir>` and returns the rendered multi-document YAML. */
export async function kustomizeBuild(dir: string, options: KustomizeOptions = {}): Promise<string> {
  const kustomize = await ensureKustomize(options);
  const { stdout } = await run(kustomize, ['build', dir], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
