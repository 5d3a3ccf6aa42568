import { randomUUID } from 'node:crypto';
import type { SubmitStep } from '@swf/contract';
import { CreateRunRequest } from '@swf/kfp-api';
import {
  buildRunRequest,
  buildWorkflow,
  computeStatus,
  formatKubeTime,
  lastIndex,
  nextResourceName,
  type ScheduledWorkflow,
  ScheduledWorkflowSpecError,
  type SpecProblem,
  type StatusInputs,
  shouldBlockV1,
  statusChanged,
  type V1BlockSettings,
  workflowRuns,
} from './domain/index.js';
import { decideSchedule, nextScheduledEpoch, ScheduleError, type Zone } from './domain/schedule/index.js';
import { errorText } from './error-text.js';
import type { RunSubmitter } from './kfp/run-client.js';
import { EventReason, type EventRecorder } from './kube/events.js';
import { type KubeApi, statusCode } from './kube/kube-api.js';
import type { Logger } from './log.js';
import type { ControllerMetrics } from './metrics.js';
import type { Caches, ObjectKey, ReconcileResult, Reconciler } from './reconcile.js';

/** Condition reason when a run could not be submitted (retried with backoff). */
export const SUBMIT_FAILED_REASON = 'SubmitFailed';

/** Status writes retried after a 409 Conflict, each from a fresh read. */
const CONFLICT_RETRIES = 5;

/** What the reconciler is built from. */
export interface ReconcilerDeps {
  readonly caches: Caches;
  readonly kubeApi: Pick<KubeApi, 'createWorkflow' | 'replaceScheduledWorkflow' | 'getScheduledWorkflow'>;
  readonly runs: Pick<RunSubmitter, 'createRun'>;
  readonly events: EventRecorder;
  readonly metrics: ControllerMetrics;
  readonly zone: Zone;
  readonly v1Block: V1BlockSettings;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
  readonly newRunId?: () => string;
  /** Test hook called as a submit passes each step; fault tests crash the process there. */
  readonly onSubmitStep?: (step: SubmitStep) => void;
}

/**
 * Reconciles one ScheduledWorkflow: decides from the cached object whether a run is due (pure
 * schedule code), submits it (an Argo Workflow for an embedded spec, else `CreateRun`), writes the
 * status when it changed, and asks to be requeued at the next fire time.
 *
 * Never twice: a run's name is fixed by the index, so after a crash between the submit and the
 * status write the retry meets the same Workflow name (409, adopted) or the same `CreateRun`
 * display name (which the API server de-duplicates), and moves on.
 */
