import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled code runs from dist/, tests from src/: both sit one level below the package folder.
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Containerfile of the image (also usable on its own with a builder that can pull). */
export const CONTAINERFILE = join(PACKAGE_DIR, 'Containerfile');

/** The OCI archive `pnpm build` writes (`apps/image/dist/swf-controller.oci.tar`). */
export const IMAGE_ARCHIVE = join(PACKAGE_DIR, 'dist', 'swf-controller.oci.tar');

/** The controller bundle the image ships, as `@swf/controller` exports it; it exists once that package is built. */
export function controllerBundlePath(): string {
  return createRequire(import.meta.url).resolve('@swf/controller/bundle');
}
