import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { cacheDir, ensureGoBinary, type GoBinary } from '@swf/testkit';
import type { KustomizeOptions } from './kustomize.js';
import { PROMTOOL_MODULE_DIR } from './paths.js';

/**
 * promtool from the Prometheus module pinned in `tools/promtool`. `remove_all_sd` leaves out the
 * service-discovery plugins (cloud SDKs) that rule checks do not use: a third of the build.
 */
const PROMTOOL: GoBinary = {
  file: 'promtool',
  moduleDir: PROMTOOL_MODULE_DIR,
  pkg: 'github.com/prometheus/prometheus/cmd/promtool',
  tags: ['remove_all_sd'],
};

/** Where and how to find promtool: progress lines and the env with the cache location, as for kustomize. */
export type PromtoolOptions = KustomizeOptions;

/** What one promtool run printed, and how it exited. */
export interface PromtoolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Path of the promtool binary in the test kit's cache (`bin/promtool`). */
export function promtoolPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'bin', PROMTOOL.file);
}

/**
 * Returns the promtool binary, building it first from the pinned Go module when the cache has none
 * (about two minutes on two cores; the test kit's lock and atomic rename).
 */
export function ensurePromtool(options: PromtoolOptions = {}): Promise<string> {
  return ensureGoBinary(PROMTOOL, options.log, options.env);
}

/**
 * Runs `promtool <args>` in `cwd` (rule test files name their rule files relative to it) and
 * returns its output and exit code; a failing check is a result, not an error.
 */
export async function runPromtool(
  args: readonly string[],
  cwd: string,
  options: PromtoolOptions = {},
): Promise<PromtoolResult> {
  const promtool = await ensurePromtool(options);
  return new Promise((resolve, reject) => {
    execFile(promtool, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (error as { code?: unknown }).code : 0;
      if (typeof exitCode !== 'number') reject(error);
      else resolve({ exitCode, stdout, stderr });
    });
  });
}
