import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import {
  type CreateRunRequest,
  Run,
  Run_StorageState,
  RunServiceService,
  RuntimeState,
  type Timestamp,
} from '@swf/kfp-api';
import type { AccessReviewer } from './access-reviewer.js';
import {
  type AuthSettings,
  authenticate,
  authorize,
  DEFAULT_TOKEN_REVIEW_AUDIENCE,
  type MetadataValues,
} from './auth.js';
import { internalServerError, invalidInput, KfpStatusError, resourceNotFound } from './kfp-status.js';
import { recurringRunRunId } from './run-ids.js';

/** Options of {@link KfpApiDouble.start}; each mirrors a setting of the KFP API server. */
export interface KfpApiDoubleOptions {
  /**
   * Answers the TokenReviews and SubjectAccessReviews. Required in multi-user mode.
   * @default undefined
   */
  readonly reviewer?: AccessReviewer;
  /**
   * Metadata key carrying the user identity (`KUBEFLOW_USERID_HEADER`, as the multi-user manifests set it).
   * @default 'kubeflow-userid'
   */
  readonly userIdHeader?: string;
  /**
   * Prefix the identity value must start with; stripped (`KUBEFLOW_USERID_PREFIX`).
   * @default ''
   */
  readonly userIdPrefix?: string;
  /**
   * Audience of every TokenReview (`TOKEN_REVIEW_AUDIENCE`).
   * @default 'pipelines.kubeflow.org'
   */
  readonly tokenReviewAudience?: string;
  /**
   * Multi-user mode (`MULTIUSER`): authenticate and authorize every CreateRun, require an experiment.
   * @default true
   */
  readonly multiUser?: boolean;
  /**
   * The experiments that exist, by ID, with the namespace each belongs to.
   * @default {}
   */
  readonly experiments?: Readonly<Record<string, string>>;
  /**
   * Clock for `created_at`, `scheduled_at` and the `at` of recorded calls, in epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** A failed call: its gRPC code and status message. */
export interface CallFailure {
  readonly code: status;
  readonly message: string;
}

/** How a call ended: a new run, the run an earlier call created for the same recurring run and name, or an error. */
export type CallOutcome = 'created' | 'deduplicated' | CallFailure;

/** One call as the double saw it. Metadata values are not kept: they hold credentials. */
export interface RecordedCall {
  readonly method: 'CreateRun';
  readonly request: CreateRunRequest;
  /** The authenticated user (identity prefix stripped, or the TokenReview user name); `null` when none was established. */
  readonly identity: string | null;
  /** Keys of the call's metadata, sorted. */
  readonly metadataKeys: readonly string[];
  readonly outcome: CallOutcome;
  /** When the call ended, epoch milliseconds. */
  readonly at: number;
}

/** A setting of the double, or an argument of one of its methods, breaks a rule. */
export class KfpDoubleConfigError extends Error {
  override readonly name = 'KfpDoubleConfigError';

  constructor(
    /** The option or argument at fault. */
    readonly setting: string,
    /** The rule it breaks. */
    readonly rule: string,
  ) {
    super(`${setting}: ${rule}`);
  }
}

/** Service account KFP gives a run that names none (`DefaultPipelineRunnerServiceAccount`). */
export const DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT = 'pipeline-runner';

/** What an injected outage answers, unless told otherwise. */
export const SERVICE_UNAVAILABLE: CallFailure = { code: status.UNAVAILABLE, message: 'Service unavailable' };

const CREATE_RUN_FAILED = 'Failed to create a new run';

type Settings = AuthSettings & {
  readonly experiments: ReadonlyMap<string, string>;
  readonly now: () => number;
} & ({ readonly multiUser: true; readonly reviewer: AccessReviewer } | { readonly multiUser: false });

/**
 * A KFP API server double: serves `RunService.CreateRun` over real gRPC on `127.0.0.1` and
 * authenticates, authorizes and de-duplicates as the KFP API server does in multi-user mode, with
 * KFP's status codes and messages. Other RunService methods answer UNIMPLEMENTED.
 */
export class KfpApiDouble {
  private readonly server = new Server();
  private readonly recorded: RecordedCall[] = [];
  private readonly created: Run[] = [];
  private readonly injected: CallFailure[] = [];
  private readonly waiters = new Set<() => void>();
  private unavailable = false;
  private boundPort = 0;

  private constructor(private readonly settings: Settings) {
    this.server.addService(RunServiceService, { createRun: this.handleCreateRun });
  }

