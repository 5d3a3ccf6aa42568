/**
 * Runs of a ScheduledWorkflow that its status does not record yet (Workflows at or above the next
 * index), and what the next run does about them.
 *
 * Normally there is at most one: a crash after a run's Workflow was made and before the status
 * write that records it leaves that Workflow under the next index (a run only starts once the one
 * before it is recorded). The CRD has no status subresource, so a restore from an older backup or a
 * `kubectl replace` of an old copy also sets `status.trigger` back while the later Workflows stay.
 * Upstream then adopts whatever holds the next run's name, so each new tick records an older tick's
 * run as its own and never runs. Here a Workflow counts as the run being decided only when it is
 * that run (its tick, or its `run-now` value, says so); otherwise the index moves past every run
 * found before the next run starts, and the decision's run starts under a fresh index.
 */

import type { ArgoWorkflow } from './argo.js';
import { isRunOf, parseLabelInteger, runIndexOf } from './history.js';
import { ANNOTATION_RUN_NAME, ANNOTATION_WORKFLOW_RUN_NOW, LABEL_WORKFLOW_EPOCH } from './labels.js';
import { lastIndex, nextIndex } from './names.js';
import { decideSchedule, type ScheduleInputs } from './schedule/schedule.js';
import { parseOptionalRfc3339 } from './schedule/times.js';
import type { ScheduledWorkflow } from './types.js';

/**
 * How far behind the controller's clock the KFP API server's may run (its `workflowEpoch` is the
 * second it created the run). A run created up to this long before its tick still counts as that
 * tick's run: mistaking a retry's run for an older one would start the tick twice.
 */
export const CLOCK_SKEW_SECONDS = 2;

/** The run a reconcile is about to start: a schedule tick, or the extra run of a `run-now` value. */
export type RunIntent =
  | { readonly kind: 'tick'; readonly epoch: number }
  | { readonly kind: 'run-now'; readonly value: string };

/** A run of the ScheduledWorkflow at or above its next index. */
export interface UnrecordedRun {
  readonly workflow: ArgoWorkflow;
  readonly index: number;
}

/** Runs found beyond what the status records, none of them (or not only) the run being decided. */
export interface RunsBeyond {
  /** `status.trigger.lastWorkflowIndex` as found. */
  readonly recordedIndex: number;
  /** The highest index among the runs found: the index moves to it. */
  readonly throughIndex: number;
  /** How many runs were found beyond the status. */
  readonly count: number;
  /**
   * The latest tick among the runs found whose tick is known (the controller's own Workflows of
   * scheduled runs), when it is after the last triggered time; else null. The last triggered time
   * moves to it, so a tick that ran is not run again.
   */
  readonly throughEpoch: number | null;
}

/** What to do about the runs the status does not record, before the next run starts. */
export type RunPlan =
  /** None found: the run starts under the next index. */
  | { readonly kind: 'start' }
  /** The run being decided was made already (`run`): it is recorded, not started again. */
  | { readonly kind: 'adopt'; readonly run: UnrecordedRun; readonly beyond: RunsBeyond | null }
  /** Runs found, none of them the run being decided: the index moves past them first. */
  | { readonly kind: 'move-past'; readonly beyond: RunsBeyond };

/**
 * The runs of `swf` ({@link isRunOf}: not a deleted namesake's) among `workflows` at or above its
 * next index, lowest index first.
 */
export function unrecordedRuns(swf: ScheduledWorkflow, workflows: Iterable<ArgoWorkflow>): UnrecordedRun[] {
  const next = nextIndex(swf);
  const found: UnrecordedRun[] = [];
  for (const workflow of workflows) {
    if (!isRunOf(swf, workflow)) continue;
    const index = runIndexOf(swf, workflow);
    if (index !== undefined && index >= next) found.push({ workflow, index });
  }
  return found.sort(
    (a, b) =>
      a.index - b.index || (a.workflow.metadata.name ?? '').localeCompare(b.workflow.metadata.name ?? ''),
  );
}

/**
 * Whether the KFP API server made `workflow` in `CreateRun` (it annotates it with the run's display
 * name). Its `workflowEpoch` label is then the second it was created, not the run's tick.
 */
