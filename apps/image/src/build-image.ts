import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Buildah } from './buildah.js';
import { IMAGE_REF, imageTag, runtimeBaseRef } from './image-ref.js';
import { CONTAINERFILE } from './paths.js';
import { assembleRuntimeRootfs } from './runtime-rootfs.js';

const run = promisify(execFile);

/** Name of the bundle in the build context, as the Containerfile's COPY expects it. */
const CONTEXT_BUNDLE = 'swf-controller.mjs';

/** What {@link buildImage} builds from and writes to. */
export interface BuildImageOptions {
  /** The bundled controller. */
  readonly bundlePath: string;
  /** The OCI archive to write. */
  readonly archivePath: string;
  /** Reference the archive names the image by. @default IMAGE_REF */
  readonly reference?: string;
  /** Node binary of the runtime base. @default process.execPath */
  readonly nodePath?: string;
  /** @default CONTAINERFILE */
  readonly containerfile?: string;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

/** The image written. */
export interface BuiltImage {
  readonly reference: string;
  readonly archivePath: string;
  /** Size of the archive (compressed layers). */
  readonly archiveBytes: number;
  /** Size of the image's layers uncompressed. */
  readonly imageBytes: number;
  readonly durationMs: number;
}

/**
 * Builds the controller image without a daemon or a registry: assembles a runtime base from this
 * machine's Node binary, builds the Containerfile on it (the same file a builder that can pull
 * uses with the official Node image), and writes an OCI archive naming the image `reference`.
 *
 * @throws BuildahMissingError when buildah is not installed
 */
export async function buildImage(options: BuildImageOptions): Promise<BuiltImage> {
  const started = Date.now();
  const reference = options.reference ?? IMAGE_REF;
  const log = options.log ?? (() => {});
  const buildah = await Buildah.open();
  const work = await mkdtemp(join(tmpdir(), 'swf-image-'));
  try {
    const base = await commitRuntimeBase(buildah, join(work, 'rootfs'), options.nodePath, log);
    const context = join(work, 'context');
    await assembleContext(context, options.bundlePath);
    log(`image: building ${reference} on ${base}`);
    await buildah.run([
      'build',
      '--quiet',
      '--isolation',
      'chroot',
      '--pull=never',
      '--build-arg',
      `BASE=${base}`,
      '--build-arg',
      `VERSION=${imageTag(reference)}`,
      '--file',
      options.containerfile ?? CONTAINERFILE,
      '--tag',
      reference,
      context,
    ]);
    await rm(options.archivePath, { force: true });
    await buildah.run([
      'push',
      '--quiet',
      '--disable-compression=false',
      reference,
      `oci-archive:${options.archivePath}:${reference}`,
    ]);
    return {
      reference,
      archivePath: options.archivePath,
      archiveBytes: (await stat(options.archivePath)).size,
      imageBytes: await imageSize(buildah, reference),
      durationMs: Date.now() - started,
    };
  } finally {
    await buildah.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** Commits the Node runtime (no shell, no package manager) as a base image; returns its reference. */
async function commitRuntimeBase(
  buildah: Buildah,
  rootfs: string,
  nodePath: string | undefined,
  log: (line: string) => void,
): Promise<string> {
  const node = nodePath ?? process.execPath;
  const copied = await assembleRuntimeRootfs(rootfs, { nodePath: node });
  const reference = runtimeBaseRef((await run(node, ['--version'])).stdout.trim());
  log(`image: runtime base ${reference} from ${copied.length} files of this machine`);
  const container = (await buildah.run(['from', '--quiet', 'scratch'])).stdout.trim();
  await buildah.run(['copy', '--quiet', container, `${rootfs}/`, '/']);
  await buildah.run(['config', '--env', 'PATH=/usr/local/bin', container]);
  await buildah.run(['commit', '--quiet', '--rm', container, reference]);
  return reference;
}

/** A build context holding only the bundle: nothing else of the repository reaches the builder. */
async function assembleContext(context: string, bundlePath: string): Promise<void> {
  await mkdir(context, { recursive: true });
  await copyFile(bundlePath, join(context, CONTEXT_BUNDLE));
}

/** Size of the image's layers in the store, where they are kept uncompressed, in bytes. */
async function imageSize(buildah: Buildah, reference: string): Promise<number> {
  const { stdout } = await buildah.run([
    'inspect',
    '--type',
    'image',
    '--format',
    '{{.Manifest}}',
    reference,
  ]);
  const manifest = JSON.parse(stdout) as { layers?: Array<{ size: number }> };
  return (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0);
}
