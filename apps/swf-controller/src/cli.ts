import { SETTINGS, type SettingSpec, settingLabel } from '@swf/contract';
import { NEXT_USAGE, nextCommand } from './commands/next.js';
import { runController } from './commands/run.js';
import { RUN_NOW_USAGE, RunNowError, runNowCommand } from './commands/run-now.js';
import { COMMANDS, ConfigError, describeConfig, parseFlags, resolveConfig } from './config/config.js';
import { readHostFacts } from './config/environment.js';

/** `--help` text, from the settings table. */
export function usage(): string {
  const shown = (SETTINGS as readonly SettingSpec[]).filter((s) => !s.internal);
  const line = (s: SettingSpec) => `  ${settingLabel(s).padEnd(62)} ${s.help} (default "${s.default}")`;
  return [
    'swf-controller: the Kubeflow Pipelines ScheduledWorkflow controller',
    '',
    'Usage:',
    '  swf-controller [run] [flags]      start the controller (default)',
    '  swf-controller print-config [flags]   print the resolved settings as one JSON line',
    `  ${NEXT_USAGE.split('\n')[0]}`,
    `  ${RUN_NOW_USAGE.split('\n')[0]}`,
    '',
    'Flags (a flag beats its env var; --name=value and --name value both work):',
    ...shown.filter((s) => s.flag).map(line),
    '',
    'Env vars without a flag:',
    ...shown.filter((s) => !s.flag).map(line),
  ].join('\n');
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [first] = argv;
  const command = first !== undefined && (COMMANDS as readonly string[]).includes(first) ? first : 'run';
  const rest = command === first ? argv.slice(1) : argv;
  try {
    if (command === 'next') {
      if (rest.includes('--help') || rest.includes('-h')) return print(NEXT_USAGE, 0);
      const { answer, exitCode } = await nextCommand(rest, env, Date.now());
      process.stdout.write(`${JSON.stringify(answer)}\n`);
      return exitCode;
    }
    if (command === 'run-now') {
      if (rest.includes('--help') || rest.includes('-h')) return print(RUN_NOW_USAGE, 0);
      return print(JSON.stringify(await runNowCommand(rest, env, Date.now())), 0);
    }
    const { flags, positional, help } = parseFlags(rest);
    if (help || command === 'help') return print(usage(), 0);
    if (positional.length > 0) {
      throw new ConfigError(
        positional[0] as string,
        `unknown command; expected one of ${COMMANDS.join(', ')}`,
      );
    }
    const config = resolveConfig(flags, env, await readHostFacts());
    if (command === 'print-config') return print(JSON.stringify(describeConfig(config)), 0);
    const aborter = new AbortController();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => aborter.abort(signal));
    await runController(config, { signal: aborter.signal });
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`swf-controller: ${error.message}\n`);
      return 2;
    }
    if (error instanceof RunNowError) {
      process.stderr.write(`swf-controller run-now: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function print(text: string, code: number): number {
  process.stdout.write(`${text}\n`);
  return code;
}
