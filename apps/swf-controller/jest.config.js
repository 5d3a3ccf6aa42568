import preset from '../../jest.preset.js';

// Integration tests start a control plane (binaries built once in globalSetup) and wait for real
// schedules to fire.
export default { ...preset, testTimeout: 120_000, globalSetup: '@swf/testkit/global-setup' };
