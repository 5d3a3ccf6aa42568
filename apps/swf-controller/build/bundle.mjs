#!/usr/bin/env node
// Bundles the CLI and every dependency into one ESM file that runs with nothing but Node: the
// file the container image ships. Usage: node build/bundle.mjs [--outfile PATH]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

// Exported to other packages as `@swf/controller/bundle`.
const BUNDLE_PATH = join(PACKAGE_DIR, 'dist', 'bundle', 'swf-controller.mjs');

// CommonJS dependencies (grpc-js, pino, prom-client) call `require` for Node built-ins, which an
// ES module lacks; esbuild's shim for it throws at run time, so the bundle defines a real one.
const BANNER = [
  "import { createRequire as __swfCreateRequire } from 'node:module';",
  'const require = __swfCreateRequire(import.meta.url);',
].join('\n');

const { values } = parseArgs({ options: { outfile: { type: 'string', default: BUNDLE_PATH } } });

const result = await build({
  entryPoints: [join(PACKAGE_DIR, 'src', 'bin.ts')],
  outfile: values.outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: BANNER },
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`bundle: wrote ${values.outfile} (${(bytes / 1024 / 1024).toFixed(1)} MiB)\n`);
