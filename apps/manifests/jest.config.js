import preset from '../../jest.preset.js';

// The API-server tests start a control plane; its binaries are built once in globalSetup.
export default { ...preset, globalSetup: '@swf/testkit/global-setup' };
