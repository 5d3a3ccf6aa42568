import { fnv32a, lastIndex, minIndex, nextIndex, nextResourceName } from './names.js';
import type { ScheduledWorkflow } from './types.js';

function swf(
  options: { name?: string; maxHistory?: number; lastWorkflowIndex?: number } = {},
): ScheduledWorkflow {
  return {
    metadata: { name: options.name },
    spec: { maxHistory: options.maxHistory },
    status: { trigger: { lastWorkflowIndex: options.lastWorkflowIndex } },
  };
}

describe('fnv32a', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
    ['WORKFLOW_NAME-51', 2626342551],
  ])('hashes %j to %d', (text, expected) => {
    expect(fnv32a(text)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(fnv32a('é')).toBe(Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) ^ 0xa9, 0x01000193) >>> 0);
  });
});

describe('run indexes', () => {
  it.each([
    ['never ran', undefined, 0, 1],
    ['ran 50 times', 50, 50, 51],
  ])('counts from the last index when it %s', (_case, last, expectedLast, expectedNext) => {
    expect(lastIndex(swf({ lastWorkflowIndex: last }))).toBe(expectedLast);
    expect(nextIndex(swf({ lastWorkflowIndex: last }))).toBe(expectedNext);
  });

  it('counts from 0 when there is no status at all', () => {
    expect(nextIndex({ metadata: {}, spec: {} })).toBe(1);
  });

  it.each([
    [100, 50, 0],
    [20, 50, 30],
  ])('with maxHistory %d and last index %d lists completed runs above %d', (history, last, expected) => {
    expect(minIndex(swf({ maxHistory: history, lastWorkflowIndex: last }))).toBe(expected);
  });
});

describe('nextResourceName', () => {
  it.each([
    ['WORKFLOW_NAME', 50, 'WORKFLOW_NAME-51-2626342551'],
    ['SCHEDULE1', undefined, 'SCHEDULE1-1-3321103997'],
  ])('names the run after %s with last index %p: %s', (name, last, expected) => {
    expect(nextResourceName(swf({ name, lastWorkflowIndex: last }))).toBe(expected);
  });
});
