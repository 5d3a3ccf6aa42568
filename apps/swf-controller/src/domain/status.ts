/**
 * The status and labels a reconcile leaves on a ScheduledWorkflow, as upstream's `UpdateStatus` and
 * `getStatusAndMessage` (`crd/controller/scheduledworkflow/util/scheduled_workflow.go`), plus an
 * `Error` condition for specs that cannot start a run.
 */

import { formatKubeTime } from '@swf/go-time';
import { withRunNowHonoured } from './annotations.js';
import { LABEL_SCHEDULED_WORKFLOW_ENABLED, LABEL_SCHEDULED_WORKFLOW_STATUS } from './labels.js';
import { nextIndex } from './names.js';
import type {
  ConditionType,
  ScheduledWorkflow,
  ScheduledWorkflowCondition,
  ScheduledWorkflowStatus,
  TriggerStatus,
  WorkflowStatus,
} from './types.js';

/** Condition messages, word for word as upstream. */
export const CONDITION_MESSAGES = {
  Enabled: 'The schedule is enabled.',
  Disabled: 'The schedule is disabled.',
  Running: 'The one-off schedule is running.',
  Succeeded: 'The one-off schedule has succeeded.',
} as const;

/** Reason of the `Error` condition: the spec breaks a rule and must be edited. */
export const INVALID_SPEC_REASON = 'InvalidSpec';

/** A rule the spec breaks, e.g. a caught `ScheduledWorkflowSpecError`. */
export interface SpecProblem {
  /** Path of the offending field. */
  readonly field: string;
  /** The rule broken, in words. */
  readonly rule: string;
  /** Condition reason. @default INVALID_SPEC_REASON */
  readonly reason?: string;
}

/** What one reconcile found and did. */
export interface StatusInputs {
  /** Whether a run was started (or found already started) in this reconcile. */
  readonly submitted: boolean;
  /** The fire time decided in this reconcile, null when the schedule never fires again. */
  readonly scheduledEpoch: number | null;
  /** When a run was submitted: the next fire time after it, null for never. Ignored otherwise. */
  readonly nextScheduledEpochAfterSubmit: number | null;
  readonly active: readonly WorkflowStatus[];
  readonly completed: readonly WorkflowStatus[];
  /** Set when the spec cannot start a run; the condition becomes `Error`. */
  readonly error?: SpecProblem;
  /**
   * Ticks up to this epoch were skipped in this reconcile (starting deadline): the last triggered
   * time moves to it unless a scheduled run was started after it, so they are not considered again.
   */
  readonly skippedThroughEpoch?: number;
  /**
   * The run started (`submitted`) was the extra run this `run-now` value asked for: the index
   * advances, the value is recorded as honoured, and the schedule's trigger times stay as they are.
   */
  readonly runNow?: string;
  /**
   * The index of the run `submitted`, when it is not the next one: a run found made above it (the
   * status was behind its Workflows). @default nextIndex(swf)
   */
  readonly runIndex?: number;
  /**
   * Runs found beyond the status, none of them this reconcile's, with nothing `submitted`: the index
   * moves to the highest of them (never back), and the last triggered time to the latest tick among
   * them when one is known, so neither their indexes nor their ticks are used again.
   */
  readonly runsBeyond?: { readonly throughIndex: number; readonly throughEpoch: number | null };
}

/** The new status and the full new label and annotation sets of the ScheduledWorkflow. */
export interface ComputedStatus {
  status: ScheduledWorkflowStatus;
  labels: Record<string, string>;
  /** Changed only to record a `run-now` value honoured; otherwise the resource's own (possibly none). */
  annotations?: Record<string, string>;
}

/** Go's zero `time.Time` in Unix seconds: where runs without a scheduled time sort. */
const GO_ZERO_TIME_EPOCH = -62_135_596_800;

function isOneOff(swf: ScheduledWorkflow): boolean {
  const trigger = swf.spec.trigger;
  return !trigger?.cronSchedule && !trigger?.periodicSchedule;
}

function condition(
  swf: ScheduledWorkflow,
  activeCount: number,
  error?: SpecProblem,
): ScheduledWorkflowCondition {
  if (error) {
    return {
      type: 'Error',
      status: 'True',
      reason: error.reason ?? INVALID_SPEC_REASON,
      message: `${error.field}: ${error.rule}`,
    };
  }
  let type: Exclude<ConditionType, 'Error'>;
  if (isOneOff(swf)) {
    // Read before this reconcile's trigger update, as upstream does.
    const hasRun = Boolean(swf.status?.trigger?.lastTriggeredTime);
    type = hasRun && activeCount === 0 ? 'Succeeded' : 'Running';
  } else {
    type = swf.spec.enabled ? 'Enabled' : 'Disabled';
  }
  return { type, status: 'True', reason: type, message: CONDITION_MESSAGES[type] };
}

function scheduledSeconds(status: WorkflowStatus): number {
  const ms = status.scheduledAt ? Date.parse(status.scheduledAt) : Number.NaN;
  return Number.isNaN(ms) ? GO_ZERO_TIME_EPOCH : Math.floor(ms / 1000);
}

/** Latest scheduled first. */
function newestFirst(runs: readonly WorkflowStatus[]): WorkflowStatus[] {
  return [...runs].sort((a, b) => scheduledSeconds(b) - scheduledSeconds(a));
}

