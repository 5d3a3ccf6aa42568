import { randomUUID } from 'node:crypto';
import type { SubmitStep } from '@swf/contract';
import { CreateRunRequest, type Run } from '@swf/kfp-api';
import { type Caches, keyOf, type ObjectKey, type ReconcileResult, type Reconciler } from '../contract.js';
import {
  ANNOTATION_RUN_NOW,
  ANNOTATION_STARTING_DEADLINE_SECONDS,
  type ArgoWorkflow,
  behindMessage,
  buildRunRequest,
  buildWorkflow,
  computeStatus,
  createdForTick,
  formatKubeTime,
  lastIndex,
  needsStatusWrite,
  nextIndex,
  nextResourceName,
  nextRunWorkflow,
  planReconcile,
  type ReconcilePlan,
  type Requeue,
  type RunsBeyond,
  readAnnotations,
  type ScheduledWorkflow,
  ScheduledWorkflowSpecError,
  type SkipReport,
  type SpecProblem,
  type StatusInputs,
  shouldBlockV1,
  type V1BlockSettings,
  workflowRuns,
} from '../domain/index.js';
import type { ScheduleError, Zone } from '../domain/schedule/index.js';
import { errorText } from '../error-text.js';
import type { ExperimentGuard } from '../kfp/experiment-namespaces.js';
import type { RunSubmitter } from '../kfp/run-client.js';
import { isUnknownOutcome, UnknownOutcomes } from '../kfp/unknown-outcomes.js';
import { EventReason, type EventRecorder } from '../kube/events.js';
import { type KubeApi, statusCode } from '../kube/kube-api.js';
import type { Logger } from '../log.js';
import type { ControllerMetrics } from '../observe/metrics.js';
import { failedCall } from '../observe/submit-failure-reason.js';
import { DRAIN_DEADLINE_MS, StatusWrites } from './status-writes.js';

/** Condition reason when a run could not be submitted (retried with backoff). */
export const SUBMIT_FAILED_REASON = 'SubmitFailed';

/** Longest wait for a run's Workflow to reach the cache before the status write that records the run. */
const RUN_WORKFLOW_WAIT_MS = 500;

/** Status writes retried after a 409 Conflict, each from a fresh read. */
const CONFLICT_RETRIES = 5;

/** What the reconciler is built from. */
export interface ReconcilerDeps {
  readonly caches: Caches;
  readonly kubeApi: Pick<
    KubeApi,
    | 'createWorkflow'
    | 'tryReplaceScheduledWorkflow'
    | 'replaceScheduledWorkflowWhenAllowed'
    | 'getScheduledWorkflow'
  >;
  readonly runs: Pick<RunSubmitter, 'createRun'>;
  /** Checked before every `CreateRun`: the experiment named must be in the resource's namespace. */
  readonly experiments: ExperimentGuard;
  readonly events: EventRecorder;
  readonly metrics: ControllerMetrics;
  readonly zone: Zone;
  /** Where problems of work done after a reconcile returned go (status writes waiting for the budget). */
  readonly log: Logger;
  /** Told when a status write that waited for the budget is made, so its key is reconciled again. */
  readonly onStatusWritten: (key: ObjectKey) => void;
  readonly v1Block: V1BlockSettings;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
  readonly newRunId?: () => string;
  /** Test hook called as a submit passes each step; fault tests crash the process there. */
  readonly onSubmitStep?: (step: SubmitStep) => void;
  /** Record a Normal event for every run started (`--recordRunEvents`). @default false */
  readonly recordRunEvents?: boolean;
  /**
   * After a `CreateRun` without an answer, how long no new call starts for that run unless its
   * Workflow appears (`--createRunGraceSeconds`). @default 60000
   */
  readonly createRunGraceMs?: number;
}

