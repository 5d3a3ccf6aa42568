/**
 * What one reconcile of a ScheduledWorkflow does, decided without I/O: from the object, its
 * Workflows, the time and the controller's zone. The reconciler carries the plan out; `swf-controller
 * next` prints it.
 */

import { formatKubeTime } from '@swf/go-time';
import { readAnnotations } from './annotations.js';
import type { ArgoWorkflow } from './argo.js';
import { ScheduledWorkflowSpecError } from './errors.js';
import { isCompleted, workflowRuns } from './history.js';
import { nextIndex } from './names.js';
import {
  decideSchedule,
  nextScheduledEpoch,
  type ScheduleDecision,
  ScheduleError,
  type SkippedTicks,
  type Zone,
} from './schedule/index.js';
import type { StatusInputs } from './status.js';
import type { ScheduledWorkflow } from './types.js';
import { planNextRun, type RunsBeyond, type UnrecordedRun } from './unrecorded-runs.js';

/** Ticks one reconcile skips past the starting deadline, and that deadline. */
export interface SkipReport {
  readonly ticks: SkippedTicks;
  readonly deadlineSeconds: number;
}

/** When to reconcile again: at once, at an epoch second (or at once if it is past), or only on events. */
export type Requeue = 'now' | number | null;

/** What every plan but `invalid` carries. */
interface Decided {
  /** What the schedule code decided. */
  readonly decision: ScheduleDecision;
  /** The zone its cron is read in: its `time-zone` annotation's, else the controller's. */
  readonly zone: Zone;
  /** Ticks skipped past the starting deadline, reported once the write that records them is made. */
  readonly skips: SkipReport | null;
  /** The status as it stands when no run starts in this reconcile. */
  readonly status: StatusInputs;
}

/** What one reconcile does. */
export type ReconcilePlan =
  /** The resource cannot run: condition `Error`, a Warning, nothing until it changes. */
  | {
      readonly kind: 'invalid';
      readonly error: ScheduleError | ScheduledWorkflowSpecError;
      /** The status to write with the error. */
      readonly status: StatusInputs;
    }
  /**
   * Runs exist beyond the status, none of them the run due: the index moves past them in a write of
   * its own, with a Warning, before any run starts.
   */
  | (Decided & { readonly kind: 'move-past'; readonly beyond: RunsBeyond; readonly requeue: Requeue })
  /** No run now: the status is brought up to date, and the resource waits for its next tick. */
  | (Decided & {
      readonly kind: 'wait';
      readonly requeue: Requeue;
      /** The resource waits for a tick of the latest-version path: its experiment can be read now. */
      readonly waitsForTick: boolean;
    })
  /** A run starts (or, made already, is recorded). */
  | (Decided & {
      readonly kind: 'start';
      /** The resource as seen from the index below the run's (its next run is the run). */
      readonly run: ScheduledWorkflow;
      /** The run's Workflow, when it was made already: recorded, not started again. */
      readonly made: UnrecordedRun | null;
      /** A status found behind its Workflows, reported with the run adopted. */
      readonly adopted: RunsBeyond | null;
      /** The `run-now` value the run honours, null for a scheduled run. */
      readonly runNow: string | null;
      /** The run's scheduled second: its tick, or now for a `run-now` run. */
      readonly runEpoch: number;
      /** The status once the run is recorded, but for its history (read after the run starts). */
      readonly recorded: Omit<StatusInputs, 'active' | 'completed'>;
      /** When to reconcile again once the run is recorded. */
      readonly requeue: Requeue;
    });

/**
 * The plan for `swf` at `nowEpoch`: reads its annotations, finds the runs its status does not
 * record ({@link planNextRun}), decides the schedule, and says what to start, record or write.
 *
 * - A run found made for the run due is recorded (`start` with `made`); runs found that are not
 *   that run are moved past first (`move-past`), unless the run due is held back (maxConcurrency,
 *   disabled), which leaves them until its turn.
 * - A pending `run-now` value starts a run at once, whatever the schedule says; a tick due as well
 *   follows in the next pass. It leaves the schedule where it was.
 * - Ticks past the starting deadline are skipped by whichever status write the plan makes.
 */