function trigger(swf: ScheduledWorkflow, inputs: StatusInputs): TriggerStatus {
  const previous = swf.status?.trigger ?? {};
  const { submitted, scheduledEpoch, nextScheduledEpochAfterSubmit, skippedThroughEpoch } = inputs;
  const scheduledRun = submitted && inputs.runNow === undefined;
  const beyond = submitted ? undefined : inputs.runsBeyond;
  // Both move the last triggered time forward only: skipped ticks and ticks found run.
  const passed = [skippedThroughEpoch, beyond?.throughEpoch].filter(
    (e): e is number => typeof e === 'number',
  );
  const lastTriggeredTime =
    scheduledRun && scheduledEpoch !== null
      ? formatKubeTime(scheduledEpoch)
      : passed.length > 0
        ? formatKubeTime(Math.max(...passed))
        : previous.lastTriggeredTime;
  const next = submitted ? nextScheduledEpochAfterSubmit : scheduledEpoch;
  const lastWorkflowIndex = submitted
    ? (inputs.runIndex ?? nextIndex(swf))
    : beyond
      ? Math.max(previous.lastWorkflowIndex ?? 0, beyond.throughIndex)
      : previous.lastWorkflowIndex;
  return {
    ...(lastTriggeredTime !== undefined && { lastTriggeredTime }),
    ...(next !== null && { nextTriggeredTime: formatKubeTime(next) }),
    ...(lastWorkflowIndex !== undefined && { lastWorkflowIndex }),
  };
}

/**
 * The status after a reconcile: one condition (`Enabled`/`Disabled` for schedules, `Running`/
 * `Succeeded` for one-off runs, `Error` when `inputs.error` is set), the history with the latest
 * scheduled run first, and the trigger. After a submission the trigger records the scheduled time
 * and the new index and points at the following fire time; otherwise it points at the scheduled time.
 * `nextTriggeredTime` is absent when the schedule never fires again. Ticks skipped past the starting
 * deadline move the last triggered time on; a `run-now` run advances only the index, and its value is
 * recorded in the annotations, in the same write, as honoured. Runs found beyond a status that was
 * behind them move the index (and the last triggered time) past them.
 *
 * Times are RFC 3339 in UTC to the second. Empty history lists are left out, as upstream writes them,
 * so the status should replace the stored one (update), not be merged into it.
 */
export function computeStatus(swf: ScheduledWorkflow, inputs: StatusInputs): ComputedStatus {
  const current = condition(swf, inputs.active.length, inputs.error);
  const active = newestFirst(inputs.active);
  const completed = newestFirst(inputs.completed);
  return {
    status: {
      conditions: [current],
      trigger: trigger(swf, inputs),
      workflowHistory: {
        ...(active.length > 0 && { active }),
        ...(completed.length > 0 && { completed }),
      },
    },
    labels: {
      ...swf.metadata.labels,
      [LABEL_SCHEDULED_WORKFLOW_ENABLED]: String(swf.spec.enabled === true),
      [LABEL_SCHEDULED_WORKFLOW_STATUS]: current.type ?? '',
    },
    annotations:
      inputs.submitted && inputs.runNow !== undefined
        ? withRunNowHonoured(swf.metadata.annotations, inputs.runNow)
        : swf.metadata.annotations,
  };
}

/**
 * A JSON value with object keys sorted and empty values (undefined, null, '', [], {}) dropped, so
 * that a status read back from the API server equals the one written whatever the key order and
 * whether empty fields were stored.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.keys(value)
    .sort()
    .map((key): [string, unknown] => [key, canonical((value as Record<string, unknown>)[key])])
    .filter(([, item]) => !isEmpty(item));
  return Object.fromEntries(entries);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function sameJson(a: unknown, b: unknown): boolean {
  const normal = (value: unknown): string => {
    const form = canonical(value);
    return isEmpty(form) ? 'null' : JSON.stringify(form);
  };
  return normal(a) === normal(b);
}

function sameLabels(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>>,
): boolean {
  const left = Object.entries(a ?? {});
  return (
    left.length === Object.keys(b).length &&
    left.every(([key, value]) => Object.hasOwn(b, key) && b[key] === value)
  );
}

/**
 * Whether `status` and `labels` are worth a write to `swf` at `nowEpoch`: its conditions, labels or
 * trigger differ, with two changes left for the next write that happens anyway.
 *
 * - The history alone. A Workflow appearing and then finishing would otherwise cost two more writes
 *   per run; the history is brought up to date with every write (each run started, each condition
 *   change), and the Workflows themselves are live in the cluster.
 * - `nextTriggeredTime` alone when it was due already and still is: a schedule held back by
 *   `maxConcurrency` with `noCatchup` moves it to the latest missed tick at every pass, which would be
 *   a write per resync for every blocked resource. A time in the future is always written.
 *
 * Upstream writes on conditions, history and labels; the trigger is compared here too, so that
 * `nextTriggeredTime` is right for every schedule that is waiting for its next tick.
 */
export function needsStatusWrite(
  swf: ScheduledWorkflow,
  status: ScheduledWorkflowStatus,
  labels: Readonly<Record<string, string>>,
  nowEpoch: number,
): boolean {
  const old = swf.status ?? {};
  if (!sameJson(old.conditions, status.conditions) || !sameLabels(swf.metadata.labels, labels)) return true;
  const before = old.trigger ?? {};
  const after = status.trigger ?? {};
  if (sameJson(before, after)) return false;
  const { nextTriggeredTime: beforeNext, ...beforeRest } = before;
  const { nextTriggeredTime: afterNext, ...afterRest } = after;
  if (!sameJson(beforeRest, afterRest)) return true;
  return !(isDue(beforeNext, nowEpoch) && isDue(afterNext, nowEpoch));
}

/** A time that has come (not after `nowEpoch`). */
function isDue(time: string | undefined, nowEpoch: number): boolean {
  if (time === undefined) return false;
  const ms = Date.parse(time);
  return !Number.isNaN(ms) && ms / 1000 <= nowEpoch;
}
