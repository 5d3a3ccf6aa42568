import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';
import { statusCode } from './kube-api.js';

/** How often the API server is asked whether it answers. */
export const PROBE_INTERVAL_MS = 10_000;

/**
 * After this long without an answer the API server counts as unreachable and `/healthz` fails:
 * the Deployment's liveness probe (every 10 s, 3 failures) then restarts a process that lost it
 * for a whole minute, which a restart, with its new connections, may cure.
 */
export const UNREACHABLE_AFTER_MS = 30_000;

/** What {@link ApiServerReachability} is built from. */
export interface ReachabilityDeps {
  /** One cheap call to the API server; any HTTP answer, even an error status, shows it is reachable. */
  readonly probe: () => Promise<void>;
  readonly log: Logger;
  /** @default PROBE_INTERVAL_MS */
  readonly intervalMs?: number;
  /** @default UNREACHABLE_AFTER_MS */
  readonly unreachableAfterMs?: number;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * Whether the Kubernetes API server answers this process, probed on a timer over a kept-alive
 * connection like the controller's own calls. One probe at a time: a probe that hangs is bounded
 * by its client's deadline, which also drops the dead connection it found.
 */
export class ApiServerReachability {
  readonly #deps: ReachabilityDeps;
  readonly #now: () => number;
  #lastAnswerMs: number;
  #inFlight = false;
  #timer: NodeJS.Timeout | undefined;
  #reportedUnreachable = false;

  constructor(deps: ReachabilityDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    // Reachable until shown otherwise: the first probe gets its whole window.
    this.#lastAnswerMs = this.#now();
  }

  /** Probes now and then every interval until `signal` aborts. */
  start(signal: AbortSignal): void {
    const tick = () => {
      this.#reportChange();
      void this.probeOnce();
    };
    tick();
    this.#timer = setInterval(tick, this.#deps.intervalMs ?? PROBE_INTERVAL_MS);
    this.#timer.unref();
    signal.addEventListener('abort', () => clearInterval(this.#timer), { once: true });
  }

  /** One probe, unless one is still in flight; resolves when it ended. */
  async probeOnce(): Promise<void> {
    if (this.#inFlight) return;
    this.#inFlight = true;
    try {
      await this.#deps.probe();
      this.#answered();
    } catch (error) {
      if (statusCode(error) !== undefined) this.#answered();
      else this.#deps.log.debug({ err: errorText(error) }, 'Kubernetes API server probe failed');
    } finally {
      this.#inFlight = false;
    }
  }

  /** Milliseconds since the API server last answered. */
  silentForMs(): number {
    return this.#now() - this.#lastAnswerMs;
  }

  /** False once the API server has not answered for the unreachable period. */
  reachable(): boolean {
    return this.silentForMs() < (this.#deps.unreachableAfterMs ?? UNREACHABLE_AFTER_MS);
  }

  #answered(): void {
    this.#lastAnswerMs = this.#now();
    this.#reportChange();
  }

  /** Logs each change between reachable and not, once. */
  #reportChange(): void {
    const unreachable = !this.reachable();
    if (unreachable === this.#reportedUnreachable) return;
    this.#reportedUnreachable = unreachable;
    if (unreachable) {
      this.#deps.log.error(
        { silentForMs: this.silentForMs() },
        'the Kubernetes API server does not answer; /healthz fails until it does',
      );
    } else {
      this.#deps.log.info('the Kubernetes API server answers again');
    }
  }
}
