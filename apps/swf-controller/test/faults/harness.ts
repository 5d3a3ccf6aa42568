import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { ArgoStandIn, type KfpApiDouble, type RecordedCall, SupervisedProcess } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { CONTROLLER_IDENTITY, scheduledWorkflow, type TestEnv } from '../integration/env.js';

export { workflowsOf } from '../integration/env.js';

/** The built CLI, run as an operator runs it. */
export const CONTROLLER_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Exit code of the process wrapper when the controller died of SIGKILL (128 + 9). */
export const KILLED_EXIT_CODE = 137;

/** One JSON log line of the controller. */
export type LogLine = Record<string, unknown> & { msg?: string };

let logFolder: Promise<string> | undefined;

/** One folder per test file for every controller log, kept after the run for a post-mortem. */
function logDir(): Promise<string> {
  logFolder ??= mkdtemp(join(tmpdir(), 'swf-faults-'));
  return logFolder;
}

/**
 * The built controller in its own process: `node dist/bin.js` with exactly the given flags and env
 * (plus PATH), its stdout and stderr in a file. The process dies with the test process, and
 * {@link kill} signals its whole process group, so `SIGKILL` is a real `kill -9`.
 */
export class ControllerProcess {
  static readonly #running = new Set<ControllerProcess>();
  /** Name in logs and the log file's. */
  readonly name: string;
  /** Where its stdout and stderr go. */
  readonly logFile: string;
  readonly #process: SupervisedProcess;
  #exitCode: number | null | undefined;

  private constructor(name: string, logFile: string, process: SupervisedProcess) {
    this.name = name;
    this.logFile = logFile;
    this.#process = process;
    void process.exited.then((code) => {
      this.#exitCode = code;
    });
  }

  /** Starts `node dist/bin.js <args>` with `env` as its whole environment (plus PATH). */
  static async start(name: string, args: string[], env: Record<string, string>): Promise<ControllerProcess> {
    const logFile = join(await logDir(), `${name}.log`);
    const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
    const child = SupervisedProcess.start(
      name,
      'env',
      ['-i', `PATH=${process.env.PATH ?? ''}`, ...assignments, process.execPath, CONTROLLER_BIN, ...args],
      logFile,
    );
    const started = new ControllerProcess(name, logFile, child);
    ControllerProcess.#running.add(started);
    return started;
  }

  /** Stops every controller still running (for `afterAll`). */
  static async stopAll(): Promise<void> {
    await Promise.all([...ControllerProcess.#running].map((p) => p.stop()));
  }

  /** Resolves with the wrapper's exit code once the controller ended ({@link KILLED_EXIT_CODE} after SIGKILL). */
  get exited(): Promise<number | null> {
    return this.#process.exited;
  }

  /** False once the process has ended. */
  get alive(): boolean {
    return this.#exitCode === undefined;
  }

  /** Everything it wrote so far. */
  text(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Its JSON log lines so far (other output is skipped). */
  logs(): LogLine[] {
    return this.text()
      .split('\n')
      .flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      });
  }

  /** Waits for a log line with this message. */
  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    return poll(
      `"${msg}" in ${this.name}`,
      async () => {
        const line = this.logs().find((l) => l.msg === msg);
        if (!line && !this.alive) throw new Error(`${this.name} exited:\n${this.text().slice(-2000)}`);
        return line;
      },
      timeoutMs,
    );
  }

  /** Port of `/metrics`, from the start-up log line (the tests run with `--metricsPort=0`). */
  async metricsPort(): Promise<number> {
    const line = await this.waitForLog('starting ScheduledWorkflow controller');
    return Number(line.metricsPort);
  }

