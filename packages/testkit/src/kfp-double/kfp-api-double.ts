import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import {
  type CreateRunRequest,
  type Experiment,
  ExperimentServiceService,
  type GetExperimentRequest,
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
  EXPERIMENTS_RESOURCE,
  type MetadataValues,
  RUNS_RESOURCE,
} from './auth.js';
import {
  type ExperimentFixture,
  experimentTable,
  type StoredExperiment,
  toApiExperiment,
} from './experiments.js';
import { internalServerError, invalidInput, KfpStatusError, resourceNotFound } from './kfp-status.js';
import type { RunCluster } from './run-cluster.js';
import { recurringRunRunId } from './run-ids.js';
import { runWorkflow, type ScheduledWorkflowObject } from './run-workflow.js';

/**
 * Options of {@link KfpApiDouble.start}. Most mirror a setting of the KFP API server; `experiments`,
 * `pipelines`, `cluster` and `now` stand in for what it reads from its database, the cluster and
 * the clock (its job table is filled by {@link KfpApiDouble.addRecurringRun}), and `answerDelayMs`
 * slows it down for tests.
 */
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
   * The experiments that exist, by ID: the namespace each belongs to (its display name is then its
   * ID), or an {@link ExperimentFixture}. `ExperimentService.GetExperiment` serves them.
   * @default {}
   */
  readonly experiments?: Readonly<Record<string, string | ExperimentFixture>>;
  /**
   * Clock for `created_at`, `scheduled_at`, the `workflowEpoch` label and the `at` of recorded calls,
   * in epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * The Kubernetes side of `CreateRun`, with the KFP API server's own identity (e.g.
   * `new KubeRunCluster(kubeConfig)` with the config `installKfpApiServerIdentity` returns). When
   * set, every run gets an Argo Workflow as KFP creates it, a recurring run's owned by its
   * ScheduledWorkflow, which it gets by the namespace and name its job table holds for the
   * `recurring_run_id` ({@link KfpApiDouble.addRecurringRun}).
   * @default undefined: runs are only stored, no Workflow is created
   */
  readonly cluster?: RunCluster;
  /**
   * The pipelines that exist: their names (the compiled spec's `pipelineInfo.name`) by pipeline ID.
   * A run's Workflow is named by `generateName: <name>-`. A run naming a pipeline not listed is
   * refused as KFP refuses one that was deleted or never made: INTERNAL, `... Failed to get the
   * latest pipeline version as pipeline was not found: ResourceNotFoundError: Pipeline <id> not found`.
   * @default {}: every run naming a pipeline is refused
   */
  readonly pipelines?: Readonly<Record<string, string>>;
  /**
   * Service account of a run that names none (`DEFAULTPIPELINERUNNERSERVICEACCOUNT`; KFP's
   * multi-user install sets `default-editor`).
   * @default DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT
   */
  readonly defaultServiceAccount?: string;
  /**
   * How long each `CreateRun` waits after its Workflow is created and before its run is stored and
   * answered, so a test can hold a call in flight past a client's deadline; see
   * {@link KfpApiDouble.setAnswerDelay}.
   * @default 0
   */
  readonly answerDelayMs?: number;
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
  /**
   * Name of the Argo Workflow the call created, `null` when it created none. A call that meets an
   * already stored run at store time has created one all the same, as KFP's does.
   */
  readonly workflow: string | null;
  /** When the call arrived, epoch milliseconds: what the caller controls of its lateness. */
  readonly receivedAt: number;
  /**
   * When each step of the server's own work ended, epoch milliseconds, for the steps the call got
   * through: where the time between {@link receivedAt} and {@link at} went.
   */
  readonly steps: CallSteps;
  /** When the call ended, epoch milliseconds. */
  readonly at: number;
}

/** When the steps of a `CreateRun` ended, epoch milliseconds; `null` for a step not reached. */
export interface CallSteps {
  /** The caller's identity was established and its SubjectAccessReview answered (multi-user mode). */
  readonly authorizedAt: number | null;
  /** The recurring run's ScheduledWorkflow was read (KFP: the job table, then a get). */
  readonly ownerFoundAt: number | null;
  /** The kube-apiserver answered the Workflow create. */
  readonly workflowCreatedAt: number | null;
}

