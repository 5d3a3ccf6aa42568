import preset from '../../jest.preset.js';

// Starting a control plane (and, the first time, building it) takes far longer than jest's 5 s default.
export default { ...preset, testTimeout: 15 * 60_000 };
