import { status } from '@grpc/grpc-js';

/**
 * gRPC codes after which a `CreateRun` may or may not have made its run: the client gave up
 * (deadline) or the call was cancelled, but the server may still be working on it. Every other
 * code is an answer (the server refused, or was never reached: a connection refused is
 * UNAVAILABLE before anything was sent).
 */
const UNKNOWN_OUTCOME_CODES: ReadonlySet<number> = new Set([status.DEADLINE_EXCEEDED, status.CANCELLED]);

/** True when `error` is a gRPC failure that leaves the call's outcome unknown. */
export function isUnknownOutcome(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && UNKNOWN_OUTCOME_CODES.has(code);
}

/**
 * Runs whose last `CreateRun` ended without an answer, and until when no new call may start for
 * them.
 *
 * The KFP API server keeps working on a call its client gave up on, and creates the run's Workflow
 * before it stores the run; its de-duplication (same recurring run, same display name) only sees
 * stored runs. A second call while the first is still being served therefore starts the pipeline
 * twice. So after an unknown outcome the controller waits: for the Workflow to appear (then the run
 * is recorded without a call), or for the grace period to pass with none. The grace period is at
 * least one more deadline: a server slow enough to miss the first deadline gets as long again to
 * finish before the controller concludes that nothing was made.
 */
export class UnknownOutcomes {
  readonly #graceMs: number;
  readonly #until = new Map<string, number>();

  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /**
   * Records that the call for `run` ended at `nowMs` without an answer. Forgets the runs whose
   * grace period is over, which nothing would ask about again if their resource was deleted.
   */
  record(run: string, nowMs: number): void {
    for (const [other, until] of this.#until) if (nowMs >= until) this.#until.delete(other);
    this.#until.set(run, nowMs + this.#graceMs);
  }

  /** Runs recorded whose grace period has not been seen to end. */
  get size(): number {
    return this.#until.size;
  }

  /** When a new call for `run` may start (epoch ms), or null when it may start now. */
  waitUntil(run: string, nowMs: number): number | null {
    const until = this.#until.get(run);
    if (until === undefined) return null;
    if (nowMs >= until) {
      this.#until.delete(run);
      return null;
    }
    return until;
  }

  /** The run's outcome is known (its Workflow appeared, or a call was answered): forget it. */
  resolve(run: string): void {
    this.#until.delete(run);
  }
}
