import preset from '../jest.preset.js';

// test/integration starts a control plane (binaries built once in globalSetup).
export default { ...preset, testTimeout: 120_000, globalSetup: '@swf/testkit/global-setup' };