export class ScheduledWorkflowReconciler implements Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #now: () => number;
  readonly #newRunId: () => string;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#newRunId = deps.newRunId ?? randomUUID;
  }

  async reconcile(key: ObjectKey, log: Logger): Promise<ReconcileResult> {
    const swf = this.#deps.caches.scheduledWorkflow(key);
    if (!swf || swf.metadata.deletionTimestamp) return {};

    const nowMs = this.#now();
    const nowEpoch = Math.floor(nowMs / 1000);
    const runs = workflowRuns(swf, this.#deps.caches.workflowsOf(key));
    const base = { active: runs.active, completed: runs.completed };

    let decision: ReturnType<typeof decideSchedule>;
    try {
      decision = decideSchedule(swf, {
        nowEpoch,
        activeWorkflowCount: runs.active.length,
        zone: this.#deps.zone,
      });
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      return this.#invalid(
        swf,
        error,
        { ...base, submitted: false, scheduledEpoch: null, nextScheduledEpochAfterSubmit: null },
        log,
      );
    }
    const scheduledEpoch = decision.nextScheduledEpoch;
    if (!decision.shouldRunNow || scheduledEpoch === null) {
      await this.#writeStatus(
        swf,
        { ...base, submitted: false, scheduledEpoch, nextScheduledEpochAfterSubmit: null },
        log,
      );
      const wait = swf.spec.enabled === true && scheduledEpoch !== null && scheduledEpoch > nowEpoch;
      return { requeueAtMs: wait ? scheduledEpoch * 1000 : null };
    }

    const notSubmitted: StatusInputs = {
      ...base,
      submitted: false,
      scheduledEpoch,
      nextScheduledEpochAfterSubmit: null,
    };
    this.#deps.onSubmitStep?.('before-submit');
    try {
      await this.#submit(swf, scheduledEpoch, nowEpoch, log);
    } catch (error) {
      if (error instanceof ScheduledWorkflowSpecError) return this.#invalid(swf, error, notSubmitted, log);
      const message = `failed to submit run ${nextResourceName(swf)}: ${errorText(error)}`;
      const problem: SpecProblem = {
        field: submitTarget(swf),
        rule: errorText(error),
        reason: SUBMIT_FAILED_REASON,
      };
      this.#deps.events.warning(swf, EventReason.Failed, `Transient failure: ${message}`);
      await this.#writeStatus(swf, { ...notSubmitted, error: problem }, log).catch((e: unknown) =>
        log.warn({ err: errorText(e) }, 'could not record the failure in the status'),
      );
      throw new Error(message);
    }
    this.#deps.onSubmitStep?.('after-submit');
    this.#observeLateness(swf, scheduledEpoch, nowMs);

    const after = nextScheduledEpoch(withLastTriggered(swf, scheduledEpoch), 0, this.#deps.zone);
    await this.#writeStatus(
      swf,
      { ...base, submitted: true, scheduledEpoch, nextScheduledEpochAfterSubmit: after },
      log,
    );
    this.#deps.onSubmitStep?.('after-status');
    // Catch-up: a next fire time already past is run right away.
    return { requeueAtMs: after === null ? null : Math.max(after * 1000, nowMs) };
  }

  async #submit(
    swf: ScheduledWorkflow,
    scheduledEpoch: number,
    nowEpoch: number,
    log: Logger,
  ): Promise<void> {
    const { namespace = '' } = swf.metadata;
    const runName = nextResourceName(swf);
    const started = performance.now();
    const operation = (status: 'ok' | 'error') =>
      this.#deps.metrics.operationDuration.observe(
        { operation: 'swfsubmit', status },
        (performance.now() - started) / 1000,
      );
    try {
      if (embedsSpec(swf)) {
        if (shouldBlockV1(swf, this.#deps.v1Block)) {
          throw new ScheduledWorkflowSpecError(
            'spec.workflow.spec',
            `namespace ${namespace} is not allowed to run v1 pipelines; please migrate to KFP v2 pipelines`,
          );
        }
        const workflow = buildWorkflow(swf, { scheduledEpoch, nowEpoch, runUuid: this.#newRunId() });
        const outcome = await this.#deps.kubeApi.createWorkflow(namespace, workflow);
        this.#deps.metrics.submissions.inc({ path: 'workflow', outcome });
        log.info(
          { run: runName, scheduledAt: formatKubeTime(scheduledEpoch), outcome },
          'workflow submitted',
        );
      } else {
        const request = CreateRunRequest.fromPartial(buildRunRequest(swf));
        const run = await this.#deps.runs.createRun(request);
        this.#deps.metrics.submissions.inc({ path: 'create_run', outcome: 'created' });
        log.info(
          { run: runName, runId: run.runId, scheduledAt: formatKubeTime(scheduledEpoch) },
          'run created',
        );
      }
      operation('ok');
    } catch (error) {
      operation('error');
      throw error;
    }
    this.#deps.events.normal(
      swf,
      EventReason.Synced,
      `submitted run ${runName} scheduled at ${formatKubeTime(scheduledEpoch)}`,
    );
  }

  /** Records a spec that cannot run: `Error` condition, a Warning event, no retry until it changes. */
  async #invalid(
    swf: ScheduledWorkflow,
    error: ScheduleError | ScheduledWorkflowSpecError,
    inputs: StatusInputs,
    log: Logger,
  ): Promise<ReconcileResult> {
    log.warn({ field: error.field, rule: error.rule }, 'invalid ScheduledWorkflow; waiting for it to change');
    this.#deps.events.warning(
      swf,
      EventReason.InvalidSpec,
      `Permanent failure: ${error.field}: ${error.rule}`,
    );
    await this.#writeStatus(swf, { ...inputs, error: { field: error.field, rule: error.rule } }, log);
    return {};
  }

  /** Writes status and labels when they changed; on a conflict, recomputes from a fresh read. */
  async #writeStatus(swf: ScheduledWorkflow, inputs: StatusInputs, log: Logger): Promise<void> {
    const { namespace = '', name = '' } = swf.metadata;
    let current = swf;
    for (let attempt = 0; ; attempt++) {
      const { status, labels } = computeStatus(current, inputs);
      if (!statusChanged(current, status, labels)) return;
      const started = performance.now();
      try {
        const written = await this.#deps.kubeApi.replaceScheduledWorkflow({
          ...current,
          metadata: { ...current.metadata, labels },
          status,
        });
        this.#deps.metrics.operationDuration.observe(
          { operation: 'swfupdate', status: 'ok' },
          (performance.now() - started) / 1000,
        );
        this.#deps.caches.wrote(written);
        return;
      } catch (error) {
        this.#deps.metrics.operationDuration.observe(
          { operation: 'swfupdate', status: 'error' },
          (performance.now() - started) / 1000,
        );
        if (statusCode(error) !== 409 || attempt >= CONFLICT_RETRIES) throw error;
        log.debug({ attempt }, 'conflict writing status; retrying from a fresh read');
        current = await this.#deps.kubeApi.getScheduledWorkflow(namespace, name);
        // Another writer (or a previous attempt whose answer was lost) already recorded this run.
        if (inputs.submitted && lastIndex(current) > lastIndex(swf)) return;
      }
    }
  }

  #observeLateness(swf: ScheduledWorkflow, scheduledEpoch: number, nowMs: number): void {
    const path = embedsSpec(swf) ? 'workflow' : 'create_run';
    this.#deps.metrics.triggerLateness.observe({ path }, Math.max(0, nowMs / 1000 - scheduledEpoch));
  }
}

function embedsSpec(swf: ScheduledWorkflow): boolean {
  const spec = swf.spec.workflow?.spec;
  return spec !== undefined && spec !== null;
}

function submitTarget(swf: ScheduledWorkflow): string {
  return embedsSpec(swf) ? 'argoproj.io/v1alpha1 Workflow create' : 'RunService.CreateRun';
}

function withLastTriggered(swf: ScheduledWorkflow, epoch: number): ScheduledWorkflow {
  return {
    ...swf,
    status: { ...swf.status, trigger: { ...swf.status?.trigger, lastTriggeredTime: formatKubeTime(epoch) } },
  };
}
