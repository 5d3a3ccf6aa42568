import { setTimeout as delay } from 'node:timers/promises';
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { keyOf } from '../contract.js';
import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';

/**
 * An object the informer caches, as the API server sends it: plain JSON (times are strings, not
 * the `Date`s of client-node's typed models).
 */
export interface CachedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/**
 * How long the API server is asked to keep each watch open. It then ends the watch, after a
 * bookmark that carries the latest resourceVersion, and the next watch resumes from there without
 * a list. Short, because a watch that outlives it by its deadline is known dead.
 */
export const WATCH_TIMEOUT_SECONDS = 30;

/** Options of {@link ResilientInformer}. */
export interface ResilientInformerOptions<T extends CachedObject> {
  readonly kubeConfig: KubeConfig;
  /** Collection path, e.g. `/apis/kubeflow.org/v1beta1/scheduledworkflows`. */
  readonly path: string;
  /** Lists the collection (with the same label selector), with a deadline of its own. */
  readonly list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  readonly labelSelector?: string;
  /**
   * Applied to every object before it is cached (listed or watched), to keep only what is read.
   * @default keeps objects as sent
   */
  readonly transform?: (obj: T) => T;
  readonly log: Logger;
  /**
   * How long a watch may outlive its {@link WATCH_TIMEOUT_SECONDS} before it counts as dead (its
   * connection lost without a reset), is ended, and the collection listed again. @default 30000
   */
  readonly watchGraceMs?: number;
  /** @default WATCH_TIMEOUT_SECONDS */
  readonly watchTimeoutSeconds?: number;
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

/** How a watch ended. */
type WatchEnd = 'closed' | 'gone';

/** A watch that outlived its timeout by its grace period: its connection is dead. */
class WatchDeadError extends Error {
  override readonly name = 'WatchDeadError';
}

/**
 * A list-watch cache that never gives up and never hangs.
 *
 * It lists, then watches from the list's resourceVersion with bookmarks; when the API server ends
 * a watch (it does after {@link WATCH_TIMEOUT_SECONDS}) the next resumes from the last
 * resourceVersion seen. A watch still open its grace period after that timeout is on a dead
 * connection: it is aborted (which destroys the socket) and the collection listed again, as after
 * `410 Gone` or any error (after an exponential backoff). client-node's own informer stops for good
 * on most errors and has no deadline, so a connection lost without a reset froze it for ever.
 *
 * Written here on client-node's `Watch` (which streams and parses the events) because its
 * informer offers neither. Objects it hands out are shared with the cache: callers must not
 * modify them.
 */
export class ResilientInformer<T extends CachedObject> {
  readonly #options: ResilientInformerOptions<T>;
  readonly #watch: Watch;
  readonly #store = new Map<string, T>();
  #synced = false;
  #syncWaiters: Array<() => void> = [];
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  /** Restarts after errors since start. */
  restarts = 0;

