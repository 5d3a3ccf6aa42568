import { Teardown } from './teardown.js';

describe('Teardown', () => {
  it('undoes steps newest first, and each only once', async () => {
    const done: string[] = [];
    const teardown = new Teardown();
    teardown.add('a', () => done.push('a'));
    teardown.add('b', async () => done.push('b'));
    await teardown.run();
    await teardown.run();
    expect(done).toEqual(['b', 'a']);
  });

  it('keeps going past a failing step and reports it', async () => {
    const done: string[] = [];
    const teardown = new Teardown();
    teardown.add('first', () => done.push('first'));
    teardown.add('broken', () => {
      throw new Error('boom');
    });
    expect(await teardown.run()).toEqual(['broken: boom']);
    expect(done).toEqual(['first']);
  });
});
