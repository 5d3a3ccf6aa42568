/** From the CreateRun calls the KFP API double saw to lateness and counts over a window. */
import type { FireTimes } from './schedules.js';
import { runIndexOf } from './schedules.js';

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
  /** Whether it created a run (not de-duplicated, not failed). */
  readonly created: boolean;
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
  }
  let expected = 0;
  for (const schedule of schedules.values()) expected += schedule.countIn(window.fromEpoch, window.toEpoch);
  return {
    expected,
    received: latenessMs.length,
    latenessMs,
    arrivalLatenessMs,
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
