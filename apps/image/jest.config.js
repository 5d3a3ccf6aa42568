import preset from '../../jest.preset.js';

// The smoke test runs the built image with buildah: each `buildah from`/`run` takes a few seconds.
export default { ...preset, testTimeout: 120_000 };
