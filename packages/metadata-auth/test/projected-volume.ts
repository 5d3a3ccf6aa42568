import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder laid out as the kubelet lays out a projected volume: the file is a symlink to
 * `..data/<file>`, `..data` is a symlink to a timestamped folder, and an update writes a new folder
 * and renames a fresh `..data` symlink over the old one (an atomic swap).
 */
export class ProjectedVolume {
  #generation = 0;

  private constructor(
    readonly dir: string,
    readonly fileName: string,
  ) {}

  /** Creates an empty volume folder; the file does not exist until {@link write}. */
  static async create(fileName = 'token'): Promise<ProjectedVolume> {
    return new ProjectedVolume(await mkdtemp(join(tmpdir(), 'projected-')), fileName);
  }

  /** Path of the file as a pod sees it. */
  get path(): string {
    return join(this.dir, this.fileName);
  }

  /** Publishes new content with the kubelet's symlink swap. */
  async write(content: string): Promise<void> {
    this.#generation += 1;
    const generation = `..gen_${this.#generation}`;
    await mkdir(join(this.dir, generation));
    await writeFile(join(this.dir, generation, this.fileName), content);
    await symlink(generation, join(this.dir, '..data_tmp'));
    await rename(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.#generation === 1) await symlink(join('..data', this.fileName), this.path);
    else await rm(join(this.dir, `..gen_${this.#generation - 1}`), { recursive: true, force: true });
  }

  /** Removes the folder. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