  constructor(options: ResilientInformerOptions<T>) {
    this.#options = options;
    this.#watch = new Watch(options.kubeConfig);
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  async start(signal?: AbortSignal): Promise<void> {
    if (!this.#loop) {
      this.#stop = new AbortController();
      this.#loop = this.#run(this.#stop.signal);
    }
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
    const all = [...this.#store.values()];
    return namespace === undefined ? all : all.filter((obj) => obj.metadata?.namespace === namespace);
  }

  /** A cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.#store.get(keyOf({ namespace, name }));
  }

  /** Stops watching (the watch in flight is aborted) and cancels a pending restart. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(stop: AbortSignal): Promise<void> {
    const { log, path } = this.#options;
    let consecutiveErrors = 0;
    while (!stop.aborted) {
      try {
        let resourceVersion = await this.#relist();
        for (;;) {
          const end = await this.#watchOnce(resourceVersion, stop);
          // A watch that delivered events or ended on time shows the server is healthy.
          consecutiveErrors = 0;
          if (stop.aborted) return;
          if (end.how === 'gone') break;
          resourceVersion = end.resourceVersion;
        }
        log.debug({ path }, 'watch expired (410 Gone); listing again');
      } catch (error) {
        if (stop.aborted) return;
        this.#options.onError?.(error);
        const base = this.#options.baseBackoffMs ?? 250;
        const max = this.#options.maxBackoffMs ?? 30_000;
        const wait = Math.min(max, base * 2 ** Math.min(consecutiveErrors, 20));
        consecutiveErrors += 1;
        log.warn({ path, err: errorText(error), retryInMs: wait }, 'list/watch failed; restarting');
        // Aborted by stop(): the loop then ends.
        await delay(wait, undefined, { signal: stop }).catch(() => undefined);
        this.restarts += 1;
      }
    }
  }

  /** Lists, makes the cache what the list says (reporting each difference), returns its resourceVersion. */
  async #relist(): Promise<string> {
    const result = await this.#options.list();
    const listed = new Map<string, T>();
    for (const item of result.items) {
      const obj = this.#transform(item);
      listed.set(keyOf(obj.metadata), obj);
    }
    for (const [key, old] of [...this.#store]) {
      if (listed.has(key)) continue;
      this.#store.delete(key);
      this.#options.onDelete?.(old);
    }
    for (const [key, obj] of listed) this.#upsert(key, obj);
    this.#markSynced();
    return result.metadata?.resourceVersion ?? '';
  }

  /**
   * One watch from `resourceVersion`, until the server ends it, `stop` aborts, or it outlives its
   * timeout by the grace period (then it throws {@link WatchDeadError}).
   */
  #watchOnce(
    resourceVersion: string,
    stop: AbortSignal,
  ): Promise<{ how: WatchEnd; resourceVersion: string }> {
    const timeoutSeconds = this.#options.watchTimeoutSeconds ?? WATCH_TIMEOUT_SECONDS;
    const deadlineMs = timeoutSeconds * 1000 + (this.#options.watchGraceMs ?? 30_000);
    let latest = resourceVersion;
    let gone = false;
    return new Promise((resolve, reject) => {
      let request: AbortController | undefined;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop.removeEventListener('abort', onStop);
        request?.abort();
        outcome();
      };
      const onStop = () => finish(() => resolve({ how: 'closed', resourceVersion: latest }));
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new WatchDeadError(
                `watch ${this.#options.path}: still open ${deadlineMs / 1000} s after it started, past its ${timeoutSeconds} s timeout: its connection is dead`,
              ),
            ),
          ),
        deadlineMs,
      );
      stop.addEventListener('abort', onStop, { once: true });
      const onEvent = (type: string, obj: unknown) => {
        if (settled) return;
        if (type === 'ERROR') {
          const status = obj as { code?: number; message?: string };
          if (status.code === 410) gone = true;
          else
            finish(() =>
              reject(new Error(`watch ${this.#options.path}: ${status.message ?? 'error event'}`)),
            );
          return;
        }
        const item = obj as T;
        latest = item.metadata?.resourceVersion ?? latest;
        if (type === 'BOOKMARK') return;
        const cached = this.#transform(item);
        const key = keyOf(cached.metadata);
        if (type === 'DELETED') {
          const old = this.#store.get(key);
          this.#store.delete(key);
          this.#options.onDelete?.(old ?? cached);
        } else {
          this.#upsert(key, cached);
        }
      };
      const onDone = (error: unknown) => {
        if (error) finish(() => reject(error));
        else finish(() => resolve({ how: gone ? 'gone' : 'closed', resourceVersion: latest }));
      };
      const query = {
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: this.#options.labelSelector,
      };
      this.#watch.watch(this.#options.path, query, onEvent, onDone).then(
        (controller) => {
          request = controller;
          if (settled) controller.abort();
        },
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  #transform(obj: T): T {
    return this.#options.transform ? this.#options.transform(obj) : obj;
  }

  #upsert(key: string, obj: T): void {
    const old = this.#store.get(key);
    this.#store.set(key, obj);
    if (!old) this.#options.onAdd?.(obj);
    else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#options.onUpdate?.(obj);
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const resolve of this.#syncWaiters) resolve();
    this.#syncWaiters = [];
  }
}
