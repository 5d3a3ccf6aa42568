import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';

/**
 * An object the informer caches, as the API server sends it: plain JSON (times are strings, not
 * the `Date`s of client-node's typed models).
 */
export interface CachedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** Options of {@link ResilientInformer}. */
export interface ResilientInformerOptions<T extends CachedObject> {
  readonly kubeConfig: KubeConfig;
  /** Collection path, e.g. `/apis/kubeflow.org/v1beta1/scheduledworkflows`. */
  readonly path: string;
  /** Lists the collection (with the same label selector). */
  readonly list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  readonly labelSelector?: string;
  /**
   * Applied to every object before it is cached (listed or watched), to keep only what is read.
   * @default keeps objects as sent
   */
  readonly transform?: (obj: T) => T;
  readonly log: Logger;
  /** First restart delay after an error; doubles per consecutive error. @default 250 */
  readonly baseBackoffMs?: number;
  /** Longest restart delay. @default 30000 */
  readonly maxBackoffMs?: number;
  readonly onAdd?: (obj: T) => void;
  readonly onUpdate?: (obj: T) => void;
  readonly onDelete?: (obj: T) => void;
  /** Called on each error, before the restart is scheduled (for metrics). */
  readonly onError?: (error: unknown) => void;
}

/**
 * A list-watch cache that never gives up.
 *
 * `@kubernetes/client-node`'s informer restarts by itself only after a 410 or a clean close of
 * the watch; on any other error (API server down, connection reset, 5xx, 403) it reports the
 * error and stops for good. This wrapper restarts it after an exponential backoff, so the cache
 * re-lists and re-watches once the API server answers again. Objects it hands out are shared with
 * the cache: callers must not modify them.
 */
export class ResilientInformer<T extends CachedObject> {
  readonly #options: ResilientInformerOptions<T>;
  readonly #informer: ListWatch<KubernetesObject>;
  #synced = false;
  #syncWaiters: Array<() => void> = [];
  #consecutiveErrors = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Restarts after errors since start. */
  restarts = 0;

  constructor(options: ResilientInformerOptions<T>) {
    this.#options = options;
    const { transform } = options;
    const list = async () => {
      const result = await options.list();
      // The informer fills its cache synchronously right after this promise settles; a macrotask
      // runs after that, so the cache is complete when `synced` is set.
      setImmediate(() => this.#markSynced());
      const items = transform ? result.items.map(transform) : result.items;
      return { ...result, items } as unknown as KubernetesListObject<KubernetesObject>;
    };
    // client-node's informer caches watched objects exactly as they arrive; a Watch that transforms
    // them first is the one place to trim them before they are stored.
    const watch = transform
      ? new TransformingWatch(options.kubeConfig, transform)
      : new Watch(options.kubeConfig);
    this.#informer = new ListWatch<KubernetesObject>(options.path, watch, list, false, options.labelSelector);
    const { onAdd, onUpdate, onDelete } = options;
    if (onAdd) this.#informer.on('add', (obj) => onAdd(obj as T));
    if (onUpdate) this.#informer.on('update', (obj) => onUpdate(obj as T));
    if (onDelete) this.#informer.on('delete', (obj) => onDelete(obj as T));
    this.#informer.on('error', (error: unknown) => this.#onError(error));
    // A restart that resumes the watch without a re-list shows it is healthy by delivering events.
    this.#informer.on('change', () => {
      this.#consecutiveErrors = 0;
    });
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  async start(signal?: AbortSignal): Promise<void> {
    this.#stopped = false;
    void this.#informer.start().catch((error: unknown) => this.#onError(error));
    if (this.#synced) return;
    await new Promise<void>((resolve, reject) => {
      this.#syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  /** True once the first list has been cached. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  /** Cached objects, of one namespace or all. */
  list(namespace?: string): readonly T[] {
    return this.#informer.list(namespace) as unknown as readonly T[];
  }

  /** A cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.#informer.get(name, namespace) as T | undefined;
  }

  /** Stops watching and cancels a pending restart. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    await this.#informer.stop();
  }

  #markSynced(): void {
    this.#consecutiveErrors = 0;
    if (this.#synced) return;
    this.#synced = true;
    for (const resolve of this.#syncWaiters) resolve();
    this.#syncWaiters = [];
  }

  #onError(error: unknown): void {
    if (this.#stopped) return;
    this.#options.onError?.(error);
    const base = this.#options.baseBackoffMs ?? 250;
    const max = this.#options.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, base * 2 ** Math.min(this.#consecutiveErrors, 20));
    this.#consecutiveErrors += 1;
    this.#options.log.warn(
      { path: this.#options.path, err: errorText(error), retryInMs: delay },
      'list/watch failed; restarting',
    );
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.restarts += 1;
      void this.#informer.start().catch((e: unknown) => this.#onError(e));
    }, delay);
  }
}

/** A Watch that hands each watched object through `transform` (bookmarks and errors pass as sent). */
class TransformingWatch<T> extends Watch {
  readonly #transform: (obj: T) => T;

  constructor(kubeConfig: KubeConfig, transform: (obj: T) => T) {
    super(kubeConfig);
    this.#transform = transform;
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, obj, watchObj) =>
        callback(
          phase,
          phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.#transform(obj as T) : obj,
          watchObj,
        ),
      done,
    );
  }
}
