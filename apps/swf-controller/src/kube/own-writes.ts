import { keyOf, type ObjectKey } from '../contract.js';
import { lastIndex } from '../domain/names.js';
import type { ScheduledWorkflow } from '../domain/types.js';

/**
 * Read-your-writes for the ScheduledWorkflow cache: the object this controller last wrote per key,
 * kept until the informer delivers it.
 *
 * A requeue can come before the watch event of the write that preceded it (a 1 s schedule, a
 * slow watch): reading the cache then would see the run not yet recorded and start it again. And
 * the watch event of the write, once it comes, is the controller's own: reconciling on it would
 * only find the work done.
 */
export class OwnWrites {
  readonly #written = new Map<ObjectKey, ScheduledWorkflow>();

  /** Records an object this controller has just written. */
  record(swf: ScheduledWorkflow): void {
    this.#written.set(keyOf(swf.metadata), swf);
  }

  /**
   * The object to reconcile from: the written one while the cached one does not show the run it
   * recorded yet (same uid, lower run index), else the cached one.
   */
  resolve(key: ObjectKey, cached: ScheduledWorkflow | undefined): ScheduledWorkflow | undefined {
    const written = this.#written.get(key);
    if (!written) return cached;
    if (cached && written.metadata.uid === cached.metadata.uid && lastIndex(written) > lastIndex(cached)) {
      return written;
    }
    this.#written.delete(key);
    return cached;
  }

  /**
   * True when `delivered` is the object this controller wrote (same resourceVersion): the cache
   * has caught up, and the event is the controller's own.
   */
  isOwn(key: ObjectKey, delivered: ScheduledWorkflow): boolean {
    const written = this.#written.get(key);
    if (written === undefined || written.metadata.resourceVersion !== delivered.metadata.resourceVersion) {
      return false;
    }
    this.#written.delete(key);
    return true;
  }

  /** Forgets a deleted object. */
  forget(key: ObjectKey): void {
    this.#written.delete(key);
  }
}