/** One `ExperimentService.GetExperiment` call as the double saw it; metadata values are not kept. */
export interface RecordedExperimentCall {
  readonly method: 'GetExperiment';
  readonly experimentId: string;
  /** The authenticated user; `null` when none was established (or single-user mode asked for none). */
  readonly identity: string | null;
  /** Keys of the call's metadata, sorted. */
  readonly metadataKeys: readonly string[];
  /** `found`: the experiment was returned. */
  readonly outcome: 'found' | CallFailure;
  /** When the call ended, epoch milliseconds. */
  readonly at: number;
}

/** A setting of the double, or an argument of one of its methods, breaks a rule. */
export class KfpDoubleConfigError extends Error {
  /** The option or argument at fault. */
  readonly setting: string;
  /** The rule it breaks. */
  readonly rule: string;
  override readonly name = 'KfpDoubleConfigError';

  constructor(setting: string, rule: string) {
    super(`${setting}: ${rule}`);
    this.setting = setting;
    this.rule = rule;
  }
}

/** Service account KFP gives a run that names none (`DefaultPipelineRunnerServiceAccount`). */
export const DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT = 'pipeline-runner';

/** What an injected outage answers, unless told otherwise. */
export const SERVICE_UNAVAILABLE: CallFailure = { code: status.UNAVAILABLE, message: 'Service unavailable' };

const CREATE_RUN_FAILED = 'Failed to create a new run';
const FETCH_EXPERIMENT_FAILED = 'Failed to fetch experiment';
const AUTHORIZE_FAILED = 'Failed to authorize the request';

type Settings = AuthSettings & {
  readonly experiments: ReadonlyMap<string, StoredExperiment>;
  readonly now: () => number;
  readonly cluster: RunCluster | null;
  readonly pipelines: ReadonlyMap<string, string>;
  readonly defaultServiceAccount: string;
} & ({ readonly multiUser: true; readonly reviewer: AccessReviewer } | { readonly multiUser: false });

/** A row of KFP's job table, as much as `CreateRun` reads: where the recurring run's ScheduledWorkflow is. */
interface RecurringRunRow {
  readonly namespace: string;
  readonly name: string;
}

/** What a call established before it ended, kept for its record whether it succeeded or not. */
interface CallProgress {
  identity: string | null;
  workflow: string | null;
  /** When the call arrived, epoch milliseconds. */
  readonly receivedAt: number;
  steps: { -readonly [K in keyof CallSteps]: CallSteps[K] };
}

function callProgress(receivedAt: number): CallProgress {
  return {
    identity: null,
    workflow: null,
    receivedAt,
    steps: { authorizedAt: null, ownerFoundAt: null, workflowCreatedAt: null },
  };
}

/**
 * A KFP API server double: serves `RunService.CreateRun` and `ExperimentService.GetExperiment` over
 * real gRPC on `127.0.0.1` and authenticates, authorizes and de-duplicates as the KFP API server
 * does in multi-user mode, with KFP's status codes and messages; with a
 * {@link KfpApiDoubleOptions.cluster} it also creates the run's Argo Workflow. Other methods of
 * both services answer UNIMPLEMENTED.
 */
export class KfpApiDouble {
  readonly #settings: Settings;
  readonly #server = new Server();
  readonly #recorded: RecordedCall[] = [];
  readonly #experimentCalls: RecordedExperimentCall[] = [];
  readonly #created: Run[] = [];
  /**
   * KFP's job table, as `CreateRun` reads it: where each recurring run's ScheduledWorkflow is, by
   * recurring run ID (the object's uid). A ScheduledWorkflow not made through KFP has no row.
   */
  readonly #recurringRuns = new Map<string, RecurringRunRow>();
  /** Experiment ID to the creation second of its newest run (KFP's `LastRunCreatedAtInSec`). */
  readonly #lastRunAt = new Map<string, number>();
  readonly #injected: CallFailure[] = [];
  readonly #waiters = new Set<() => void>();
  #unavailable = false;
  #answerDelayMs: number;
  #boundPort = 0;

  private constructor(settings: Settings, answerDelayMs: number) {
    this.#settings = settings;
    this.#answerDelayMs = answerDelayMs;
    this.#server.addService(RunServiceService, { createRun: this.#handleCreateRun });
    this.#server.addService(ExperimentServiceService, { getExperiment: this.#handleGetExperiment });
  }

