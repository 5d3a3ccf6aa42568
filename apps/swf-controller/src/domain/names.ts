/**
 * Run indexes and the deterministic name of the next run, as upstream
 * (`util/scheduled_workflow.go`: lastIndex, nextIndex, MinIndex, NextResourceName). The name is how
 * a restarted controller recognises a run it already started, so it must match upstream exactly.
 */

import { maxHistory } from './schedule/schedule.js';
import type { ScheduledWorkflow } from './types.js';

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** 32-bit FNV-1a hash of the UTF-8 bytes of `text` (Go's `hash/fnv.New32a`). */
export function fnv32a(text: string): number {
  let hash = FNV32_OFFSET_BASIS;
  for (const byte of utf8.encode(text)) {
    hash = Math.imul(hash ^ byte, FNV32_PRIME) >>> 0;
  }
  return hash;
}

/** Index of the last run started, 0 before the first. */
export function lastIndex(swf: ScheduledWorkflow): number {
  return swf.status?.trigger?.lastWorkflowIndex ?? 0;
}

/** Index the next run gets (1 for the first). */
export function nextIndex(swf: ScheduledWorkflow): number {
  return lastIndex(swf) + 1;
}

/** Completed runs with an index above this one appear in the history. */
export function minIndex(swf: ScheduledWorkflow): number {
  return Math.max(0, lastIndex(swf) - maxHistory(swf));
}

/**
 * Name of the next run: `<name>-<index>-<FNV-32a of "<name>-<index>">`. It names the Argo Workflow
 * (embedded spec) or is the run's display name in CreateRun, which the API server de-duplicates on.
 */
export function nextResourceName(swf: ScheduledWorkflow): string {
  const id = `${swf.metadata.name ?? ''}-${nextIndex(swf)}`;
  return `${id}-${fnv32a(id)}`;
}