export function planReconcile(
  swf: ScheduledWorkflow,
  workflows: readonly ArgoWorkflow[],
  inputs: {
    readonly nowEpoch: number;
    /** The controller's zone (`CRON_SCHEDULE_TIMEZONE`). */
    readonly zone: Zone;
    /** Runs counted as active besides those among `workflows` (`swf-controller next --active`). @default 0 */
    readonly alsoActive?: number;
  },
): ReconcilePlan {
  const { nowEpoch } = inputs;
  const runs = workflowRuns(swf, workflows);
  const history = { active: runs.active, completed: runs.completed };
  let annotations: ReturnType<typeof readAnnotations>;
  let next: ReturnType<typeof planNextRun>;
  let decision: ScheduleDecision;
  let zone: Zone;
  try {
    annotations = readAnnotations(swf);
    zone = annotations.zone ?? inputs.zone;
    next = planNextRun(swf, workflows, {
      nowEpoch,
      zone,
      startingDeadlineSeconds: annotations.startingDeadlineSeconds,
      runNow: annotations.pendingRunNow,
    });
    // The run being decided, made already, does not hold itself back under maxConcurrency.
    const madeActive = next.plan.kind === 'adopt' && !isCompleted(next.plan.run.workflow);
    decision = decideSchedule(swf, {
      nowEpoch,
      zone,
      startingDeadlineSeconds: next.startingDeadlineSeconds,
      activeWorkflowCount: runs.active.length + (inputs.alsoActive ?? 0) - (madeActive ? 1 : 0),
    });
  } catch (error) {
    if (!(error instanceof ScheduleError || error instanceof ScheduledWorkflowSpecError)) throw error;
    const status = {
      ...history,
      submitted: false,
      scheduledEpoch: null,
      nextScheduledEpochAfterSubmit: null,
    };
    return { kind: 'invalid', error, status };
  }

  const scheduledEpoch = decision.nextScheduledEpoch;
  const runNow = annotations.pendingRunNow;
  const skips = decision.skipped
    ? { ticks: decision.skipped, deadlineSeconds: annotations.startingDeadlineSeconds ?? 0 }
    : null;
  const status: StatusInputs = {
    ...history,
    ...(skips && { skippedThroughEpoch: skips.ticks.lastEpoch }),
    submitted: false,
    scheduledEpoch,
    nextScheduledEpochAfterSubmit: null,
  };
  const base = { decision, skips, status, zone };
  const starts = runNow !== null || (decision.shouldRunNow && scheduledEpoch !== null);
  const waits = swf.spec.enabled === true && scheduledEpoch !== null && scheduledEpoch > nowEpoch;
  const { plan, intent } = next;
  // With nothing due, no run found can be a due run's: they are moved past at once.
  if (plan.kind === 'move-past' && (starts || intent === null)) {
    return {
      ...base,
      kind: 'move-past',
      beyond: plan.beyond,
      requeue: starts ? 'now' : waits ? scheduledEpoch : null,
    };
  }
  if (!starts) {
    // More late ticks than one decision skips: the next pass skips on from the last one.
    const more = skips?.ticks.more === true;
    return {
      ...base,
      kind: 'wait',
      requeue: more ? 'now' : waits ? scheduledEpoch : null,
      waitsForTick: !more && waits,
    };
  }

  const runEpoch = runNow === null ? (scheduledEpoch as number) : nowEpoch;
  const made = plan.kind === 'adopt' ? plan.run : null;
  // A run adopted above the next index passes over the runs under it, which are not this one.
  const run =
    made && made.index > nextIndex(swf) ? withTrigger(swf, { lastWorkflowIndex: made.index - 1 }) : swf;
  // A run-now run leaves the schedule where it was: its next tick is the one just decided.
  const after =
    runNow === null
      ? nextScheduledEpoch(withTrigger(swf, { lastTriggeredTime: formatKubeTime(runEpoch) }), 0, zone)
      : scheduledEpoch;
  return {
    ...base,
    kind: 'start',
    run,
    made,
    adopted: plan.kind === 'adopt' ? plan.beyond : null,
    runNow,
    runEpoch,
    recorded: {
      ...(skips && { skippedThroughEpoch: skips.ticks.lastEpoch }),
      submitted: true,
      scheduledEpoch: runEpoch,
      nextScheduledEpochAfterSubmit: after,
      ...(runNow !== null && { runNow }),
      ...(made && { runIndex: made.index }),
    },
    // Catch-up: a next fire time already past is run right away (a disabled schedule has none).
    requeue: after !== null && swf.spec.enabled === true ? after : null,
  };
}

/** `swf` with some of its trigger status replaced. */
function withTrigger(
  swf: ScheduledWorkflow,
  trigger: NonNullable<NonNullable<ScheduledWorkflow['status']>['trigger']>,
): ScheduledWorkflow {
  return { ...swf, status: { ...swf.status, trigger: { ...swf.status?.trigger, ...trigger } } };
}