  /**
   * Starts a double listening on `127.0.0.1` at a free port.
   * @throws KfpDoubleConfigError for an option that breaks a rule.
   */
  static async start(options: KfpApiDoubleOptions = {}): Promise<KfpApiDouble> {
    const double = new KfpApiDouble(
      resolveSettings(options),
      checkedDelay('answerDelayMs', options.answerDelayMs ?? 0),
    );
    double.#boundPort = await new Promise<number>((resolve, reject) =>
      double.#server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return double;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#boundPort;
  }

  /** `127.0.0.1:<port>`, ready for a grpc-js client. */
  get address(): string {
    return `127.0.0.1:${this.#boundPort}`;
  }

  /** Every call so far, oldest first; the array grows as calls arrive. */
  get calls(): readonly RecordedCall[] {
    return this.#recorded;
  }

  /** Every `GetExperiment` call so far, oldest first; the array grows as calls arrive. */
  get experimentCalls(): readonly RecordedExperimentCall[] {
    return this.#experimentCalls;
  }

  /**
   * Adds the row KFP's `CreateRecurringRun` writes to its job table for `swf`, the ScheduledWorkflow
   * it made, as the kube-apiserver returned it. From then on `CreateRun` accepts
   * `recurring_run_id` = `swf.metadata.uid` and, with a {@link KfpApiDoubleOptions.cluster}, owns
   * the run's Workflow by the object of that namespace and name. A recurring run never added is
   * refused as KFP refuses a ScheduledWorkflow created directly (INTERNAL, `RecurringRunId doesn't
   * exist: <id>`). Editing the object afterwards (say, its experiment) leaves its row as it is, as
   * in KFP.
   * @throws KfpDoubleConfigError when `swf` lacks its uid, name or namespace.
   */
  addRecurringRun(swf: ScheduledWorkflowObject): void {
    const field = (key: 'uid' | 'name' | 'namespace', rule: string): string => {
      const value = swf.metadata?.[key];
      if (typeof value === 'string' && value !== '') return value;
      throw new KfpDoubleConfigError(`addRecurringRun(swf).metadata.${key}`, rule);
    };
    const id = field(
      'uid',
      'must be set: the recurring run ID is the uid the kube-apiserver assigned, so pass the object its create returned',
    );
    const namespace = field('namespace', "must be set: KFP's job table holds each recurring run's namespace");
    const name = field('name', "must be set: KFP's job table holds each recurring run's object name");
    this.#recurringRuns.set(id, { namespace, name });
  }

  /** Copies of the runs created so far, oldest first (a de-duplicated call adds none). */
  runs(): Run[] {
    return this.#created.map((run) => Run.fromPartial(run));
  }

