import { parseOptions, StackOptionError, USAGE } from './options.js';
import { jsonLines, liveView, type Output } from './output.js';
import { PodEnvError } from './pod-env.js';
import { startStack } from './stack.js';

const log = (line: string) => process.stderr.write(`local-stack: ${line}\n`);

/**
 * Runs the local stack until `signal` aborts or `--duration` ends.
 * @returns the process exit code: 0 stopped cleanly, 1 failed, 2 bad option, 130 stopped during start-up
 */
export async function main(argv: readonly string[], signal: AbortSignal): Promise<number> {
  try {
    return await run(argv, signal);
  } catch (error) {
    if (error instanceof StackOptionError || error instanceof PodEnvError) {
      log(error.message);
      return 2;
    }
    if (signal.aborted) {
      log('stopped during start-up; nothing left running');
      return 130;
    }
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}

async function run(argv: readonly string[], signal: AbortSignal): Promise<number> {
  const options = parseOptions(argv, process.stdout.isTTY === true);
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stack = await startStack(options, log, signal);
  const output: Output = options.plain ? jsonLines(stack, process.stdout) : liveView(stack, process.stdout);
  await new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    if (options.durationSeconds !== null) setTimeout(resolve, options.durationSeconds * 1000).unref();
  });
  output.stop();
  log('stopping ...');
  const failures = await stack.stop();
  for (const failure of failures) log(`could not stop ${failure}`);
  log(failures.length === 0 ? 'stopped; nothing left running' : 'stopped, with the failures above');
  return failures.length === 0 ? 0 : 1;
}
