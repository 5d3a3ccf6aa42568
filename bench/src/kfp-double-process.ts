/**
 * The KFP API double in a process of its own, as the KFP API server is one. In the benchmark's own
 * process its gRPC answers and Kubernetes calls would wait behind the benchmark's watches, the
 * stand-in for Argo and the bookkeeping, all in one event loop, and the end-to-end lateness would
 * carry that wait, which no cluster has.
 *
 * The parent side is {@link KfpDoubleProcess}; the child runs `kfp-double-main.js`. They speak over
 * the IPC channel of `fork`: the parent sends one {@link DoubleConfig}, the child answers
 * `{ ready: port }` and then streams what the double saw, as {@link DoubleReport}s.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ObservedCall } from './analysis.js';

/** What the child needs to start the double. */
export interface DoubleConfig {
  /** Kubeconfig (YAML) allowed to create TokenReviews and SubjectAccessReviews. */
  readonly reviewerKubeconfig: string;
  /** Kubeconfig (YAML) of the KFP API server's own identity, for the Workflows it creates. */
  readonly runClusterKubeconfig: string;
  /** Experiment ID to namespace. */
  readonly experiments: Readonly<Record<string, string>>;
  /** The pipelines that exist: name by pipeline ID. */
  readonly pipelines: Readonly<Record<string, string>>;
}

/** Where a recurring run's ScheduledWorkflow is, by its uid: the job row KFP writes with it. */
export interface RecurringRunRow {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

/** What the parent sends after the config: recurring runs made, which the child answers with {@link RecurringRunsAdded}. */
export interface AddRecurringRuns {
  readonly recurringRuns: readonly RecurringRunRow[];
}

/** The child's answer to {@link AddRecurringRuns}: how many rows it holds now. */
export interface RecurringRunsAdded {
  readonly recurringRunsAdded: number;
}

/** What the child sends after `ready`: the calls answered and the reviews made since its last report. */
export interface DoubleReport {
  readonly calls: readonly ObservedCall[];
  /** SubjectAccessReview round trips, ms. */
  readonly reviewsMs: readonly number[];
}

/** How often the child sends what it saw. Times are taken in the child; this only delays the reading. */
export const REPORT_INTERVAL_MS = 50;

/** The built child, from `dist/` or from `src/` (the tests run this module from source). */
const CHILD_SCRIPT = fileURLToPath(new URL('../dist/kfp-double-main.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** A KFP API double running in a child process, and what it has reported so far. */
export class KfpDoubleProcess {
  /** Every call the double answered so far, in the order reported. */
  readonly calls: ObservedCall[] = [];
  /** How long each SubjectAccessReview took, ms, in the order reported. */
  readonly reviewsMs: number[] = [];
  readonly #child: ChildProcess;
  #port = 0;
  #added: ((count: number) => void) | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /**
   * Forks the double and waits until it listens.
   *
   * @throws Error when the child exits, fails or says nothing within 30 s before it listens.
   */
  static async start(config: DoubleConfig): Promise<KfpDoubleProcess> {
    // The benchmark's own NODE_OPTIONS (e.g. jest's) are not the double's business.
    const child = fork(CHILD_SCRIPT, [], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const double = new KfpDoubleProcess(child);
    double.#port = await new Promise<number>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`KFP API double process: ${why}`));
      };
      const timer = setTimeout(() => fail(`not listening after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
      child.on('message', (message: { ready?: number } & Partial<DoubleReport & RecurringRunsAdded>) => {
        if (message.recurringRunsAdded !== undefined) {
          double.#added?.(message.recurringRunsAdded);
          return;
        }
        if (message.ready !== undefined) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.removeAllListeners('error');
          resolve(message.ready);
          return;
        }
        double.calls.push(...(message.calls ?? []));
        double.reviewsMs.push(...(message.reviewsMs ?? []));
      });
      child.send(config);
    });
    return double;
  }

  /**
   * Gives the double the job rows of `rows`, recurring runs made as KFP's `CreateRecurringRun` makes
   * them (the benchmark writes the ScheduledWorkflows itself): the double refuses runs of any other.
   * Resolves once the child holds them.
   */
  addRecurringRuns(rows: readonly RecurringRunRow[]): Promise<void> {
    return new Promise((resolve) => {
      this.#added = () => {
        this.#added = null;
        resolve();
      };
      const message: AddRecurringRuns = { recurringRuns: rows };
      this.#child.send(message);
    });
  }

  /** The port the double listens on, on 127.0.0.1. */
  get port(): number {
    return this.#port;
  }

  /** The child's process id. */
  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** Stops the double and waits for its process to end (SIGKILL after 10 s). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.disconnect();
    await exited;
    clearTimeout(kill);
  }
}
