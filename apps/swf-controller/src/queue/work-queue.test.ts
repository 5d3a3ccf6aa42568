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

  it('waits delays longer than a Node timer can hold', () => {
    const { queue, timers } = setup();
    const day = 24 * 3_600_000;
    queue.addAfter('a', 30 * day, timers.now);
    timers.advance(29 * day);
    expect(queue.length).toBe(0);
    timers.advance(day);
    expect(queue.length).toBe(1);
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
