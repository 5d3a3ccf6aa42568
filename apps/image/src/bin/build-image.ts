#!/usr/bin/env node
import { buildImage } from '../build-image.js';
// `pnpm build` step: writes dist/swf-controller.oci.tar and prints the image's size.
import { BuildahMissingError } from '../buildah.js';
import { controllerBundlePath, IMAGE_ARCHIVE } from '../paths.js';

const MIB = 1024 * 1024;

try {
  const image = await buildImage({
    bundlePath: controllerBundlePath(),
    archivePath: IMAGE_ARCHIVE,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `image: wrote ${image.reference} to ${image.archivePath}: ` +
      `${(image.imageBytes / MIB).toFixed(1)} MiB unpacked, ${(image.archiveBytes / MIB).toFixed(1)} MiB archive, ` +
      `built in ${(image.durationMs / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  if (!(error instanceof BuildahMissingError)) throw error;
  process.stderr.write(`image: ${error.message}\n`);
  process.exitCode = 1;
}
