#!/usr/bin/env node
// `pnpm build` entry: writes dist/base, dist/overlays/multi-user and dist/components/monitoring.
// Usage: node lib/main.js [--image REF] [--namespace NS] [--replicas N] [--runbook-base-url URL]
//                         [--lateness-alert-seconds S] [--out DIR]
import { parseArgs } from 'node:util';
import { ManifestPropsError } from './errors.js';
import { DIST_DIR } from './paths.js';
import { writeDist } from './write.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    namespace: { type: 'string' },
    replicas: { type: 'string' },
    'runbook-base-url': { type: 'string' },
    'lateness-alert-seconds': { type: 'string' },
    out: { type: 'string', default: DIST_DIR },
  },
});

try {
  const written = await writeDist(
    {
      image: values.image,
      namespace: values.namespace,
      replicas: numberOrUndefined(values.replicas),
      runbookBaseUrl: values['runbook-base-url'],
      latenessAlertSeconds: numberOrUndefined(values['lateness-alert-seconds']),
    },
    values.out,
  );
  process.stdout.write(`manifests: wrote ${written.length} files under ${values.out}\n`);
} catch (error) {
  if (!(error instanceof ManifestPropsError)) throw error;
  process.stderr.write(`manifests: ${error.message}\n`);
  process.exitCode = 2;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}
