// Smoke test of the built image (`pnpm build` writes it): runs the controller inside it with buildah.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { DIST_BASE_DIR } from '@swf/manifests';
import { parse } from 'yaml';
import { Buildah } from '../src/buildah.js';
import { IMAGE_REF, imageTag } from '../src/image-ref.js';
import { sharedLibraries } from '../src/ldd.js';
import { IMAGE_ARCHIVE } from '../src/paths.js';
import { IMAGE_CA_BUNDLE_PATH, IMAGE_NODE_PATH, NONROOT_UID } from '../src/runtime-rootfs.js';

const run = promisify(execFile);

interface ContainerConfig {
  Entrypoint: string[];
  User: string;
  Labels: Record<string, string>;
}

let buildah: Buildah;
let container: string;
let config: ContainerConfig;

beforeAll(async () => {
  buildah = await Buildah.open();
  container = (await buildah.run(['from', '--quiet', `oci-archive:${IMAGE_ARCHIVE}`])).stdout.trim();
  const inspected = JSON.parse((await buildah.run(['inspect', '--type', 'container', container])).stdout);
  config = inspected.OCIv1.config as ContainerConfig;
});

afterAll(async () => {
  await buildah?.close();
});

/** Runs a command inside the image, as its user, with the given env. */
async function inImage(command: string[], env: Record<string, string> = {}) {
  const envFlags = Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  return buildah.run(['run', '--isolation', 'chroot', ...envFlags, container, '--', ...command]);
}

/** Runs the image's entrypoint with `args`, as a container runtime would. */
function controller(args: string[], env: Record<string, string> = {}) {
  return inImage([...config.Entrypoint, ...args], env);
}

describe('the image', () => {
  it('is named in the archive as the generated Deployment names it', async () => {
    const { stdout } = await run('tar', ['-xOf', IMAGE_ARCHIVE, 'index.json']);
    const index = JSON.parse(stdout) as { manifests: Array<{ annotations: Record<string, string> }> };
    const deployment = parse(
      await readFile(join(DIST_BASE_DIR, 'ml-pipeline-scheduledworkflow-deployment.yaml'), 'utf8'),
    );
    const image = deployment.spec.template.spec.containers[0].image;
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).toEqual([image]);
    expect(image).toBe(IMAGE_REF);
  });

  it('runs the bundle with Node as uid 65532, with OCI labels', () => {
    expect(config.Entrypoint).toEqual([
      IMAGE_NODE_PATH,
      '--max-semi-space-size=1',
      '--lite-mode',
      '/app/swf-controller.mjs',
    ]);
    expect(config.User).toBe(`${NONROOT_UID}:${NONROOT_UID}`);
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'swf-controller',
      'org.opencontainers.image.version': imageTag(IMAGE_REF),
    });
  });

  it('holds the runtime and the bundle and nothing else: no shell, no package manager', async () => {
    const mount = (await buildah.run(['mount', container])).stdout.trim();
    try {
      const files = (await listFiles(mount)).map((file) => `/${relative(mount, file)}`);
      const { stdout } = await run('ldd', [process.execPath]);
      expect(files.sort()).toEqual(
        [
          IMAGE_NODE_PATH,
          ...sharedLibraries(stdout),
          IMAGE_CA_BUNDLE_PATH,
          '/etc/passwd',
          '/etc/group',
          '/etc/nsswitch.conf',
          '/app/swf-controller.mjs',
        ].sort(),
      );
    } finally {
      await buildah.run(['umount', container]);
    }
  });
});

describe('the controller inside the image', () => {
  it('prints its usage for --help and exits 0', async () => {
    const { stdout } = await controller(['--help']);
    expect(stdout).toContain('swf-controller: the Kubeflow Pipelines ScheduledWorkflow controller');
    expect(stdout).toContain('--userIdentityHeader');
  });

  it('resolves the multi-user settings with print-config, zone checked by the built-in ICU', async () => {
    const { stdout } = await controller(['print-config'], {
      NAMESPACE: '',
      USER_IDENTITY_HEADER: 'kubeflow-userid',
      USER_IDENTITY_VALUE: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
      CRON_SCHEDULE_TIMEZONE: 'Asia/Tokyo',
    });
    expect(JSON.parse(stdout)).toMatchObject({
      namespace: '',
      timezone: 'Asia/Tokyo',
      userIdentity: {
        key: 'kubeflow-userid',
        value: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
      },
    });
  });

  it('refuses a bad setting with exit code 2', async () => {
    const failure = await controller(['print-config', '--clientQPS=fast']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ exitCode: 2 });
  });

  it('knows the user, the local zone from TZ, and the CA bundle', async () => {
    const probe = [
      "const fs = require('node:fs');",
      "const pem = fs.readFileSync(process.argv[1], 'utf8');",
      'console.log(JSON.stringify({',
      '  uid: process.getuid(),',
      "  user: require('node:os').userInfo().username,",
      '  zone: Intl.DateTimeFormat().resolvedOptions().timeZone,',
      '  offsetMinutes: new Date(Date.UTC(2024, 0, 15)).getTimezoneOffset(),',
      "  certificates: pem.split('BEGIN CERTIFICATE').length - 1,",
      '}));',
    ].join('\n');
    const { stdout } = await inImage([IMAGE_NODE_PATH, '-e', probe, IMAGE_CA_BUNDLE_PATH], {
      TZ: 'Europe/Berlin',
    });
    const seen = JSON.parse(stdout);
    expect(seen).toMatchObject({
      uid: NONROOT_UID,
      user: 'nonroot',
      zone: 'Europe/Berlin',
      offsetMinutes: -60,
    });
    expect(seen.certificates).toBeGreaterThan(10);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name));
}