/**
 * Reconciles one ScheduledWorkflow: decides from the cached object whether a run is due (pure
 * schedule code), submits it (an Argo Workflow for an embedded spec, else `CreateRun`), writes the
 * status when it changed, and asks to be requeued at the next fire time.
 *
 * Never twice: a run's name is fixed by the index. Before starting a run it looks for the run's
 * Workflow in the cache (the one it created, or the one the API server made in `CreateRun`) and
 * records a run it finds without a call; a Workflow created meanwhile under the same name answers
 * 409 and is adopted. After a `CreateRun` that got no answer it makes no other call for that run
 * until the Workflow appears or the grace period passes ({@link UnknownOutcomes}). It starts
 * nothing once `signal` aborts (shutdown, or leadership lost).
 *
 * The resource's annotations ({@link readAnnotations}) add three things. `time-zone` sets the zone
 * its cron is read in. `starting-deadline-seconds` skips ticks too late to start: the skip moves
 * `lastTriggeredTime` on in the status write the reconcile makes anyway, and is counted and reported
 * (one Normal event) only once that write is done. `run-now` starts one extra run with the next
 * index. The value honoured is recorded as the annotation `run-now-honoured` in the same write that
 * records the run's index, rather than in a status field, so `kubectl get -o yaml` shows request and
 * answer side by side and the status keeps upstream's fields only. That write is the one the
 * never-twice rule already relies on: a crash after the run started but before the write leaves
 * the run's Workflow under the next index, and the retry records it, with the value, instead of
 * starting another.
 *
 * A Workflow found at or above the next index is recorded as the run being decided only when it is
 * that run ({@link planRun}: its tick or its `run-now` value says so). Others mean the status was
 * set back while its Workflows stayed (a restore, a `kubectl replace` of an old copy; the CRD has
 * no status subresource): the index moves past all of them in a write of its own, with a Warning
 * `StatusBehindWorkflows`, and the run due starts in the next pass under the new index. So does a
 * `CreateRun` that answers with a run the KFP API server made before this tick (its de-duplication
 * by display name returns the old run of an index used before).
 */
