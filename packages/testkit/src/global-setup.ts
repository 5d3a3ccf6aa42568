import { ensureBinaries } from './control-plane/binaries.js';

/**
 * A jest `globalSetup` for suites that start a control plane: builds the binaries once, before any
 * test's timeout starts counting (the first build takes minutes).
 */
export default async function globalSetup(): Promise<void> {
  await ensureBinaries();
}