  /** The text of `/metrics`. */
  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${await this.metricsPort()}/metrics`);
    return response.text();
  }

  /** Signals the controller's whole process group. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#process.kill(signal);
  }

  /**
   * Stops it as Kubernetes would (SIGTERM, SIGKILL after a 5 s grace period) and reaps the
   * wrapper; resolves with the milliseconds it took.
   */
  async stop(): Promise<number> {
    const started = Date.now();
    await this.#process.stop();
    this.#process.kill('SIGKILL');
    ControllerProcess.#running.delete(this);
    return Date.now() - started;
  }

  /** After the controller died by itself: reaps what is left of the wrapper. */
  reap(): void {
    this.#process.kill('SIGKILL');
    ControllerProcess.#running.delete(this);
  }
}

/** Polls `fn` every 100 ms until it returns a value; an error thrown by `fn` ends the wait at once. */
export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects when `promise` has not settled after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Flags every scenario shares: the controller's own kubeconfig, the double, a free metrics port,
 * no token file; a flag in `extra` replaces the shared one of the same name.
 */
export function controllerFlags(env: TestEnv, kfp: KfpApiDouble, extra: string[] = []): string[] {
  const shared = [
    `--kubeconfig=${env.controllerKubeconfig}`,
    '--mlPipelineAPIServerName=127.0.0.1',
    `--mlPipelineServiceGRPCPort=${kfp.port}`,
    '--metricsPort=0',
    '--apiTokenFile=',
  ];
  const name = (flag: string) => flag.split('=')[0];
  const replaced = new Set(extra.map(name));
  return [...shared.filter((flag) => !replaced.has(name(flag))), ...extra];
}

/**
 * Env as the multi-user manifest sets it (identity from env), with a resync of 300 s so that runs
 * on time can only come from requeueing at the fire time, and a client rate high enough that the
 * limiter is not what the scenario measures.
 */
export function multiUserEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    USER_IDENTITY_HEADER: 'kubeflow-userid',
    USER_IDENTITY_VALUE: CONTROLLER_IDENTITY,
    RESYNC_INTERVAL_SECONDS: '300',
    CLIENT_QPS: '50',
    CLIENT_BURST: '100',
    CRON_SCHEDULE_TIMEZONE: 'UTC',
    ...overrides,
  };
}

/**
 * A cron trigger every `seconds` seconds (a divisor of 60), at the seconds that are `offset` past a
 * multiple of it.
 */
export function everySeconds(seconds: number, offset = 0): NonNullable<ScheduledWorkflow['spec']['trigger']> {
  return { cronSchedule: { cron: `${offset === 0 ? '*' : offset}/${seconds} * * * * *` } };
}

/** An Argo spec small enough for the minimal Workflow CRD. */
export const ARGO_SPEC = {
  entrypoint: 'main',
  templates: [{ name: 'main', container: { image: 'busybox', command: ['echo', 'hello'] } }],
};

/** A ScheduledWorkflow that embeds an Argo spec (the Workflow path). */
export function embeddedSwf(
  namespace: string,
  name: string,
  seconds: number,
  extra: Partial<ScheduledWorkflow['spec']> = {},
): ScheduledWorkflow {
  return scheduledWorkflow(namespace, name, {
    enabled: true,
    maxConcurrency: 10,
    trigger: everySeconds(seconds),
    workflow: { spec: ARGO_SPEC },
    ...extra,
  });
}

/** A ScheduledWorkflow that always runs the pipeline's latest version (the CreateRun path). */
export function latestVersionSwf(
  namespace: string,
  name: string,
  experimentId: string,
  seconds: number,
  extra: Partial<ScheduledWorkflow['spec']> = {},
): ScheduledWorkflow {
  return scheduledWorkflow(namespace, name, {
    enabled: true,
    maxConcurrency: 10,
    trigger: everySeconds(seconds),
    experimentId,
    pipelineId: 'pipeline-1',
    pipelineVersionId: '',
    workflow: { parameters: [{ name: 'epochs', value: '3' }] },
    ...extra,
  });
}

/**
 * Epoch second of the run with this index under catch-up, for {@link everySeconds}(`seconds`,
 * `offset`): the index-th tick after the resource's creation.
 */
export function tickOf(swf: ScheduledWorkflow, seconds: number, index: number, offset = 0): number {
  const created = Math.floor(Date.parse(swf.metadata.creationTimestamp ?? '') / 1000);
  return (Math.floor((created - offset) / seconds) + index) * seconds + offset;
}

/** Index of a run from its name `<swf>-<index>-<hash>`. */
export function runIndex(name: string): number {
  const match = /-(\d+)-\d+$/.exec(name);
  if (!match) throw new Error(`not a run name: ${name}`);
  return Number(match[1]);
}

/** Duplicated and missing indexes among `indices`, which should be exactly 1..`count`. */
export function tally(
  indices: readonly number[],
  count: number,
): { duplicates: number[]; missing: number[] } {
  const seen = new Map<number, number>();
  for (const i of indices) seen.set(i, (seen.get(i) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const extra = [...seen.keys()].filter((i) => i < 1 || i > count);
  return { duplicates, missing: [...missing, ...extra.map((i) => -i)] };
}

/** CreateRun calls of one recurring run (the ScheduledWorkflow's UID). */
export function callsOf(kfp: KfpApiDouble, uid: string | undefined): RecordedCall[] {
  return kfp.calls.filter((c) => c.request.run?.recurringRunId === uid);
}

/** CreateRun calls of one recurring run that created a run. */
export function createdOf(kfp: KfpApiDouble, uid: string | undefined): RecordedCall[] {
  return callsOf(kfp, uid).filter((c) => c.outcome === 'created');
}

const SWFS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;
const LABEL_PREFIX = 'scheduledworkflows.kubeflow.org';

/**
 * A Workflow's run index (its `workflowIndex` label, which the controller and the KFP API server
 * both set) and its `workflowEpoch` label (the scheduled second on the embedded-spec path, the
 * creation second on the latest-version path).
 */
export function workflowRun(wf: ArgoWorkflow): { index: number; epoch: number } {
  return {
    index: Number(wf.metadata?.labels?.[`${LABEL_PREFIX}/workflowIndex`]),
    epoch: Number(wf.metadata?.labels?.[`${LABEL_PREFIX}/workflowEpoch`]),
  };
}

/**
 * Plays Argo's part: marks every Workflow (in `namespace`, or all) Succeeded as soon as it is seen,
 * so `maxConcurrency` never holds runs back.
 */
export function completeWorkflows(env: TestEnv, namespace?: string): ArgoStandIn {
  return ArgoStandIn.start(env.admin, {
    runMs: 0,
    pollMs: 300,
    ...(namespace !== undefined && { namespace }),
  });
}

/** Merge-patches a ScheduledWorkflow as admin (a writer that never conflicts). */
export function mergePatchSwf(env: TestEnv, namespace: string, name: string, body: object): Promise<unknown> {
  return env.custom.patchNamespacedCustomObject(
    { ...SWFS, namespace, name, body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** One version of a watched object and when it arrived. */
export interface Seen<T> {
  readonly at: number;
  readonly type: string;
  readonly object: T;
}

/**
 * Every version of the objects under `path` as a watch delivers them. The watch is re-opened after
 * an error or a close (an API server restart), from the last version seen.
 */
export function watchAll<T extends { metadata?: { resourceVersion?: string } }>(
  env: TestEnv,
  path: string,
  onEvent?: (seen: Seen<T>) => void,
): { readonly seen: Seen<T>[]; stop(): void } {
  const seen: Seen<T>[] = [];
  const watch = new Watch(env.admin);
  let stopped = false;
  let current: AbortController | undefined;
  let resourceVersion: string | undefined;
  const open = (): void => {
    if (stopped) return;
    const reopen = () => {
      if (!stopped) setTimeout(open, 500);
    };
    watch
      .watch(
        path,
        resourceVersion ? { resourceVersion, allowWatchBookmarks: true } : {},
        (type, object: T) => {
          resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          if (type === 'BOOKMARK') return;
          const event = { at: Date.now(), type, object };
          seen.push(event);
          onEvent?.(event);
        },
        reopen,
      )
      .then((controller) => {
        current = controller;
        if (stopped) controller.abort();
      }, reopen);
  };
  open();
  return {
    seen,
    stop() {
      stopped = true;
      current?.abort();
    },
  };
}

/** Collection paths for {@link watchAll}. */
export const paths = {
  scheduledWorkflows: (namespace: string) =>
    `/apis/kubeflow.org/v1beta1/namespaces/${namespace}/scheduledworkflows`,
  workflows: (namespace: string) => `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/workflows`,
};

/** The bearer token inside a kubeconfig file this suite wrote. */
export function kubeconfigToken(path: string): string {
  const match = /token: (\S+)/.exec(readFileSync(path, 'utf8'));
  if (!match?.[1]) throw new Error(`no token in ${path}`);
  return match[1];
}

/** Names of the captured texts that contain any of `secrets` (each secret checked whole). */
export function leaks(captured: Readonly<Record<string, string>>, secrets: readonly string[]): string[] {
  const real = secrets.filter((s) => s.length >= 16);
  if (real.length !== secrets.length) throw new Error('a secret to look for is too short to be one');
  return Object.entries(captured).flatMap(([where, text]) =>
    real.flatMap((secret, i) => (text.includes(secret) ? [`${where} holds secret #${i}`] : [])),
  );
}

/** Percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Writes one line of the suite's report (timings, counts) to stderr. */
export function report(scenario: string, facts: Record<string, unknown>): void {
  process.stderr.write(`[faults] ${scenario}: ${JSON.stringify(facts)}\n`);
}
