import preset from '../../jest.preset.js';

// Integration tests start a control plane (binaries built once in globalSetup) and wait for real
// schedules to fire. The reliability suite under test/faults runs apart (jest.faults.config.js).
export default {
  ...preset,
  testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '<rootDir>/test/faults/'],
  testTimeout: 120_000,
  globalSetup: '@swf/testkit/global-setup',
};