  /** Resolves with {@link calls} once at least `count` calls have been recorded, or rejects after `timeoutMs`. */
  waitForCalls(count: number, timeoutMs = 10_000): Promise<readonly RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#recorded.length < count) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(this.#recorded);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`KfpApiDouble: ${this.#recorded.length} of ${count} calls after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Fails the next `count` `CreateRun` calls with `failure` before they are looked at, as an API
   * server in trouble would; failures queued by earlier calls come first.
   * @throws KfpDoubleConfigError when `count` is not a non-negative integer.
   */
  failNext(count: number, failure: CallFailure = SERVICE_UNAVAILABLE): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new KfpDoubleConfigError('failNext(count)', 'must be a non-negative integer');
    }
    for (let i = 0; i < count; i += 1) this.#injected.push(failure);
  }

  /**
   * From now on, each `CreateRun` waits `ms` after its Workflow is created and before its run is
   * stored and answered (0: no wait). Calls already waiting keep their wait.
   * @throws KfpDoubleConfigError when `ms` is not a non-negative finite number.
   */
  setAnswerDelay(ms: number): void {
    this.#answerDelayMs = checkedDelay('setAnswerDelay(ms)', ms);
  }

  /**
   * While set, every call of either service fails with {@link SERVICE_UNAVAILABLE}, before any
   * queued failure.
   */
  setUnavailable(unavailable: boolean): void {
    this.#unavailable = unavailable;
  }

  /** Stops listening; calls in flight are allowed to finish. */
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#server.tryShutdown((error) => (error ? reject(error) : resolve())),
    );
  }

  readonly #handleCreateRun = (
    call: ServerUnaryCall<CreateRunRequest, Run>,
    callback: sendUnaryData<Run>,
  ): void => {
    const progress = callProgress(this.#settings.now());
    this.#createRun(call, progress).then(
      ({ run, outcome }) => {
        this.#record(call, progress, outcome);
        callback(null, run);
      },
      (error: unknown) => {
        const failure =
          error instanceof KfpStatusError
            ? error
            : internalServerError('KFP API server double failed', errorText(error));
        this.#record(call, progress, { code: failure.code, message: failure.message });
        callback(failure.toServiceError());
      },
    );
  };

  // The order of checks is KFP's (run_server.go CreateRun, then resource_manager.go CreateRun), so a
  // request that breaks several rules gets the error KFP would give.
  async #createRun(
    call: ServerUnaryCall<CreateRunRequest, Run>,
    progress: CallProgress,
  ): Promise<{ run: Run; outcome: 'created' | 'deduplicated' }> {
    this.#throwInjectedFailure();
    const request = call.request.run;
    // KFP's run_server.go converts the run before createRun wraps its errors: this one goes out bare.
    if (!request?.displayName) throw emptyRunName();
    const namespace = this.#namespaceOf(request.experimentId);
    const settings = this.#settings;
    if (settings.multiUser) {
      const values: MetadataValues = (key) => metadataValues(call, key);
      const identity = await authenticate(values, settings, settings.reviewer).catch(
        inCreateRunAccess(namespace),
      );
      progress.identity = identity;
      await authorize(identity, { namespace, verb: 'create', on: RUNS_RESOURCE }, settings.reviewer).catch(
        inCreateRunAccess(namespace),
      );
      progress.steps.authorizedAt = settings.now();
    }
    // KFP's guard against duplicates is a look-up, then the Workflow, then the insert, with nothing
    // holding them together: calls in flight at once all pass the look-up and each creates a
    // Workflow; the run table's primary key (the deterministic run ID) only keeps the first run.
    // The double keeps exactly that gap, so tests see what the real server does.
    const stored = this.#storedRunFor(request);
    if (stored) return { run: Run.fromPartial(stored), outcome: 'deduplicated' };
    const run = this.#newRun(request);
    const pipelineName = this.#pipelineNameOf(run);
    if (settings.cluster && namespace === '') throw emptyWorkflowNamespace();
    const job = this.#recurringRunOf(run);
    if (settings.cluster) {
      const owner = job === null ? null : await this.#scheduledWorkflowOf(settings.cluster, job);
      if (owner !== null) progress.steps.ownerFoundAt = settings.now();
      progress.workflow = await this.#createWorkflow(settings.cluster, run, namespace, pipelineName, owner);
      progress.steps.workflowCreatedAt = settings.now();
    }
    if (this.#answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#answerDelayMs));
    const kept = this.#store(run);
    return { run: Run.fromPartial(kept), outcome: kept === run ? 'created' : 'deduplicated' };
  }

  readonly #handleGetExperiment = (
    call: ServerUnaryCall<GetExperimentRequest, Experiment>,
    callback: sendUnaryData<Experiment>,
  ): void => {
    const progress = callProgress(this.#settings.now());
    const record = (outcome: RecordedExperimentCall['outcome']) => {
      this.#experimentCalls.push({
        method: 'GetExperiment',
        experimentId: call.request.experimentId,
        identity: progress.identity,
        metadataKeys: Object.keys(call.metadata.getMap()).sort(),
        outcome,
        at: this.#settings.now(),
      });
    };
    this.#getExperiment(call, progress).then(
      (experiment) => {
        record('found');
        callback(null, experiment);
      },
      (error: unknown) => {
        const failure =
          error instanceof KfpStatusError
            ? error
            : internalServerError('KFP API server double failed', errorText(error));
        record({ code: failure.code, message: failure.message });
        callback(failure.toServiceError());
      },
    );
  };

  /** KFP's ExperimentServer.GetExperiment: in multi-user mode canAccessExperiment first, then the read. */
  async #getExperiment(
    call: ServerUnaryCall<GetExperimentRequest, Experiment>,
    progress: CallProgress,
  ): Promise<Experiment> {
    if (this.#unavailable) throw this.#unavailableError();
    const id = call.request.experimentId;
    const settings = this.#settings;
    if (settings.multiUser) {
      await this.#canGetExperiment(call, settings.reviewer, progress).catch(
        wrapped(AUTHORIZE_FAILED, FETCH_EXPERIMENT_FAILED),
      );
    }
    const experiment = settings.experiments.get(id);
    if (experiment === undefined) throw resourceNotFound('Experiment', id).wrap(FETCH_EXPERIMENT_FAILED);
    return toApiExperiment(experiment, this.#lastRunAt.get(id) ?? 0);
  }

  /**
   * KFP's canAccessExperiment for `get`: the experiment is looked up first (so an unknown ID is
   * NOT_FOUND whoever asks), then the caller is authenticated and reviewed for `get` on
   * `experiments` in the experiment's namespace, naming the experiment by its display name.
   */
  async #canGetExperiment(
    call: ServerUnaryCall<GetExperimentRequest, Experiment>,
    reviewer: AccessReviewer,
    progress: CallProgress,
  ): Promise<void> {
    const id = call.request.experimentId;
    // An empty ID skips the look-up and leaves the namespace to review empty.
    if (id === '') throw invalidInput('An experiment cannot have an empty namespace in multi-user mode');
    const experiment = this.#settings.experiments.get(id);
    if (experiment === undefined) {
      throw resourceNotFound('Experiment', id).wrap('Failed to authorize with the experiment ID');
    }
    const values: MetadataValues = (key) => metadataValues(call, key);
    const inAccess = wrapped('Failed to authorize with API');
    const identity = await authenticate(values, this.#settings, reviewer).catch(inAccess);
    progress.identity = identity;
    const { namespace, displayName: name } = experiment;
    await authorize(identity, { namespace, verb: 'get', on: EXPERIMENTS_RESOURCE, name }, reviewer).catch(
      inAccess,
    );
  }

  /** The Workflow KFP's ResourceManager.CreateRun creates for `run`; returns its generated name. */
  async #createWorkflow(
    cluster: RunCluster,
    run: Run,
    namespace: string,
    pipelineName: string,
    owner: ScheduledWorkflowObject | null,
  ): Promise<string> {
    const workflow = runWorkflow({
      runId: run.runId,
      displayName: run.displayName,
      namespace,
      pipelineName,
      serviceAccount: run.serviceAccount,
      createdAtSec: run.createdAt?.seconds ?? 0,
      owner,
    });
    const created = await cluster.createWorkflow(namespace, workflow).catch((error: unknown) => {
      // The Workflow has only a generateName here, so KFP's ExecutionName() is empty.
      throw internalServerError('Failed to create a workflow for ()', errorText(error)).wrap(
        CREATE_RUN_FAILED,
      );
    });
    return created.metadata.name;
  }

  /** KFP's `jobStore.GetJob(recurring_run_id)`: the job row of a run's recurring run, `null` for a run of its own. */
  #recurringRunOf({ recurringRunId }: Run): RecurringRunRow | null {
    if (recurringRunId === '') return null;
    const row = this.#recurringRuns.get(recurringRunId);
    if (row === undefined) {
      throw internalServerError(
        'Failed to create a run due to invalid recurring run id',
        invalidInput(`RecurringRunId doesn't exist: ${recurringRunId}`).message,
      ).wrap(CREATE_RUN_FAILED);
    }
    return row;
  }

  /**
   * The ScheduledWorkflow of a recurring run, got by the namespace and name of its job row (which
   * need not be the run's experiment's namespace: the resource may have been edited since). KFP
   * answers the same for an object that is gone and one it cannot read.
   */
  async #scheduledWorkflowOf(cluster: RunCluster, job: RecurringRunRow): Promise<ScheduledWorkflowObject> {
    const swf = await cluster.getScheduledWorkflow(job.namespace, job.name).catch(() => null);
    if (swf === null) {
      throw internalServerError(
        'Failed to create a run due to invalid name',
        invalidInput(`ScheduledWorkflow doesn't exist: ${job.name}`).message,
      ).wrap(CREATE_RUN_FAILED);
    }
    return swf;
  }

  /**
   * KFP's fetchTemplateFromPipelineSpec for a run: the name its compiler gives the Workflow, from the
   * pipeline's latest version (`pipelines` option) or an inline spec's `pipelineInfo.name`. A pipeline
   * that does not exist, or a run with neither, has no template.
   */
  #pipelineNameOf(run: Run): string {
    const id = run.pipelineVersionReference?.pipelineId ?? '';
    if (id !== '') return this.#settings.pipelines.get(id) ?? throwPipelineNotFound(id);
    const inline: unknown = run.pipelineSpec?.pipelineInfo?.name;
    if (typeof inline === 'string' && inline !== '') return inline;
    throw noTemplate(invalidInput('Failed to fetch a template with an empty pipeline spec manifest'));
  }

  #throwInjectedFailure(): void {
    if (this.#unavailable) throw this.#unavailableError();
    const failure = this.#injected.shift();
    if (failure) throw new KfpStatusError(failure.code, failure.message, failure.message);
  }

  #unavailableError(): KfpStatusError {
    return new KfpStatusError(
      SERVICE_UNAVAILABLE.code,
      SERVICE_UNAVAILABLE.message,
      SERVICE_UNAVAILABLE.message,
    );
  }

  /** KFP's GetValidExperimentNamespacePair for a run that names no namespace. */
  #namespaceOf(experimentId: string): string {
    const context = 'Failed to create a run due to invalid experimentId and namespace combination';
    if (experimentId === '') {
      if (!this.#settings.multiUser) return '';
      throw invalidInput('Experiment id can not be empty in multi-user mode')
        .wrap(context)
        .wrap(CREATE_RUN_FAILED);
    }
    const namespace = this.#settings.experiments.get(experimentId)?.namespace;
    if (namespace === undefined) {
      throw resourceNotFound('Experiment', experimentId)
        .wrap(`Failed to fetch namespace from experiment ${experimentId}`)
        .wrap(`Failed to fetch namespace for experiment ${experimentId}`)
        .wrap(context)
        .wrap(CREATE_RUN_FAILED);
    }
    return namespace;
  }

  /** KFP's GetRunByRecurringRunIDAndDisplayName: only runs of a recurring run are looked up. */
  #storedRunFor({ recurringRunId, displayName }: Run): Run | undefined {
    if (recurringRunId === '') return undefined;
    return this.#created.find(
      (run) => run.recurringRunId === recurringRunId && run.displayName === displayName,
    );
  }

  /**
   * KFP's RunStore.CreateRun: inserts the run, or, when a run of a recurring run collides on the run
   * ID, returns the run already stored (its "duplicate key" path); then, as its ResourceManager
   * does, sets the experiment's last run time from the run returned.
   */
  #store(run: Run): Run {
    const existing =
      run.recurringRunId === '' ? undefined : this.#created.find((other) => other.runId === run.runId);
    const kept = existing ?? run;
    if (!existing) this.#created.push(run);
    this.#lastRunAt.set(kept.experimentId, kept.createdAt?.seconds ?? 0);
    return kept;
  }

  #newRun(request: Run): Run {
    const now = toTimestamp(this.#settings.now());
    return Run.fromPartial({
      ...request,
      runId: request.runId || runIdFor(request),
      storageState: Run_StorageState.AVAILABLE,
      serviceAccount: request.serviceAccount || this.#settings.defaultServiceAccount,
      createdAt: now,
      scheduledAt: now,
      state: RuntimeState.PENDING,
      stateHistory: [{ updateTime: now, state: RuntimeState.PENDING }],
    });
  }

  #record(call: ServerUnaryCall<CreateRunRequest, Run>, progress: CallProgress, outcome: CallOutcome): void {
    this.#recorded.push({
      method: 'CreateRun',
      request: call.request,
      identity: progress.identity,
      metadataKeys: Object.keys(call.metadata.getMap()).sort(),
      outcome,
      workflow: progress.workflow,
      receivedAt: progress.receivedAt,
      steps: { ...progress.steps },
      at: this.#settings.now(),
    });
    for (const waiter of [...this.#waiters]) waiter();
  }
}

