import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, ensureGoBinary } from '@swf/testkit';
import { KUSTOMIZE_MODULE_DIR } from './paths.js';

const run = promisify(execFile);
const KUSTOMIZE = {
  file: 'kustomize',
  moduleDir: KUSTOMIZE_MODULE_DIR,
  pkg: 'sigs.k8s.io/kustomize/kustomize/v5',
};

/** Where and how to find kustomize. */
export interface KustomizeOptions {
  /** Progress lines (the first build takes a while). @default writes to stderr */
  readonly log?: (line: string) => void;
  /** Environment to read the cache location from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Path of the kustomize binary in the test kit's cache (`bin/kustomize`). */
export function kustomizePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'bin', KUSTOMIZE.file);
}

/**
 * Returns the kustomize binary, building it first from the pinned Go module in `tools/kustomize`
 * when the cache has none (the test kit's Go-binary cache, lock and atomic rename).
 */
export function ensureKustomize(options: KustomizeOptions = {}): Promise<string> {
  return ensureGoBinary(KUSTOMIZE, options.log, options.env);
}

/** Runs `kustomize build <dir>` and returns the rendered multi-document YAML. */
export async function kustomizeBuild(dir: string, options: KustomizeOptions = {}): Promise<string> {
  const kustomize = await ensureKustomize(options);
  const { stdout } = await run(kustomize, ['build', dir], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
