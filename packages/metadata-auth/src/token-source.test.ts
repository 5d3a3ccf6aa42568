import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectedVolume } from '@swf/testkit';
import { TokenSourceError } from './errors.js';
import { FileTokenSource } from './token-source.js';

describe('FileTokenSource', () => {
  let volume: ProjectedVolume;
  beforeEach(async () => {
    volume = await ProjectedVolume.create('scheduledworkflow-sa-token');
  });
  afterEach(async () => {
    await volume.remove();
  });

  it('yields null while the file is absent, then the token once it appears', async () => {
    const source = new FileTokenSource(volume.path);
    await expect(source.token()).resolves.toBeNull();
    await volume.write('token-1\n');
    await expect(source.token()).resolves.toBe('token-1');
  });

  it('picks up a token rotated by symlink swap without waiting for the max age', async () => {
    const source = new FileTokenSource(volume.path, { maxAgeMs: 3_600_000 });
    await volume.write('token-1');
    await expect(source.token()).resolves.toBe('token-1');
    await volume.write('token-2');
    await expect(source.token()).resolves.toBe('token-2');
  });

  it('re-reads after the max age even when the file looks unchanged', async () => {
    let now = 0;
    const dir = await mkdtemp(join(tmpdir(), 'token-'));
    const path = join(dir, 'token');
    // Same inode, size and mtime before and after the rewrite: only the age check can notice.
    const fixed = new Date(1_000_000);
    await writeFile(path, 'aaaa');
    await utimes(path, fixed, fixed);
    const source = new FileTokenSource(path, { maxAgeMs: 60_000, now: () => now });
    await expect(source.token()).resolves.toBe('aaaa');
    await writeFile(path, 'bbbb');
    await utimes(path, fixed, fixed);
    now = 59_999;
    await expect(source.token()).resolves.toBe('aaaa');
    now = 60_000;
    await expect(source.token()).resolves.toBe('bbbb');
    await rm(dir, { recursive: true });
  });

  it('yields null again when the volume goes away', async () => {
    const source = new FileTokenSource(volume.path);
    await volume.write('token-1');
    await expect(source.token()).resolves.toBe('token-1');
    await volume.remove();
    await expect(source.token()).resolves.toBeNull();
  });

  it.each([
    ['empty', '', 'is empty'],
    ['white space only', ' \n', 'is empty'],
    ['non-ASCII', 'tøken', 'holds a character outside printable ASCII'],
  ])('fails on a file that is %s', async (_what, content, rule) => {
    await volume.write(content);
    const error = await new FileTokenSource(volume.path).token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenSourceError);
    expect((error as Error).message).toContain(`token file ${volume.path}: ${rule}`);
  });

  it('fails on a folder in place of the file', async () => {
    await mkdir(volume.path);
    await expect(new FileTokenSource(volume.path).token()).rejects.toThrow(
      new TokenSourceError(volume.path, 'is not a regular file'),
    );
  });

  it('fails, naming the code, when the path cannot be examined', async () => {
    const looping = join(volume.dir, 'loop');
    await symlink(looping, looping);
    await expect(new FileTokenSource(looping).token()).rejects.toThrow(
      `token file ${looping}: cannot be read (ELOOP)`,
    );
  });
});
