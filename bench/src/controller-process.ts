/** The built controller as a child process: started, watched through /proc, stopped. */
import { readFile } from 'node:fs/promises';
import { SupervisedProcess } from '@swf/testkit';

/** How to start the controller. */
export interface ControllerProcessOptions {
  /**
   * The program and its arguments: `[node, ...nodeFlags, bin.js, 'run', ...flags]` for ours, or
   * `[binary, ...flags]` for upstream's Go controller.
   */
  readonly command: readonly [string, ...string[]];
  /** An argument only the controller's own command line has (the script node runs, or the binary). */
  readonly marker: string;
  /** Where stdout and stderr (the log) go. */
  readonly logFile: string;
}

/** Memory and CPU of a process, from /proc. */
export interface ProcessUsage {
  /** VmHWM: the peak resident set size. */
  readonly peakRssBytes: number;
  /** VmRSS: the resident set size now. */
  readonly rssBytes: number;
  /** User plus system CPU time used so far. */
  readonly cpuSeconds: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * A controller started as `node <bin.js> run ...` (or upstream's binary) under the testkit's
 * supervisor, so it dies with this process.
 */
export class ControllerProcess {
  readonly #supervised: SupervisedProcess;
  /** Process id of the node process itself (not of its supervisor). */
  readonly pid: number;
  /** Epoch ms just before the spawn. */
  readonly startedAt: number;
  readonly logFile: string;

  private constructor(supervised: SupervisedProcess, pid: number, startedAt: number, logFile: string) {
    this.#supervised = supervised;
    this.pid = pid;
    this.startedAt = startedAt;
    this.logFile = logFile;
  }

  /** Starts the controller with `env` added to the environment it inherits. */
  static async start(
    options: ControllerProcessOptions,
    env: Readonly<Record<string, string>>,
  ): Promise<ControllerProcess> {
    const startedAt = Date.now();
    // `env` execs the program in its own place, so the process id found below is the controller's.
    const supervised = SupervisedProcess.start(
      'swf-controller',
      'env',
      [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...options.command],
      options.logFile,
    );
    const pid = await controllerChildOf(supervised, options.marker);
    return new ControllerProcess(supervised, pid, startedAt, options.logFile);
  }

  /** Peak and current memory, and CPU time, of the controller. */
  async usage(): Promise<ProcessUsage> {
    const [status, stat] = await Promise.all([
      readFile(`/proc/${this.pid}/status`, 'utf8'),
      readFile(`/proc/${this.pid}/stat`, 'utf8'),
    ]);
    return {
      peakRssBytes: statusKib(status, 'VmHWM') * 1024,
      rssBytes: statusKib(status, 'VmRSS') * 1024,
      cpuSeconds: statCpuTicks(stat) / USER_HZ,
    };
  }

  /** True while the process runs. */
  async alive(): Promise<boolean> {
    return readFile(`/proc/${this.pid}/stat`, 'utf8').then(
      () => true,
      () => false,
    );
  }

  /** The log so far. */
  log(): Promise<string> {
    return readFile(this.logFile, 'utf8');
  }

  /** SIGTERM (a clean shutdown, which also writes a `--cpu-prof` profile), SIGKILL after `graceMs`. */
  stop(graceMs = 20_000): Promise<void> {
    return this.#supervised.stop(graceMs);
  }
}

/**
 * The controller process the supervisor's shell started. Its other child is a forked copy of the
 * shell (the stdin watcher), whose command line holds the script path too, as an argument of `sh`.
 */
async function controllerChildOf(supervised: SupervisedProcess, script: string): Promise<number> {
  const parent = supervised.pid;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && parent !== undefined) {
    const children = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '');
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (runsScript(cmdline, script)) return pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await supervised.stop();
  throw new Error(`the controller process (${script}) did not appear under its supervisor`);
}

/**
 * Whether a /proc cmdline is the process running `script` (node, or `env` about to exec node), not
 * a shell that merely has it among its arguments.
 */
export function runsScript(cmdline: string, script: string): boolean {
  const args = cmdline.split('\0');
  return args[0] !== 'sh' && args.includes(script);
}

/** A `Name:   123 kB` line of /proc/<pid>/status, in KiB. */
export function statusKib(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+([0-9]+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${name} line`);
  return Number(match[1]);
}

/** utime + stime of a /proc/<pid>/stat line, in clock ticks (fields 14 and 15, after the command). */
export function statCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export async function machineCpuTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] as string;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU seconds used so far by the processes under `rootPid` (not itself), by command name
 * (`kube-apiserver`, `etcd`, `sh`...) or by the label `labels` gives their process id; a process
 * that ends between two reads is lost.
 */
export async function processTreeCpuSeconds(
  rootPid: number,
  labels: Readonly<Record<number, string>> = {},
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  const visit = async (pid: number): Promise<void> => {
    const [stat, children] = await Promise.all([
      pid === rootPid ? '' : readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
      readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => ''),
    ]);
    if (stat) {
      const name = labels[pid] ?? stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      totals[name] = (totals[name] ?? 0) + statCpuTicks(stat) / USER_HZ;
    }
    await Promise.all(
      children
        .split(' ')
        .filter(Boolean)
        .map((child) => visit(Number(child))),
    );
  };
  await visit(rootPid);
  return totals;
}