  /**
   * Starts a double listening on `127.0.0.1` at a free port.
   * @throws KfpDoubleConfigError for an option that breaks a rule.
   */
  static async start(options: KfpApiDoubleOptions = {}): Promise<KfpApiDouble> {
    const double = new KfpApiDouble(resolveSettings(options));
    double.boundPort = await new Promise<number>((resolve, reject) =>
      double.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return double;
  }

  /** The port it listens on. */
  get port(): number {
    return this.boundPort;
  }

  /** `127.0.0.1:<port>`, ready for a grpc-js client. */
  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  /** Every call so far, oldest first; the array grows as calls arrive. */
  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  /** Copies of the runs created so far, oldest first (a de-duplicated call adds none). */
  runs(): Run[] {
    return this.created.map((run) => Run.fromPartial(run));
  }

  /** Resolves with {@link calls} once at least `count` calls have been recorded, or rejects after `timeoutMs`. */
  waitForCalls(count: number, timeoutMs = 10_000): Promise<readonly RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.recorded.length < count) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.recorded);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`KfpApiDouble: ${this.recorded.length} of ${count} calls after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /**
   * Fails the next `count` calls with `failure` before they are looked at, as an API server in
   * trouble would; failures queued by earlier calls come first.
   * @throws KfpDoubleConfigError when `count` is not a non-negative integer.
   */
  failNext(count: number, failure: CallFailure = SERVICE_UNAVAILABLE): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new KfpDoubleConfigError('failNext(count)', 'must be a non-negative integer');
    }
    for (let i = 0; i < count; i += 1) this.injected.push(failure);
  }

  /** While set, every call fails with {@link SERVICE_UNAVAILABLE}, before any queued failure. */
  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  /** Stops listening; calls in flight are allowed to finish. */
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.tryShutdown((error) => (error ? reject(error) : resolve())),
    );
  }

  private readonly handleCreateRun = (
    call: ServerUnaryCall<CreateRunRequest, Run>,
    callback: sendUnaryData<Run>,
  ): void => {
    const caller: { identity: string | null } = { identity: null };
    this.createRun(call, caller).then(
      ({ run, outcome }) => {
        this.record(call, caller.identity, outcome);
        callback(null, run);
      },
      (error: unknown) => {
        const failure =
          error instanceof KfpStatusError
            ? error
            : internalServerError(
                'KFP API server double failed',
                error instanceof Error ? error.message : String(error),
              );
        this.record(call, caller.identity, { code: failure.code, message: failure.message });
        callback(failure.toServiceError());
      },
    );
  };

  // The order of checks is KFP's (run_server.go CreateRun, then resource_manager.go CreateRun), so a
  // request that breaks several rules gets the error KFP would give.
  private async createRun(
    call: ServerUnaryCall<CreateRunRequest, Run>,
    caller: { identity: string | null },
  ): Promise<{ run: Run; outcome: 'created' | 'deduplicated' }> {
    this.throwInjectedFailure();
    const request = call.request.run;
    if (!request?.displayName) throw emptyRunName();
    const namespace = this.namespaceOf(request.experimentId);
    const { settings } = this;
    if (settings.multiUser) {
      const values: MetadataValues = (key) => metadataValues(call, key);
      const identity = await authenticate(values, settings, settings.reviewer).catch(
        inCreateRunAccess(namespace),
      );
      caller.identity = identity;
      await authorize(identity, namespace, 'create', settings.reviewer).catch(inCreateRunAccess(namespace));
    }
    // No await from here on: the look-up and the insert are one step, as KFP's unique key makes them.
    const existing = this.findRecurringRunRun(request);
    if (existing) return { run: Run.fromPartial(existing), outcome: 'deduplicated' };
    const run = this.newRun(request);
    this.created.push(run);
    return { run: Run.fromPartial(run), outcome: 'created' };
  }

  private throwInjectedFailure(): void {
    const failure = this.unavailable ? SERVICE_UNAVAILABLE : this.injected.shift();
    if (failure) throw new KfpStatusError(failure.code, failure.message, failure.message);
  }

  /** KFP's GetValidExperimentNamespacePair for a run that names no namespace. */
  private namespaceOf(experimentId: string): string {
    const context = 'Failed to create a run due to invalid experimentId and namespace combination';
    if (experimentId === '') {
      if (!this.settings.multiUser) return '';
      throw invalidInput('Experiment id can not be empty in multi-user mode')
        .wrap(context)
        .wrap(CREATE_RUN_FAILED);
    }
    const namespace = this.settings.experiments.get(experimentId);
    if (namespace === undefined) {
      throw resourceNotFound('Experiment', experimentId)
        .wrap(`Failed to fetch namespace from experiment ${experimentId}`)
        .wrap(`Failed to fetch namespace for experiment ${experimentId}`)
        .wrap(context)
        .wrap(CREATE_RUN_FAILED);
    }
    return namespace;
  }

  private findRecurringRunRun({ recurringRunId, displayName }: Run): Run | undefined {
    if (recurringRunId === '') return undefined;
    return this.created.find(
      (run) => run.recurringRunId === recurringRunId && run.displayName === displayName,
    );
  }

  private newRun(request: Run): Run {
    const now = toTimestamp(this.settings.now());
    return Run.fromPartial({
      ...request,
      runId: request.runId || runIdFor(request),
      storageState: Run_StorageState.AVAILABLE,
      serviceAccount: request.serviceAccount || DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT,
      createdAt: now,
      scheduledAt: now,
      state: RuntimeState.PENDING,
      stateHistory: [{ updateTime: now, state: RuntimeState.PENDING }],
    });
  }

  private record(
    call: ServerUnaryCall<CreateRunRequest, Run>,
    identity: string | null,
    outcome: CallOutcome,
  ): void {
    this.recorded.push({
      method: 'CreateRun',
      request: call.request,
      identity,
      metadataKeys: Object.keys(call.metadata.getMap()).sort(),
      outcome,
      at: this.settings.now(),
    });
    for (const waiter of [...this.waiters]) waiter();
  }
}

function resolveSettings(options: KfpApiDoubleOptions): Settings {
  const multiUser = options.multiUser ?? true;
  const userIdHeader = options.userIdHeader ?? 'kubeflow-userid';
  if (userIdHeader === '') throw new KfpDoubleConfigError('userIdHeader', 'must not be empty');
  const experiments = new Map(Object.entries(options.experiments ?? {}));
  for (const [id, namespace] of experiments) {
    if (multiUser && namespace === '') {
      throw new KfpDoubleConfigError(`experiments.${id}`, 'needs a namespace in multi-user mode');
    }
  }
  const common = {
    userIdHeader,
    userIdPrefix: options.userIdPrefix ?? '',
    tokenReviewAudience: options.tokenReviewAudience ?? DEFAULT_TOKEN_REVIEW_AUDIENCE,
    experiments,
    now: options.now ?? Date.now,
  };
  if (!multiUser) return { ...common, multiUser };
  if (!options.reviewer) throw new KfpDoubleConfigError('reviewer', 'is required in multi-user mode');
  return { ...common, multiUser, reviewer: options.reviewer };
}

/**
 * The values of a metadata key, one per occurrence. Node's HTTP/2 layer joins a repeated header
 * field into one value with ", " before grpc-js sees it (RFC 9110 allows it); grpc-go, which KFP
 * uses, keeps them apart. Splitting undoes the join; identities and bearer tokens contain no ", ".
 */
function metadataValues(call: ServerUnaryCall<CreateRunRequest, Run>, key: string): string[] {
  return call.metadata.get(key).flatMap((value) => (typeof value === 'string' ? value.split(', ') : []));
}

/** Adds the context KFP's canAccessRun and createRun put around an authentication or authorization error. */
function inCreateRunAccess(namespace: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof KfpStatusError)) throw error;
    throw error
      .wrap(`Failed to access run . Check if you have access to namespace ${namespace}`)
      .wrap(
        `Failed to create a run due to authorization error. Check if you have write permissions to namespace ${namespace}`,
      )
      .wrap(CREATE_RUN_FAILED);
  };
}

/** KFP's answer to a run without a display name (api_converter.go toModelRun). */
function emptyRunName(): KfpStatusError {
  return internalServerError(
    'Failed to convert a API run detail to its internal representation',
    'Invalid input error: Run name cannot be empty',
  )
    .wrap('CreateJob(job.ToV2())Failed to create a run due to conversion error')
    .wrap(CREATE_RUN_FAILED);
}

function runIdFor({ recurringRunId, displayName }: Run): string {
  return recurringRunId === '' ? randomUUID() : recurringRunRunId(recurringRunId, displayName);
}

/** KFP stores run times in whole seconds. */
function toTimestamp(epochMs: number): Timestamp {
  return { seconds: Math.floor(epochMs / 1000), nanos: 0 };
}
