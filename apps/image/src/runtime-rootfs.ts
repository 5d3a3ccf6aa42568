import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sharedLibraries } from './ldd.js';

const run = promisify(execFile);

/** The user the controller runs as, as the manifests' securityContext sets it (distroless' `nonroot`). */
export const NONROOT_UID = 65532;

/** Where the Node binary sits in the image: the same path as in the official `node` images. */
export const IMAGE_NODE_PATH = '/usr/local/bin/node';

/** Where the CA bundle sits in the image: the path Debian, OpenSSL and Go look at. */
export const IMAGE_CA_BUNDLE_PATH = '/etc/ssl/certs/ca-certificates.crt';

/** Files of `/etc` that name users and groups, so tools and `os.userInfo()` resolve uid 65532. */
export const IDENTITY_FILES: Readonly<Record<string, string>> = Object.freeze({
  'etc/passwd': `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`,
  'etc/group': `root:x:0:\nnonroot:x:${NONROOT_UID}:\n`,
  // glibc's default without this file asks DNS before /etc/hosts; Kubernetes writes the pod's own
  // names to /etc/hosts.
  'etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
});

/** What goes into the runtime base. */
export interface RuntimeSources {
  /** The Node binary to ship. @default process.execPath */
  readonly nodePath?: string;
  /** PEM bundle of trusted CAs. @default '/etc/ssl/certs/ca-certificates.crt' */
  readonly caBundlePath?: string;
}

/**
 * Writes into `dir` a root file system that runs Node and nothing else: the binary, the shared
 * libraries and loader `ldd` reports (each at its own path, so the loader finds them without a
 * cache), the CA bundle, and user files for uid 65532. No time-zone files: Node's built-in ICU
 * carries the zone data, for `Intl` and for `TZ`.
 *
 * @returns the absolute paths copied from this machine
 */
export async function assembleRuntimeRootfs(dir: string, sources: RuntimeSources = {}): Promise<string[]> {
  const nodePath = sources.nodePath ?? process.execPath;
  const { stdout } = await run('ldd', [nodePath]);
  const libraries = sharedLibraries(stdout);
  await place(dir, nodePath, IMAGE_NODE_PATH, 0o755);
  // copyFile follows symlinks: each soname becomes a regular file holding the library it names.
  for (const library of libraries) await place(dir, library, library, 0o755);
  const caBundle = sources.caBundlePath ?? IMAGE_CA_BUNDLE_PATH;
  await place(dir, caBundle, IMAGE_CA_BUNDLE_PATH, 0o644);
  for (const [path, text] of Object.entries(IDENTITY_FILES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text, { mode: 0o644 });
  }
  return [nodePath, ...libraries, caBundle];
}

async function place(dir: string, from: string, to: string, mode: number): Promise<void> {
  const target = join(dir, to);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(from, target);
  await chmod(target, mode);
}
