/** A watch of one collection that carries on when the API server ends it, timing each change it sees. */
import { type KubeConfig, type KubernetesObject, Watch } from '@kubernetes/client-node';

/** One change the watch delivered. */
export interface ObservedChange {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubernetesObject;
  /** When it arrived here, epoch ms. */
  readonly at: number;
}

/** Wait before watching again after the API server ended a watch or refused one. */
const RESTART_DELAY_MS = 500;

/** HTTP status of a watch whose resourceVersion is too old to continue from. */
const GONE = 410;

/**
 * Watches `path` (e.g. `/apis/argoproj.io/v1alpha1/workflows`) from the moment {@link start}
 * resolves and hands every change to `onChange`. When the server ends the watch it watches again
 * from the last resourceVersion seen, so nothing is lost or repeated; only when that version is
 * gone (410) does it start afresh, which replays every object as ADDED and is counted in
 * {@link gaps}.
 */
export class ObjectWatch {
  readonly #kubeConfig: KubeConfig;
  readonly #path: string;
  readonly #onChange: (change: ObservedChange) => void;
  #resourceVersion: string | undefined;
  #abort: AbortController | undefined;
  #stopped = false;
  #restarts = 0;
  #gaps = 0;

  private constructor(kubeConfig: KubeConfig, path: string, onChange: (change: ObservedChange) => void) {
    this.#kubeConfig = kubeConfig;
    this.#path = path;
    this.#onChange = onChange;
  }

  /** Starts watching; resolves once the API server has accepted the watch. */
  static async start(
    kubeConfig: KubeConfig,
    path: string,
    onChange: (change: ObservedChange) => void,
  ): Promise<ObjectWatch> {
    const watch = new ObjectWatch(kubeConfig, path, onChange);
    await watch.#watch();
    return watch;
  }

  /** Times the watch was started again after the server ended it. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Times it had to start afresh (410), replaying every object. */
  get gaps(): number {
    return this.#gaps;
  }

  /** Stops watching. */
  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
  }

  async #watch(): Promise<void> {
    const query = {
      allowWatchBookmarks: true,
      ...(this.#resourceVersion !== undefined && { resourceVersion: this.#resourceVersion }),
    };
    this.#abort = await new Watch(this.#kubeConfig).watch(
      this.#path,
      query,
      (type: string, object: KubernetesObject & { code?: number }) => this.#receive(type, object),
      () => this.#again(),
    );
  }

  #receive(type: string, object: KubernetesObject & { code?: number }): void {
    if (type === 'ERROR') {
      if (object.code === GONE) {
        this.#gaps += 1;
        this.#resourceVersion = undefined;
      }
      return;
    }
    this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
      this.#onChange({ type, object, at: Date.now() });
    }
  }

  #again(): void {
    if (this.#stopped) return;
    this.#restarts += 1;
    setTimeout(() => {
      if (!this.#stopped) this.#watch().catch(() => this.#again());
    }, RESTART_DELAY_MS);
  }
}
