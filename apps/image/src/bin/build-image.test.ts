import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/bin/build-image.js', import.meta.url));

describe('the image build without buildah', () => {
  it('fails with exit code 1 and tells how to install buildah', () => {
    const result = spawnSync(process.execPath, [BIN], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('buildah not found on PATH');
    expect(result.stderr).toContain('apt-get install -y buildah');
  });
});
