import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder laid out as the kubelet lays out a projected volume (a rotated service-account token):
 * `<dir>/<file>` links to `..data/<file>`, `..data` links to a generation folder, and an update
 * writes a new folder and renames a fresh `..data` link over the old one, so readers see the old
 * or the new file, never a partial one.
 */
export class ProjectedVolume {
  /** The volume's folder. */
  readonly dir: string;
  /** Name of the file inside it. */
  readonly fileName: string;
  #generation = 0;

  private constructor(dir: string, fileName: string) {
    this.dir = dir;
    this.fileName = fileName;
  }

  /** An empty volume folder; the file appears with the first {@link write}. */
  static async create(fileName = 'token'): Promise<ProjectedVolume> {
    return new ProjectedVolume(await mkdtemp(join(tmpdir(), 'projected-')), fileName);
  }

  /** The path a pod reads. */
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