function madeByApiServer(workflow: ArgoWorkflow): boolean {
  return workflow.metadata.annotations?.[ANNOTATION_RUN_NAME] !== undefined;
}

/** The second `workflow` was created: the API server's `workflowEpoch`, else its creation time. */
function createdEpoch(workflow: ArgoWorkflow): number | undefined {
  const labelled = parseLabelInteger(workflow.metadata.labels?.[LABEL_WORKFLOW_EPOCH]);
  if (labelled !== undefined) return labelled;
  const ms = Date.parse(workflow.metadata.creationTimestamp ?? '');
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Whether a run created at `createdEpoch` (seconds; undefined when unknown) can be the run of the
 * tick at `tickEpoch`: no run starts before its tick, so one created earlier (beyond the clock skew
 * allowed) is an older tick's. Unknown counts as this tick's: never start a run twice.
 */
export function createdForTick(createdEpoch: number | undefined, tickEpoch: number): boolean {
  return createdEpoch === undefined || createdEpoch >= tickEpoch - CLOCK_SKEW_SECONDS;
}

/**
 * Whether `run` is the run `intent` asks for.
 *
 * - The controller's own Workflows: a tick's run carries the tick as its `workflowEpoch`; a
 *   `run-now` run carries the value it honours ({@link ANNOTATION_WORKFLOW_RUN_NOW}), since its
 *   epoch is the time it started, which a retry cannot know.
 * - The API server's: the epoch is when it was created, so a tick's run is one created at or after
 *   the tick ({@link createdForTick}). A `run-now` run has nothing of its own there; it is the one
 *   under the next index, since a pending `run-now` goes ahead of every tick.
 */
function isRunFor(swf: ScheduledWorkflow, run: UnrecordedRun, intent: RunIntent): boolean {
  const { workflow } = run;
  const runNow = workflow.metadata.annotations?.[ANNOTATION_WORKFLOW_RUN_NOW];
  if (madeByApiServer(workflow)) {
    return intent.kind === 'tick'
      ? createdForTick(createdEpoch(workflow), intent.epoch)
      : run.index === nextIndex(swf);
  }
  if (intent.kind === 'run-now') return runNow === intent.value;
  return (
    runNow === undefined &&
    parseLabelInteger(workflow.metadata.labels?.[LABEL_WORKFLOW_EPOCH]) === intent.epoch
  );
}

/** The latest known tick among `runs` after the last triggered time of `swf`, else null. */
function latestTick(swf: ScheduledWorkflow, runs: readonly UnrecordedRun[]): number | null {
  const last = parseOptionalRfc3339(
    swf.status?.trigger?.lastTriggeredTime,
    'status.trigger.lastTriggeredTime',
  );
  let latest: number | null = null;
  for (const { workflow } of runs) {
    if (
      madeByApiServer(workflow) ||
      workflow.metadata.annotations?.[ANNOTATION_WORKFLOW_RUN_NOW] !== undefined
    )
      continue;
    const epoch = parseLabelInteger(workflow.metadata.labels?.[LABEL_WORKFLOW_EPOCH]);
    if (epoch !== undefined && (last === undefined || epoch > last) && (latest === null || epoch > latest))
      latest = epoch;
  }
  return latest;
}

function beyond(swf: ScheduledWorkflow, runs: readonly UnrecordedRun[]): RunsBeyond {
  return {
    recordedIndex: lastIndex(swf),
    throughIndex: Math.max(...runs.map((run) => run.index)),
    count: runs.length,
    throughEpoch: latestTick(swf, runs),
  };
}

/**
 * What the next run of `swf` does about its `unrecorded` runs ({@link unrecordedRuns}).
 *
 * `intent` is the run about to start, or null when nothing is due (then none of the runs found can
 * be a due run's, and the index moves past them at once). The lowest-indexed run that is the
 * intended one is adopted (its index recorded); with none, the index moves past all of them. One
 * run, at the next index, and adopted is the crash case; anything else means the status was behind
 * its Workflows, and `beyond` says how far.
 */
export function planRun(
  swf: ScheduledWorkflow,
  unrecorded: readonly UnrecordedRun[],
  intent: RunIntent | null,
): RunPlan {
  if (unrecorded.length === 0) return { kind: 'start' };
  const mine = intent === null ? undefined : unrecorded.find((run) => isRunFor(swf, run, intent));
  if (mine === undefined) return { kind: 'move-past', beyond: beyond(swf, unrecorded) };
  const crash = unrecorded.length === 1 && mine.index === nextIndex(swf);
  return { kind: 'adopt', run: mine, beyond: crash ? null : beyond(swf, unrecorded) };
}

/** What {@link planNextRun} needs besides the resource and its Workflows. */
export interface NextRunInputs extends Omit<ScheduleInputs, 'activeWorkflowCount'> {
  /** The resource's `run-now` value not honoured yet, null for none. */
  readonly runNow: string | null;
}

/** {@link planNextRun}'s answer. */
export interface NextRunPlan {
  /** What to do about the runs found beyond the status. */
  readonly plan: RunPlan;
  /** The run judged against: the `run-now` run, the tick due, or null when nothing is due. */
  readonly intent: RunIntent | null;
  /**
   * The starting deadline the schedule is to be decided with: the resource's, or null when the
   * run adopted is that of a tick older than it (made in time, before a crash; never skipped).
   */
  readonly startingDeadlineSeconds: number | null;
}

/**
 * The plan for the runs of `swf` among `workflows` that its status does not record
 * ({@link unrecordedRuns}, {@link planRun}), judged against the run about to start: the pending
 * `run-now` value, else the tick due as if nothing held it back (a run of it found made is not one
 * that holds it back under maxConcurrency). With a starting deadline, the tick due within it comes
 * first; a run found made for the oldest tick due regardless (started in time, before a crash that
 * outlived the deadline) is adopted for that tick, and the schedule is decided without the deadline.
 *
 * @throws ScheduleError as {@link decideSchedule} does.
 */
export function planNextRun(
  swf: ScheduledWorkflow,
  workflows: Iterable<ArgoWorkflow>,
  inputs: NextRunInputs,
): NextRunPlan {
  const deadline = inputs.startingDeadlineSeconds ?? null;
  const unrecorded = unrecordedRuns(swf, workflows);
  if (unrecorded.length === 0)
    return { plan: { kind: 'start' }, intent: null, startingDeadlineSeconds: deadline };
  if (inputs.runNow !== null) {
    const intent: RunIntent = { kind: 'run-now', value: inputs.runNow };
    return { plan: planRun(swf, unrecorded, intent), intent, startingDeadlineSeconds: deadline };
  }
  const dueTick = (startingDeadlineSeconds: number | null): RunIntent | null => {
    const due = decideSchedule(swf, {
      ...inputs,
      startingDeadlineSeconds,
      activeWorkflowCount: 0,
    }).nextScheduledEpoch;
    return due !== null && due <= inputs.nowEpoch ? { kind: 'tick', epoch: due } : null;
  };
  const intent = dueTick(deadline);
  const plan = planRun(swf, unrecorded, intent);
  if (plan.kind === 'adopt' || deadline === null) return { plan, intent, startingDeadlineSeconds: deadline };
  const oldest = dueTick(null);
  const late = oldest && planRun(swf, unrecorded, oldest);
  return late?.kind === 'adopt'
    ? { plan: late, intent: oldest, startingDeadlineSeconds: null }
    : { plan, intent, startingDeadlineSeconds: deadline };
}

/**
 * The Warning that says the status was behind its Workflows (`found`), and what the controller does:
 * records each run found for its tick as that tick's (`adopt`, worded without the count, which
 * falls at each run recorded, so that one event covers a status catching up run by run), or moves
 * the index past them (`move-past`).
 */
export function behindMessage(found: RunsBeyond, does: RunPlan['kind']): string {
  const head = `status.trigger is behind this ScheduledWorkflow's Workflows, as after a restore or replace of an older copy of the object:`;
  if (does === 'adopt') {
    return `${head} runs up to index ${found.throughIndex} exist beyond status.trigger.lastWorkflowIndex; each run found made for its tick is recorded as that tick's run`;
  }
  const what =
    found.count === 1
      ? `a run with index ${found.throughIndex} exists`
      : `${found.count} runs up to index ${found.throughIndex} exist`;
  return `${head} ${what} beyond status.trigger.lastWorkflowIndex ${found.recordedIndex}, none of them the run due; the index moves past them and the next run gets index ${found.throughIndex + 1}`;
}
