#!/usr/bin/env node
/** `pnpm bench`: runs a benchmark, prints its table and writes its result under `bench/results/`. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchArgumentError, type EndToEndArgs, parseBenchArgs } from './args.js';
import { type CronBenchResult, runCronBench } from './cron-bench.js';
import { type ControllerLaunch, type EndToEndResult, type MachineInfo, runEndToEnd } from './e2e.js';
import {
  deployedNodeInvocation,
  type InstallDefaults,
  InstallDefaultsError,
  imageNodeInvocation,
  installDefaults,
} from './install.js';
import {
  formatCronBench,
  formatCronSummary,
  formatEndToEnd,
  formatSummary,
  resultKey,
  upgradeResult,
} from './report.js';

/** The bench package's folder (this file is `dist/main.js`). */
const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The built controller CLI, run as a child process, and the single-file bundle the image ships. */
const CONTROLLER_DIST = join(BENCH_DIR, '..', 'apps', 'swf-controller', 'dist');
const CONTROLLER_BIN = join(CONTROLLER_DIST, 'bin.js');
const CONTROLLER_BUNDLE = join(CONTROLLER_DIST, 'bundle', 'swf-controller.mjs');
/** The image's Containerfile, whose ENTRYPOINT says how node runs the bundle. */
const CONTAINERFILE = join(BENCH_DIR, '..', 'apps', 'image', 'Containerfile');

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function machine(): MachineInfo {
  return {
    cores: cpus().length,
    totalMemBytes: totalmem(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** `2025-01-31T09-00-00Z`: sortable and safe in file names. */
function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

async function writeResult(outDir: string, name: string, result: object): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, name);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/**
 * The newest end-to-end result per scenario, path, N and controller build, in N order (the bundle
 * after `dist/bin.js`, the embedded path after the latest), and the newest cron result.
 */
async function newestResults(
  outDir: string,
): Promise<{ runs: EndToEndResult[]; cron: CronBenchResult | null }> {
  const names = (await readdir(outDir)).filter((name) => name.endsWith('.json')).sort();
  const runs = new Map<string, EndToEndResult>();
  let cron: CronBenchResult | null = null;
  for (const name of names) {
    const result = JSON.parse(await readFile(join(outDir, name), 'utf8')) as EndToEndResult | CronBenchResult;
    if (result.kind === 'cron') cron = result;
    else runs.set(resultKey(upgradeResult(result)), upgradeResult(result));
  }
  const order = ({ settings }: EndToEndResult) =>
    settings.n * 4 + (settings.path === 'embedded' ? 2 : 0) + (settings.bundle ? 1 : 0);
  return { runs: [...runs.values()].sort((a, b) => order(a) - order(b)), cron };
}

/**
 * How node runs the controller: the image's bundle with the node flags of the image's ENTRYPOINT
 * and the `NODE_OPTIONS` of its Deployment (env or image), `dist/bin.js` or another CLI with none;
 * `--node-flags` and `--cpu-prof` come on top.
 */
async function controllerLaunch(args: EndToEndArgs, install: InstallDefaults): Promise<ControllerLaunch> {
  if (args.upstreamPath !== null) {
    return {
      kind: 'upstream',
      script: args.upstreamPath,
      label: `upstream's Go controller (${args.upstreamPath})`,
      nodeFlags: [],
      nodeOptions: '',
      origin:
        "upstream's flags; writes and submissions counted from watches and runs seen, it counts neither",
    };
  }
  if (!args.bundle) {
    return {
      kind: 'node',
      script: args.controllerPath ?? CONTROLLER_BIN,
      label: args.controllerPath ?? 'dist/bin.js',
      nodeFlags: args.nodeFlags,
      nodeOptions: '',
      origin: args.nodeFlags.length > 0 ? 'from --node-flags' : 'none asked for',
    };
  }
  const image = deployedNodeInvocation(imageNodeInvocation(await readFile(CONTAINERFILE, 'utf8')), install);
  return {
    kind: 'node',
    script: CONTROLLER_BUNDLE,
    label: "dist/bundle/swf-controller.mjs (the image's bundle)",
    nodeFlags: [...image.flags, ...args.nodeFlags],
    nodeOptions: image.nodeOptions,
    origin: `the image's ENTRYPOINT and NODE_OPTIONS${args.nodeFlags.length > 0 ? ', then --node-flags' : ''}`,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const install = installDefaults();
  const args = parseBenchArgs(argv, install.clientLimits);
  const outDir = isAbsolute(args.outDir) ? args.outDir : join(BENCH_DIR, args.outDir);
  const started = stamp(new Date());
  if (args.command === 'summary') {
    const { runs, cron } = await newestResults(outDir);
    process.stdout.write(`${formatSummary(runs)}\n\n${cron ? formatCronSummary(cron) : ''}\n`);
    return;
  }
  if (args.command === 'cron') {
    say(`timing cron engines (${args.msPerCase} ms per case)`);
    const result = runCronBench(args.msPerCase, say);
    process.stdout.write(`${formatCronBench(result)}\n`);
    say(`wrote ${await writeResult(outDir, `${started}-cron.json`, { ...result, machine: machine() })}`);
    return;
  }
  const scenario = args.scenario === 'steady' ? '' : `-${args.scenario}`;
  const path = args.path === 'latest' ? '' : `-${args.path}`;
  const build = args.upstreamPath !== null ? '-upstream' : args.bundle ? '-bundle' : '';
  const stem = `${started}${scenario}${path}-n${args.n}${build}`;
  const launch = await controllerLaunch(args, install);
  const result = await runEndToEnd(
    args,
    { launch, artifactsDir: join(outDir, 'profiles'), stem },
    machine(),
    say,
  );
  process.stdout.write(`${formatEndToEnd(result)}\n`);
  say(`wrote ${await writeResult(outDir, `${stem}.json`, result)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof BenchArgumentError || error instanceof InstallDefaultsError) {
    say(`pnpm bench: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  say(`pnpm bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