function resolveSettings(options: KfpApiDoubleOptions): Settings {
  const multiUser = options.multiUser ?? true;
  const userIdHeader = options.userIdHeader ?? 'kubeflow-userid';
  if (userIdHeader === '') throw new KfpDoubleConfigError('userIdHeader', 'must not be empty');
  const now = options.now ?? Date.now;
  const experiments = experimentTable(options.experiments ?? {}, Math.floor(now() / 1000));
  for (const { id, namespace } of experiments.values()) {
    if (multiUser && namespace === '') {
      throw new KfpDoubleConfigError(`experiments.${id}`, 'needs a namespace in multi-user mode');
    }
  }
  const common = {
    userIdHeader,
    userIdPrefix: options.userIdPrefix ?? '',
    tokenReviewAudience: options.tokenReviewAudience ?? DEFAULT_TOKEN_REVIEW_AUDIENCE,
    experiments,
    now,
    cluster: options.cluster ?? null,
    pipelines: new Map(Object.entries(options.pipelines ?? {})),
    defaultServiceAccount: options.defaultServiceAccount || DEFAULT_PIPELINE_RUNNER_SERVICE_ACCOUNT,
  };
  if (!multiUser) return { ...common, multiUser };
  if (!options.reviewer) throw new KfpDoubleConfigError('reviewer', 'is required in multi-user mode');
  return { ...common, multiUser, reviewer: options.reviewer };
}

