import type { ScheduledWorkflow } from '../domain/types.js';
import { OwnWrites } from './own-writes.js';

const KEY = 'team/hourly';

function swf(resourceVersion: string, lastWorkflowIndex: number, uid = 'uid-1'): ScheduledWorkflow {
  return {
    metadata: { namespace: 'team', name: 'hourly', uid, resourceVersion },
    spec: {},
    status: { trigger: { lastWorkflowIndex } },
  };
}

describe('OwnWrites', () => {
  it('serves the written object while the cache does not show the run it recorded', () => {
    const writes = new OwnWrites();
    const cached = swf('1', 0);
    const written = swf('2', 1);
    writes.record(written);
    expect(writes.resolve(KEY, cached)).toBe(written);
    expect(writes.resolve(KEY, cached)).toBe(written);
  });

  it('serves the cache once it has caught up, and forgets the write', () => {
    const writes = new OwnWrites();
    writes.record(swf('2', 1));
    const caughtUp = swf('3', 1);
    expect(writes.resolve(KEY, caughtUp)).toBe(caughtUp);
    expect(writes.resolve(KEY, swf('1', 0))).toEqual(swf('1', 0));
  });

  it('serves the cache for a re-created object of the same name (another uid)', () => {
    const writes = new OwnWrites();
    writes.record(swf('2', 5));
    const recreated = swf('9', 0, 'uid-2');
    expect(writes.resolve(KEY, recreated)).toBe(recreated);
  });

  it('serves nothing once the object is gone from the cache', () => {
    const writes = new OwnWrites();
    writes.record(swf('2', 1));
    expect(writes.resolve(KEY, undefined)).toBeUndefined();
    expect(writes.resolve(KEY, swf('1', 0))).toEqual(swf('1', 0));
  });

  it('knows the watch event of its own write by its resourceVersion, once', () => {
    const writes = new OwnWrites();
    writes.record(swf('2', 1));
    expect(writes.isOwn(KEY, swf('3', 1))).toBe(false);
    expect(writes.isOwn(KEY, swf('2', 1))).toBe(true);
    expect(writes.isOwn(KEY, swf('2', 1))).toBe(false);
  });

  it('knows nothing of a key it never wrote or forgot', () => {
    const writes = new OwnWrites();
    expect(writes.isOwn(KEY, swf('2', 1))).toBe(false);
    writes.record(swf('2', 1));
    writes.forget(KEY);
    expect(writes.isOwn(KEY, swf('2', 1))).toBe(false);
  });
});
