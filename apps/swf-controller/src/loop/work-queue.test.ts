import { type Timers, WorkQueue } from './work-queue.js';

/** Timers driven by the test: `advance` fires what is due, in order. */
class ManualTimers implements Timers {
  now = 0;
  #next = 0;
  readonly #pending = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

function setup(options: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
  const timers = new ManualTimers();
  const queue = new WorkQueue({ ...options, timers });
  return { timers, queue };
}

async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = (await queue.get()) as string;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('hands out keys in the order added, each once however often it was added', async () => {
    const { queue } = setup();
    for (const key of ['a', 'b', 'a', 'c', 'b']) queue.add(key);
    expect(await drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('runs a key added while it is being worked on again afterwards, not in parallel', async () => {
    const { queue } = setup();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(key as string);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { queue } = setup();
    const waiting = queue.get();
    queue.add('a');
    await expect(waiting).resolves.toBe('a');
  });

  it('adds after a delay, keeping the earliest of two delayed adds', () => {
    const { queue, timers } = setup();
    queue.addAfter('a', 5_000, timers.now);
    queue.addAfter('a', 2_000, timers.now);
    queue.addAfter('a', 9_000, timers.now);
    timers.advance(1_999);
    expect(queue.length).toBe(0);
    timers.advance(1);
    expect(queue.length).toBe(1);
    timers.advance(10_000);
    expect(queue.length).toBe(1);
    expect(queue.delayedCount).toBe(0);
  });

  it('cancels a pending delayed add when the key is added now', async () => {
    const { queue, timers } = setup();
    queue.addAfter('a', 5_000, timers.now);
    queue.add('a');
    expect(await drain(queue)).toEqual(['a']);
    timers.advance(5_000);
    expect(queue.length).toBe(0);
  });

  it('backs off exponentially per key up to the cap, and forgets after a success', () => {
    const { queue, timers } = setup({ baseDelayMs: 1_000, maxDelayMs: 6_000 });
    const delays = [1, 2, 3, 4, 5].map(() => queue.addRateLimited('a', timers.now));
    expect(delays).toEqual([1_000, 2_000, 4_000, 6_000, 6_000]);
    expect(queue.addRateLimited('b', timers.now)).toBe(1_000);
    queue.forget('a');
    expect(queue.failures('a')).toBe(0);
    expect(queue.addRateLimited('a', timers.now)).toBe(1_000);
  });

  describe('the resync', () => {
    it('hands out resync keys only after every key added otherwise', async () => {
      const { queue } = setup();
      for (const key of ['r1', 'r2', 'r3']) queue.addResync(key);
      queue.add('due');
      queue.addResync('r4');
      queue.add('event');
      expect(await drain(queue)).toEqual(['due', 'event', 'r1', 'r2', 'r3', 'r4']);
    });

    it('moves a resync key ahead when an event adds it', async () => {
      const { queue } = setup();
      queue.addResync('a');
      queue.addResync('b');
      queue.add('b');
      expect(await drain(queue)).toEqual(['b', 'a']);
      expect(queue.length).toBe(0);
    });

    it('skips a key being worked on, and keeps a pending fire time', async () => {
      const { queue, timers } = setup();
      queue.add('busy');
      const busy = (await queue.get()) as string;
      queue.addResync('busy');
      queue.done(busy);
      expect(queue.length).toBe(0);
      queue.addAfter('later', 5_000, timers.now);
      queue.addResync('later');
      expect(await drain(queue)).toEqual(['later']);
      timers.advance(5_000);
      expect(await drain(queue)).toEqual(['later']);
    });

    it('wakes a waiting worker', async () => {
      const { queue } = setup();
      const waiting = queue.get();
      queue.addResync('a');
      await expect(waiting).resolves.toBe('a');
    });
  });

  describe('a key backing off after a failure', () => {
    /** Fails `key` as a worker would: get it, back it off, then finish. */
    async function fail(queue: WorkQueue, key: string, now: number): Promise<number> {
      queue.add(key);
      const got = (await queue.get()) as string;
      const delay = queue.addRateLimited(got, now);
      queue.done(got);
      return delay;
    }

    it('waits its backoff however often it is added meanwhile (events, the resync)', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000 });
      await fail(queue, 'a', timers.now);
      expect(queue.isBackingOff('a')).toBe(true);
      queue.add('a');
      queue.addResync('a');
      queue.addAfter('a', 10, timers.now);
      timers.advance(999);
      queue.add('a');
      expect(queue.length).toBe(0);
      timers.advance(1);
      expect(queue.isBackingOff('a')).toBe(false);
      expect(await drain(queue)).toEqual(['a']);
    });

    it('waits its backoff when it was added again while the failing reconcile ran', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000 });
      queue.add('a');
      const key = (await queue.get()) as string;
      queue.add('a'); // e.g. the status write that records the failure, seen by the informer
      queue.addRateLimited(key, timers.now);
      queue.done(key);
      expect(queue.length).toBe(0);
      timers.advance(1_000);
      expect(await drain(queue)).toEqual(['a']);
    });

    it('doubles the wait at each failure, up to the cap, whatever arrives in between', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000, maxDelayMs: 8_000 });
      const waits: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const delay = await fail(queue, 'a', timers.now);
        const started = timers.now;
        while (queue.length === 0) {
          timers.advance(250);
          queue.add('a'); // an event or a resync every 250 ms
        }
        waits.push(timers.now - started);
        expect(delay).toBe(waits[attempt]);
        await drain(queue);
      }
      expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    });

    it('replaces a pending requeue at the next fire time with the retry', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000 });
      queue.addAfter('a', 100, timers.now);
      queue.addRateLimited('a', timers.now);
      timers.advance(999);
      expect(queue.length).toBe(0);
      timers.advance(1);
      expect(queue.length).toBe(1);
    });

    it('runs at once when expedited (its spec changed), keeping its failure count', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000 });
      await fail(queue, 'a', timers.now);
      timers.advance(1_000);
      await fail(queue, 'a', timers.now);
      expect(queue.isBackingOff('a')).toBe(true);
      queue.expedite('a');
      expect(queue.isBackingOff('a')).toBe(false);
      expect(await drain(queue)).toEqual(['a']);
      timers.advance(10_000);
      expect(queue.length).toBe(0);
      expect(queue.addRateLimited('a', timers.now)).toBe(4_000);
    });

    it('runs after the backoff once the key is forgotten and added anew', async () => {
      const { queue, timers } = setup({ baseDelayMs: 1_000 });
      await fail(queue, 'a', timers.now);
      timers.advance(1_000);
      const key = (await queue.get()) as string;
      queue.forget(key);
      queue.done(key);
      queue.add('a');
      expect(await drain(queue)).toEqual(['a']);
    });
  });

  it('waits delays longer than a Node timer can hold', () => {
    const { queue, timers } = setup();
    const day = 24 * 3_600_000;
    queue.addAfter('a', 30 * day, timers.now);
    timers.advance(29 * day);
    expect(queue.length).toBe(0);
    timers.advance(day);
    expect(queue.length).toBe(1);
  });

  it('drops a key entirely: its pending delayed add and its failures', () => {
    const { queue, timers } = setup();
    queue.addAfter('a', 30 * 24 * 3_600_000, timers.now);
    queue.addRateLimited('b', timers.now);
    queue.drop('a');
    queue.drop('b');
    expect(queue.delayedCount).toBe(0);
    expect(queue.isBackingOff('b')).toBe(false);
    expect(queue.failures('b')).toBe(0);
    timers.advance(31 * 24 * 3_600_000);
    expect(queue.length).toBe(0);
  });

  it('wakes waiting workers with null on shut-down and drops delayed adds', async () => {
    const { queue, timers } = setup();
    const waiting = queue.get();
    queue.addAfter('a', 1_000, timers.now);
    queue.shutDown();
    await expect(waiting).resolves.toBeNull();
    timers.advance(2_000);
    queue.add('b');
    await expect(queue.get()).resolves.toBeNull();
  });
});
