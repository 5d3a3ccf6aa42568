import { ConfigError } from '../config/config.js';
import { SUBMIT_STEPS } from '../reconciler.js';
import { FAULT_CRASH_AT_ENV, faultCrashHook } from './run.js';

describe('the SWF_FAULT_CRASH_AT test hook', () => {
  it.each([[{}], [{ [FAULT_CRASH_AT_ENV]: '' }], [{ [FAULT_CRASH_AT_ENV]: '  ' }]])(
    'is off when the env var is unset or blank (%j)',
    (env) => {
      expect(faultCrashHook(env)).toBeUndefined();
    },
  );

  it('refuses a step it does not know, naming the env var and the steps', () => {
    const unknown = () => faultCrashHook({ [FAULT_CRASH_AT_ENV]: 'after-create' });
    expect(unknown).toThrow(ConfigError);
    expect(unknown).toThrow(`${FAULT_CRASH_AT_ENV}: must be one of ${SUBMIT_STEPS.join(', ')}`);
  });

  it('lets the process live through every other step', () => {
    const hook = faultCrashHook({ [FAULT_CRASH_AT_ENV]: 'after-status' });
    expect(hook).toBeInstanceOf(Function);
    for (const step of SUBMIT_STEPS.filter((s) => s !== 'after-status')) hook?.(step);
  });
});