function checkedDelay(setting: string, ms: number): number {
  if (!(Number.isFinite(ms) && ms >= 0)) {
    throw new KfpDoubleConfigError(setting, 'must be a non-negative finite number of milliseconds');
  }
  return ms;
}

/**
 * The values of a metadata key, one per occurrence. Node's HTTP/2 layer joins a repeated header
 * field into one value with ", " before grpc-js sees it (RFC 9110 allows it); grpc-go, which KFP
 * uses, keeps them apart. Splitting undoes the join; identities and bearer tokens contain no ", ".
 */
function metadataValues(call: ServerUnaryCall<unknown, unknown>, key: string): string[] {
  return call.metadata.get(key).flatMap((value) => (typeof value === 'string' ? value.split(', ') : []));
}

/** Rethrows a KFP error with `contexts` wrapped around it, innermost first, as `util.Wrap` does; others as they are. */
function wrapped(...contexts: readonly string[]): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof KfpStatusError)) throw error;
    throw contexts.reduce((inner, context) => inner.wrap(context), error);
  };
}

/** Adds the context KFP's canAccessRun and createRun put around an authentication or authorization error. */
function inCreateRunAccess(namespace: string): (error: unknown) => never {
  return wrapped(
    `Failed to access run . Check if you have access to namespace ${namespace}`,
    `Failed to create a run due to authorization error. Check if you have write permissions to namespace ${namespace}`,
    CREATE_RUN_FAILED,
  );
}

