import preset from '../../jest.preset.js';

// The reliability suite (`pnpm test:faults`): the built controller as a child process against a real
// control plane, under crashes, outages and conflicts. One file at a time: the scenarios measure
// timeliness, and two control planes on two cores would measure each other.
export default {
  ...preset,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
  verbose: true,
  globalSetup: '@swf/testkit/global-setup',
};
