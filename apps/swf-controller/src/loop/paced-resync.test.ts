import { PacedResync } from './paced-resync.js';

function keys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `ns/swf-${i}`);
}

/** Drives a resync by hand: `at(ms)` ticks it at that time, `added` is what it handed out. */
function resync(intervalMs: number, current: () => string[]) {
  const added: string[] = [];
  const paced = new PacedResync({ intervalMs, keys: current, add: (key) => added.push(key) });
  paced.start(() => 0);
  paced.stop();
  return { paced, added, at: (ms: number) => paced.tick(ms) };
}

describe('PacedResync', () => {
  it('hands out every key once per interval, an equal share per slice', () => {
    const all = keys(10_000);
    const { paced, added, at } = resync(30_000, () => all);
    expect(paced.sliceMs).toBe(100);

    at(29_999);
    expect(added).toEqual([]);
    const perSlice: number[] = [];
    for (let ms = 30_000; ms < 60_000; ms += 100) {
      const before = added.length;
      at(ms);
      perSlice.push(added.length - before);
    }
    expect(perSlice).toHaveLength(300);
    expect(Math.max(...perSlice)).toBe(34);
    expect(added).toEqual(all);
  });

  it('starts the next round one interval after the last, with the keys as they are then', () => {
    let current = keys(3);
    const { added, at } = resync(1_000, () => current);
    for (let ms = 1_000; ms < 2_000; ms += 100) at(ms);
    expect(added).toEqual(keys(3));

    current = [...keys(3), 'ns/new'];
    at(1_990);
    expect(added).toHaveLength(3);
    for (let ms = 2_000; ms < 3_000; ms += 100) at(ms);
    expect(added.slice(3)).toEqual(current);
  });

  it('catches up when its timer ran late instead of skipping keys', () => {
    const all = keys(300);
    const { added, at } = resync(30_000, () => all);
    at(30_000);
    expect(added).toHaveLength(1);
    at(45_000); // 150 slices late
    expect(added).toHaveLength(151);
    at(59_900);
    expect(added).toEqual(all);
  });

  it('finishes a round that overran before it starts the next', () => {
    const all = keys(40);
    const { added, at } = resync(1_000, () => all);
    at(1_000);
    expect(added).toHaveLength(4);
    at(2_500); // the next round was due at 2,000
    expect(added).toEqual(all);
    at(2_600);
    expect(added.slice(40)).toEqual(all.slice(0, 4));
  });

  it('cuts a short interval into slices of at least 100 ms', () => {
    expect(new PacedResync({ intervalMs: 5_000, keys: () => [], add: () => {} }).sliceMs).toBe(100);
    expect(new PacedResync({ intervalMs: 50, keys: () => [], add: () => {} }).sliceMs).toBe(50);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => new PacedResync({ intervalMs: 0, keys: () => [], add: () => {} })).toThrow(
      'resync interval must be positive',
    );
  });
});
