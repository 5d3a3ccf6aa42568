/** From the CreateRun calls the KFP API double saw to lateness and counts over a window. */
import type { FireTimes } from './schedules.js';
import { runIndexOf } from './schedules.js';
import { type Summary, summarize } from './stats.js';

/** One CreateRun call, as much of it as the analysis needs. */
export interface ObservedCall {
  /** The run's display name, `<swf>-<index>-<hash>`. */
  readonly displayName: string;
  /** When the double answered it, epoch ms. */
  readonly at: number;
  /**
   * When the call reached the double, epoch ms (latest path only): the part of the lateness the
   * controller controls, before the API server's own work (review, Workflow, store).
   */
  readonly receivedAt?: number;
  /** When each step of the double's own work ended, epoch ms (latest path only). */
  readonly steps?: ServerStepTimes;
  /** Whether it created a run (not de-duplicated, not failed). */
  readonly created: boolean;
}

/** When the steps of the KFP API double's `CreateRun` ended, epoch ms; `null` for one not reached. */
export interface ServerStepTimes {
  readonly authorizedAt: number | null;
  readonly ownerFoundAt: number | null;
  readonly workflowCreatedAt: number | null;
}

/** The server's own work per `CreateRun`, step by step, in its order. */
export const SERVER_STEPS = ['review', 'ownerGet', 'workflowCreate', 'answer'] as const;
export type ServerStep = (typeof SERVER_STEPS)[number];

/**
 * How long each step of a call took at the double, ms: the identity and SubjectAccessReview, the
 * ScheduledWorkflow read, the Workflow create, then storing and answering; a step whose start or end
 * is unknown is left out.
 */
export function serverStepDurations(call: ObservedCall): Partial<Record<ServerStep, number>> {
  const { receivedAt, steps } = call;
  if (receivedAt === undefined || steps === undefined) return {};
  const marks = [receivedAt, steps.authorizedAt, steps.ownerFoundAt, steps.workflowCreatedAt, call.at];
  const durations: Partial<Record<ServerStep, number>> = {};
  SERVER_STEPS.forEach((step, index) => {
    const [from, to] = [marks[index], marks[index + 1]];
    if (from !== null && from !== undefined && to !== null && to !== undefined) durations[step] = to - from;
  });
  return durations;
}

/** A summary of each step of the double's work; `null` when no call had step times (embedded path). */
export type ServerStepSummaries = Readonly<Record<ServerStep, Summary | null>>;

export function serverStepSummaries(
  stepsMs: Readonly<Record<ServerStep, readonly number[]>>,
): ServerStepSummaries | null {
  if (SERVER_STEPS.every((step) => stepsMs[step].length === 0)) return null;
  return Object.fromEntries(
    SERVER_STEPS.map((step) => [step, summarize(stepsMs[step])]),
  ) as ServerStepSummaries;
}

/** The measured window, epoch seconds: fires due at or after `from` and before `to`. */
export interface Window {
  readonly fromEpoch: number;
  readonly toEpoch: number;
}

/** What happened to the fires due in the window. */
export interface WindowOutcome {
  /** Fires the schedules have in the window. */
  readonly expected: number;
  /** Of those, fires whose run was created (first call for its name). */
  readonly received: number;
  /** Answer time minus due time, ms, one per received fire. */
  readonly latenessMs: number[];
  /** Arrival time minus due time, ms, one per received fire whose arrival is known. */
  readonly arrivalLatenessMs: number[];
  /** Each step of the double's work, ms, one per received fire whose step times are known. */
  readonly serverStepsMs: Readonly<Record<ServerStep, number[]>>;
  /** Calls for a name already created (the double de-duplicated them) or that failed. */
  readonly repeatedOrFailed: number;
  /** CreateRun calls answered inside the window, whatever they were due for. */
  readonly answeredInWindow: number;
}

/** The ScheduledWorkflow name in a run name: everything before `-<index>-<hash>`. */
function ownerOf(displayName: string): string {
  return displayName.replace(/-[0-9]+-[0-9]+$/, '');
}

/**
 * Matches each call to the fire it was for (its run index counts the fires after the schedule's
 * start) and keeps those due in the window.
 *
 * @param schedules the fire times of each ScheduledWorkflow, by name.
 * @throws RangeError for a call whose name is not a run of a known ScheduledWorkflow.
 */
export function analyseWindow(
  calls: readonly ObservedCall[],
  schedules: ReadonlyMap<string, FireTimes>,
  window: Window,
): WindowOutcome {
  const latenessMs: number[] = [];
  const arrivalLatenessMs: number[] = [];
  const serverStepsMs: Record<ServerStep, number[]> = {
    review: [],
    ownerGet: [],
    workflowCreate: [],
    answer: [],
  };
  const seen = new Set<string>();
  let repeatedOrFailed = 0;
  let answeredInWindow = 0;
  for (const call of calls) {
    if (call.at >= window.fromEpoch * 1000 && call.at < window.toEpoch * 1000) answeredInWindow += 1;
    const schedule = schedules.get(ownerOf(call.displayName));
    if (!schedule)
      throw new RangeError(`run "${call.displayName}" belongs to no benchmark ScheduledWorkflow`);
    const due = schedule.due(runIndexOf(call.displayName));
    if (due < window.fromEpoch || due >= window.toEpoch) continue;
    if (!call.created || seen.has(call.displayName)) {
      repeatedOrFailed += 1;
      continue;
    }
    seen.add(call.displayName);
    latenessMs.push(call.at - due * 1000);
    if (call.receivedAt !== undefined) arrivalLatenessMs.push(call.receivedAt - due * 1000);
    for (const [step, ms] of Object.entries(serverStepDurations(call)) as [ServerStep, number][]) {
      serverStepsMs[step].push(ms);
    }
  }
  let expected = 0;
  for (const schedule of schedules.values()) expected += schedule.countIn(window.fromEpoch, window.toEpoch);
  return {
    expected,
    received: latenessMs.length,
    latenessMs,
    arrivalLatenessMs,
    serverStepsMs,
    repeatedOrFailed,
    answeredInWindow,
  };
}

/** A change to one named object, and when it was seen, epoch ms. */
export interface NamedChange {
  readonly name: string;
  readonly at: number;
}

/**
 * How many of `changes`, seen in the window, concern objects of each kind, by `kindOf` their name;
 * every kind of `kinds` appears, with 0 when none did, and names of no kind are left out.
 */
export function countByKind<K extends string>(
  changes: readonly NamedChange[],
  kindOf: ReadonlyMap<string, K>,
  kinds: readonly K[],
  window: Window,
): Record<K, number> {
  const counts = Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<K, number>;
  for (const change of changes) {
    const kind = kindOf.get(change.name);
    if (kind === undefined || change.at < window.fromEpoch * 1000 || change.at >= window.toEpoch * 1000)
      continue;
    counts[kind] += 1;
  }
  return counts;
}
