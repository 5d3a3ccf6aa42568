import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * Runs the command, and stops it when this wrapper's stdin closes. The test process holds the
 * other end of that pipe, so when it ends in any way (even `kill -9`), the kernel closes the pipe
 * and the server goes too: no orphans. A background job's stdin is /dev/null in sh, hence fd 3.
 */
const WRAPPER = `exec 3<&0
"$@" </dev/null &
child=$!
( cat <&3 >/dev/null; kill -TERM "$child" 2>/dev/null ) &
wait "$child"`;

/** A server process started by the harness. */
export class SupervisedProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly exited: Promise<number | null>;
  #stopping = false;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts `binary args...`, writing its output to `logFile`. */
  static start(name: string, binary: string, args: string[], logFile: string): SupervisedProcess {
    const log = createWriteStream(logFile);
    const child = spawn('sh', ['-c', WRAPPER, 'sh', binary, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return new SupervisedProcess(name, child);
  }

  /** Process id of the wrapper (the leader of the server's process group). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True once `stop` was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Asks the server to stop (SIGTERM), then kills its whole process group after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.kill('SIGKILL');
  }

  /** Sends a signal to the server's whole process group (for fault tests: SIGKILL, SIGSTOP...). */
  kill(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}