/**
 * KFP's answer to a run without a display name (api_converter.go toModelRun, wrapped by
 * run_server.go CreateRun before it calls createRun, so without `Failed to create a new run`).
 */
function emptyRunName(): KfpStatusError {
  return internalServerError(
    'Failed to convert a API run detail to its internal representation',
    'Invalid input error: Run name cannot be empty',
  ).wrap('CreateJob(job.ToV2())Failed to create a run due to conversion error');
}

/** KFP's answer when the template of a run cannot be fetched, `cause` saying why. */
function noTemplate(cause: KfpStatusError): KfpStatusError {
  return internalServerError('Failed to create a run due to error fetching manifest', cause.message).wrap(
    CREATE_RUN_FAILED,
  );
}

/** KFP's answer to a run of a pipeline that does not exist, when it looks for the pipeline's latest version. */
function throwPipelineNotFound(pipelineId: string): never {
  throw noTemplate(
    resourceNotFound('Pipeline', pipelineId)
      .wrap('Failed to get the latest pipeline version as pipeline was not found')
      .wrap(`Failed to fetch a pipeline version and its manifest from pipeline ${pipelineId}`)
      .wrap('Failed to fetch a template due to error retrieving pipeline version'),
  );
}

/** KFP's answer when neither the run nor POD_NAMESPACE gives the Workflow a namespace. */
function emptyWorkflowNamespace(): KfpStatusError {
  return internalServerError(
    'Failed to create a run due to empty namespace',
    invalidInput(
      'Namespace cannot be empty when creating an Argo workflow. Check if you have specified POD_NAMESPACE ' +
        'or try adding the parent namespace to the request',
    ).message,
  ).wrap(CREATE_RUN_FAILED);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function runIdFor({ recurringRunId, displayName }: Run): string {
  return recurringRunId === '' ? randomUUID() : recurringRunRunId(recurringRunId, displayName);
}

/** KFP stores run times in whole seconds. */
function toTimestamp(epochMs: number): Timestamp {
  return { seconds: Math.floor(epochMs / 1000), nanos: 0 };
}
