#!/usr/bin/env node
// `pnpm build` entry: writes dist/base and dist/overlays/multi-user.
// Usage: node lib/main.js [--image REF] [--namespace NS] [--replicas N] [--out DIR]
import { parseArgs } from 'node:util';
import { ManifestPropsError } from './errors.js';
import { DIST_DIR } from './paths.js';
import { writeDist } from './write.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    namespace: { type: 'string' },
    replicas: { type: 'string' },
    out: { type: 'string', default: DIST_DIR },
  },
});

try {
  const written = await writeDist(
    {
      image: values.image,
      namespace: values.namespace,
      replicas: values.replicas === undefined ? undefined : Number(values.replicas),
    },
    values.out,
  );
  process.stdout.write(`manifests: wrote ${written.length} files under ${values.out}\n`);
} catch (error) {
  if (!(error instanceof ManifestPropsError)) throw error;
  process.stderr.write(`manifests: ${error.message}\n`);
  process.exitCode = 2;
}
