import { SUBMIT_STEPS } from '@swf/contract';
import { crashHook } from './run.js';

describe('the SWF_FAULT_CRASH_AT test hook', () => {
  it('is off when no step is named', () => {
    expect(crashHook(null, () => undefined)).toBeUndefined();
  });

  it.each(SUBMIT_STEPS)('kills the process at %s and at no other step', (at) => {
    const kills: string[] = [];
    const hook = crashHook(at, () => kills.push(at));
    for (const step of SUBMIT_STEPS) {
      hook?.(step);
      expect(kills).toEqual(SUBMIT_STEPS.indexOf(step) >= SUBMIT_STEPS.indexOf(at) ? [at] : []);
    }
  });
});