export class ScheduledWorkflowReconciler implements Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #now: () => number;
  readonly #newRunId: () => string;
  readonly #unknownOutcomes: UnknownOutcomes;
  readonly #statusWrites: StatusWrites;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#newRunId = deps.newRunId ?? randomUUID;
    this.#unknownOutcomes = new UnknownOutcomes(deps.createRunGraceMs ?? 60_000);
    this.#statusWrites = new StatusWrites(deps);
  }

  async reconcile(key: ObjectKey, log: Logger, signal?: AbortSignal): Promise<ReconcileResult> {
    const cached = this.#deps.caches.scheduledWorkflow(key);
    if (!cached || cached.metadata.deletionTimestamp) return {};
    if (signal) this.#statusWrites.stopWhen(signal);
    // Runs recorded by a status write still waiting for the write budget count as recorded.
    const swf = this.#statusWrites.overlay(key, cached);
    const nowMs = this.#now();
    const plan = planReconcile(swf, this.#deps.caches.workflowsOf(key), {
      nowEpoch: Math.floor(nowMs / 1000),
      zone: this.#deps.zone,
    });
    switch (plan.kind) {
      case 'invalid':
        return this.#invalid(swf, plan.error, plan.status, log, null);
      case 'move-past':
        await this.#movePast(swf, plan.beyond, plan.status, log, plan.skips);
        return { requeueAtMs: requeueAtMs(plan.requeue, nowMs) };
      case 'wait':
        await this.#writeStatus(swf, plan.status, log, this.#reports(swf, log, plan.skips));
        if (plan.waitsForTick && !embedsSpec(swf)) this.#deps.experiments.prefetch(swf);
        return { requeueAtMs: requeueAtMs(plan.requeue, nowMs) };
      case 'start':
        return this.#start(key, cached, swf, plan, nowMs, log, signal);
    }
  }

  /**
   * Starts the run `plan` decided (or records it, made already), then writes the status that
   * records it; or, when it cannot start yet, says when to try again.
   */
  async #start(
    key: ObjectKey,
    cached: ScheduledWorkflow,
    swf: ScheduledWorkflow,
    plan: Extract<ReconcilePlan, { kind: 'start' }>,
    nowMs: number,
    log: Logger,
    signal: AbortSignal | undefined,
  ): Promise<ReconcileResult> {
    const { run, made, runNow, runEpoch, skips } = plan;
    if (signal?.aborted) {
      log.info(
        { run: nextResourceName(run) },
        'not starting the run: this replica is stopping or lost leadership',
      );
      return {};
    }
    if (this.#statusWrites.holdsRun(key, cached)) {
      // The KFP API server labels a run's Workflow with the stored index + 1, so the last run must
      // be recorded before this resource's next starts. Other resources' runs go on meanwhile;
      // this key comes back once the write is made.
      log.debug({ run: nextResourceName(run) }, 'waiting for the status write that records the last run');
      return { requeueAtMs: null };
    }
    this.#deps.onSubmitStep?.('before-submit');
    try {
      const submitted = await this.#submit(
        run,
        made?.workflow,
        runNow,
        runEpoch,
        Math.floor(nowMs / 1000),
        log,
      );
      if (submitted !== 'submitted' && 'oldRun' in submitted) {
        // Nothing started: the API server returned the run an earlier tick made under this index.
        const found: RunsBeyond = {
          recordedIndex: lastIndex(swf),
          throughIndex: nextIndex(swf),
          count: 1,
          throughEpoch: null,
        };
        const created = formatKubeTime(submitted.oldRun.createdAt?.seconds ?? 0);
        const answer = `CreateRun for run ${nextResourceName(swf)} (the tick of ${formatKubeTime(runEpoch)}) answered with run ${submitted.oldRun.runId}, which the KFP API server made at ${created}, before that tick`;
        await this.#movePast(swf, found, plan.status, log, skips, answer);
        return { requeueAtMs: nowMs };
      }
      if (submitted !== 'submitted') {
        if (skips) await this.#writeStatus(swf, plan.status, log, this.#reports(swf, log, skips));
        log.info(
          { run: nextResourceName(swf), until: new Date(submitted.waitUntilMs).toISOString() },
          "the last CreateRun for this run got no answer; waiting for the run's Workflow before calling again",
        );
        return { requeueAtMs: submitted.waitUntilMs };
      }
    } catch (error) {
      if (error instanceof ScheduledWorkflowSpecError)
        return this.#invalid(swf, error, plan.status, log, skips);
      this.#deps.metrics.countSubmitFailure(submitPath(swf), error);
      const message = `failed to submit run ${nextResourceName(swf)}: ${errorText(error)}`;
      const problem: SpecProblem = { ...failedCall(submitTarget(swf), error), reason: SUBMIT_FAILED_REASON };
      this.#deps.events.warning(swf, EventReason.Failed, `Transient failure: ${message}`);
      await this.#writeStatus(
        swf,
        { ...plan.status, error: problem },
        log,
        this.#reports(swf, log, skips),
      ).catch((e: unknown) => log.warn({ err: errorText(e) }, 'could not record the failure in the status'));
      throw new Error(message);
    }
    this.#deps.onSubmitStep?.('after-submit');
    if (runNow === null) this.#observeLateness(swf, runEpoch, nowMs);
    await this.#writeStatus(
      swf,
      { ...(await this.#historyWithRun(key, run)), ...plan.recorded },
      log,
      this.#reports(swf, log, skips, plan.adopted),
    );
    this.#deps.onSubmitStep?.('after-status');
    if (runNow !== null) {
      log.info({ run: nextResourceName(run), runNow }, 'run started for a new run-now value');
      this.#deps.events.normal(
        swf,
        EventReason.RunNow,
        `started run ${nextResourceName(run)} for ${ANNOTATION_RUN_NOW}=${JSON.stringify(runNow)}`,
      );
    }
    return { requeueAtMs: requeueAtMs(plan.requeue, nowMs) };
  }

  /**
   * Starts the next run, scheduled at `scheduledEpoch`, for `runNow` (null: the tick at
   * `scheduledEpoch`), or records it when it was `made` already; or says until when it must wait,
   * or that `CreateRun` answered with an older run (`oldRun`), made before the tick, so nothing
   * started.
   */
  async #submit(
    swf: ScheduledWorkflow,
    made: ArgoWorkflow | undefined,
    runNow: string | null,
    scheduledEpoch: number,
    nowEpoch: number,
    log: Logger,
  ): Promise<'submitted' | { waitUntilMs: number } | { oldRun: Run }> {
    const tickEpoch = runNow === null ? scheduledEpoch : null;
    const { namespace = '' } = swf.metadata;
    const runName = nextResourceName(swf);
    const started = performance.now();
    const operation = (status: 'ok' | 'error') =>
      this.#deps.metrics.operationDuration.observe(
        { operation: 'swfsubmit', status },
        (performance.now() - started) / 1000,
      );
    try {
      if (made) {
        this.#unknownOutcomes.resolve(outcomeKey(swf));
        this.#deps.metrics.submissions.inc({ path: submitPath(swf), outcome: 'exists' });
        log.info(
          { run: runName, workflow: made.metadata.name },
          'run already made (its Workflow exists); recording it',
        );
      } else if (embedsSpec(swf)) {
        if (shouldBlockV1(swf, this.#deps.v1Block)) {
          throw new ScheduledWorkflowSpecError(
            'spec.workflow.spec',
            `namespace ${namespace} is not allowed to run v1 pipelines; please migrate to KFP v2 pipelines`,
          );
        }
        const workflow = buildWorkflow(swf, {
          scheduledEpoch,
          nowEpoch,
          runUuid: this.#newRunId(),
          ...(runNow !== null && { runNow }),
        });
        const outcome = await this.#deps.kubeApi.createWorkflow(namespace, workflow);
        if (typeof outcome === 'object') {
          // Recording it would count a run that never started; waiting (with backoff) lets the
          // garbage collector remove it, and the Warning event says what holds the run back.
          const owner = outcome.heldBy === '' ? 'no owner' : `owner uid ${outcome.heldBy}`;
          throw new Error(
            `Workflow ${runName} already exists with ${owner}, not this ScheduledWorkflow (uid ${swf.metadata.uid}): an earlier ScheduledWorkflow of this name left it; the run starts once it is deleted`,
          );
        }
        this.#deps.metrics.submissions.inc({ path: 'workflow', outcome });
        log.info(
          { run: runName, scheduledAt: formatKubeTime(scheduledEpoch), outcome },
          'workflow submitted',
        );
      } else {
        const waiting = await this.#createRun(swf, scheduledEpoch, tickEpoch, nowEpoch, log);
        if (waiting) return waiting;
      }
      operation('ok');
    } catch (error) {
      operation('error');
      throw error;
    }
    // A write per run: at the top of the hour, as many writes again as the status writes.
    if (this.#deps.recordRunEvents) {
      this.#deps.events.normal(
        swf,
        EventReason.Synced,
        `submitted run ${runName} scheduled at ${formatKubeTime(scheduledEpoch)}`,
      );
    }
    return 'submitted';
  }

  /**
   * The latest-version path (the run's Workflow is not there): holds back while an earlier call's
   * outcome is unknown, else calls `CreateRun`. The API server de-duplicates by display name, so
   * for a tick (`tickEpoch`) an answer made before that tick is an older run of this index, not a
   * new one: it is returned as `oldRun`.
   */
  async #createRun(
    swf: ScheduledWorkflow,
    scheduledEpoch: number,
    tickEpoch: number | null,
    nowEpoch: number,
    log: Logger,
  ): Promise<{ waitUntilMs: number } | { oldRun: Run } | undefined> {
    const runName = nextResourceName(swf);
    const call = outcomeKey(swf);
    const waitUntilMs = this.#unknownOutcomes.waitUntil(call, this.#now());
    if (waitUntilMs !== null) return { waitUntilMs };
    await this.#deps.experiments.check(swf);
    const request = CreateRunRequest.fromPartial(buildRunRequest(swf, { scheduledEpoch, nowEpoch }));
    let run: Run;
    try {
      run = await this.#deps.runs.createRun(request);
    } catch (error) {
      if (isUnknownOutcome(error)) this.#unknownOutcomes.record(call, this.#now());
      throw error;
    }
    this.#unknownOutcomes.resolve(call);
    // A server that leaves the creation time unset (0) says nothing about which run this is.
    const createdEpoch = run.createdAt?.seconds || undefined;
    if (tickEpoch !== null && !createdForTick(createdEpoch, tickEpoch)) return { oldRun: run };
    this.#deps.metrics.submissions.inc({ path: 'create_run', outcome: 'created' });
    log.info({ run: runName, runId: run.runId, scheduledAt: formatKubeTime(scheduledEpoch) }, 'run created');
    return undefined;
  }

  /**
   * The history for the status write that records a run, with that run in it. Its Workflow reaches
   * the cache within milliseconds of its creation, usually before this write; waiting for it (at
   * most {@link RUN_WORKFLOW_WAIT_MS}) lets this one write show the run as active, where a write of
   * the history alone would follow otherwise.
   */
  async #historyWithRun(
    key: ObjectKey,
    swf: ScheduledWorkflow,
  ): Promise<Pick<StatusInputs, 'active' | 'completed'>> {
    const { caches } = this.#deps;
    await caches.waitForWorkflows(
      key,
      (workflows) => nextRunWorkflow(swf, workflows) !== undefined,
      RUN_WORKFLOW_WAIT_MS,
    );
    // Selected as for the status being written, whose last index is this run's (maxHistory counts from it).
    const recorded = {
      ...swf,
      status: { ...swf.status, trigger: { ...swf.status?.trigger, lastWorkflowIndex: nextIndex(swf) } },
    };
    const runs = workflowRuns(recorded, caches.workflowsOf(key));
    return { active: runs.active, completed: runs.completed };
  }

  /** Records a spec that cannot run: `Error` condition, a Warning event, no retry until it changes. */
  async #invalid(
    swf: ScheduledWorkflow,
    error: ScheduleError | ScheduledWorkflowSpecError,
    inputs: StatusInputs,
    log: Logger,
    skips: SkipReport | null,
  ): Promise<ReconcileResult> {
    const { field, rule } = error;
    const reason = error instanceof ScheduledWorkflowSpecError ? error.reason : undefined;
    log.warn({ field, rule, reason }, 'invalid ScheduledWorkflow; waiting for it to change');
    this.#deps.events.warning(swf, reason ?? EventReason.InvalidSpec, `Permanent failure: ${field}: ${rule}`);
    await this.#writeStatus(
      swf,
      { ...inputs, error: { field, rule, reason } },
      log,
      this.#reports(swf, log, skips),
    );
    return {};
  }

  /**
   * Moves the index past runs `found` beyond the status, none of them the run due, in a write of
   * its own, and reports a Warning once that write is made. `why` says how they were found, when
   * not in the cache.
   */
  async #movePast(
    swf: ScheduledWorkflow,
    found: RunsBeyond,
    inputs: StatusInputs,
    log: Logger,
    skips: SkipReport | null,
    why?: string,
  ): Promise<void> {
    const moved = { throughIndex: found.throughIndex, throughEpoch: found.throughEpoch };
    log.warn(
      { recordedIndex: found.recordedIndex, throughIndex: found.throughIndex, runs: found.count, why },
      'the status is behind its Workflows; moving the index past them',
    );
    const report = this.#reports(swf, log, skips);
    await this.#writeStatus(swf, { ...inputs, runsBeyond: moved }, log, () => {
      report?.();
      const message = behindMessage(found, 'move-past');
      this.#deps.events.warning(swf, EventReason.StatusBehindWorkflows, why ? `${why}; ${message}` : message);
    });
  }

  /**
   * What to report once the write that records it is made: ticks skipped past their starting
   * deadline, and a status found behind its Workflows (`beyond`, when a run found was adopted).
   */
  #reports(
    swf: ScheduledWorkflow,
    log: Logger,
    skips: SkipReport | null,
    beyond: RunsBeyond | null = null,
  ): (() => void) | undefined {
    if (!skips && !beyond) return undefined;
    return () => {
      if (skips) this.#reportSkipped(swf, skips, log);
      if (beyond) {
        this.#deps.events.warning(swf, EventReason.StatusBehindWorkflows, behindMessage(beyond, 'adopt'));
      }
    };
  }

  /**
   * At shutdown: makes the status writes that wait for the budget, for at most `deadlineMs`
   * ({@link StatusWrites.drain}); resolves with the number not made. Call it once the reconciles
   * ended (after the signal aborted), while this replica still holds its lease, and never after
   * leadership was lost.
   */
  drainStatusWrites(deadlineMs: number = DRAIN_DEADLINE_MS): Promise<number> {
    return this.#statusWrites.drain(deadlineMs);
  }

  /**
   * Writes status, labels and annotations when they changed; on a conflict, recomputes from a fresh
   * read. `onWritten` (what this reconcile reports, such as skipped ticks) is called once the write
   * is made, which may be after this returns when the write waits for the budget, and never when no
   * write is needed or it is dropped.
   */
  async #writeStatus(
    swf: ScheduledWorkflow,
    inputs: StatusInputs,
    log: Logger,
    onWritten?: () => void,
  ): Promise<void> {
    const { namespace = '', name = '' } = swf.metadata;
    let current = swf;
    for (let attempt = 0; ; attempt++) {
      const { status, labels, annotations } = computeStatus(current, inputs);
      if (!needsStatusWrite(current, status, labels, Math.floor(this.#now() / 1000))) return;
      try {
        // At once if the budget allows; else it waits for the budget and this worker moves on.
        await this.#statusWrites.write(
          keyOf(current.metadata),
          current,
          { status, labels, annotations },
          onWritten,
        );
        return;
      } catch (error) {
        if (statusCode(error) !== 409 || attempt >= CONFLICT_RETRIES) throw error;
        log.debug({ attempt }, 'conflict writing status; retrying from a fresh read');
        current = this.#statusWrites.overlay(
          keyOf(current.metadata),
          await this.#deps.kubeApi.getScheduledWorkflow(namespace, name),
        );
        // Deleted and created again under the same name: another object, which reconciles on its own.
        if (current.metadata.uid !== swf.metadata.uid) return;
        // Another writer (or a previous attempt whose answer was lost) already recorded this run.
        if (inputs.submitted && lastIndex(current) > lastIndex(swf)) return;
      }
    }
  }

  /** Counts skipped ticks and records one Normal event for them: one per burst, not one per tick. */
  #reportSkipped(swf: ScheduledWorkflow, { ticks, deadlineSeconds }: SkipReport, log: Logger): void {
    this.#deps.metrics.skippedTicks.inc({ reason: 'starting_deadline' }, ticks.count);
    const which =
      ticks.count === 1
        ? `the tick of ${formatKubeTime(ticks.firstEpoch)}`
        : `${ticks.count} ticks from ${formatKubeTime(ticks.firstEpoch)} to ${formatKubeTime(ticks.lastEpoch)}`;
    const more = ticks.more ? '; more late ticks follow' : '';
    const message = `skipped ${which}: not started within ${ANNOTATION_STARTING_DEADLINE_SECONDS}=${deadlineSeconds} of its time${more}`;
    log.info({ skipped: ticks.count, from: ticks.firstEpoch, to: ticks.lastEpoch }, message);
    this.#deps.events.normal(swf, EventReason.SkippedTicks, message);
  }

  #observeLateness(swf: ScheduledWorkflow, scheduledEpoch: number, nowMs: number): void {
    this.#deps.metrics.triggerLateness.observe(
      { path: submitPath(swf) },
      Math.max(0, nowMs / 1000 - scheduledEpoch),
    );
  }
}

/** A plan's requeue as the queue takes it: epoch milliseconds, never in the past. */
function requeueAtMs(requeue: Requeue, nowMs: number): number | null {
  if (requeue === null) return null;
  return requeue === 'now' ? nowMs : Math.max(requeue * 1000, nowMs);
}

function embedsSpec(swf: ScheduledWorkflow): boolean {
  const spec = swf.spec.workflow?.spec;
  return spec !== undefined && spec !== null;
}

function submitPath(swf: ScheduledWorkflow): 'workflow' | 'create_run' {
  return embedsSpec(swf) ? 'workflow' : 'create_run';
}

/** The next run of `swf`, as the unknown outcomes know it (uid: a re-created namesake is another). */
function outcomeKey(swf: ScheduledWorkflow): string {
  return `${swf.metadata.uid ?? ''}/${nextResourceName(swf)}`;
}

function submitTarget(swf: ScheduledWorkflow): string {
  return embedsSpec(swf) ? 'argoproj.io/v1alpha1 Workflow create' : 'RunService.CreateRun';
}
