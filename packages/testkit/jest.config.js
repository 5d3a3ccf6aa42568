import preset from '../../jest.preset.js';

// Starting a control plane takes seconds; building its binaries (once, in globalSetup) takes minutes.
export default { ...preset, testTimeout: 5 * 60_000, globalSetup: '<rootDir>/dist/global-setup.js' };
