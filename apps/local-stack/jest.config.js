import preset from '../../jest.preset.js';

// The end-to-end test starts a control plane (binaries built once in globalSetup) and waits for
// real schedules to fire.
export default { ...preset, testTimeout: 180_000, globalSetup: '@swf/testkit/global-setup' };
