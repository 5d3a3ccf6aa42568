import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { TokenSourceError } from './errors.js';
import { LEGAL_NON_BINARY_VALUE_REGEX } from './metadata-rules.js';

/** Longest time a token is used without reading the file again, even when it looks unchanged. */
export const DEFAULT_TOKEN_MAX_AGE_MS = 60_000;

/** Supplies the bearer token for the next call; `null` means "send no authorization". */
export interface TokenSource {
  token(): Promise<string | null>;
}

/** Options of {@link FileTokenSource}. */
export interface FileTokenSourceOptions {
  /** Re-read the file at least this often. @default 60000 */
  readonly maxAgeMs?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
}

interface CachedToken {
  readonly signature: string;
  readonly token: string;
  readonly readAt: number;
}

/** Errors that mean "there is no token file (yet)", as in a single-user install. */
const ABSENT_CODES = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Reads a bearer token from a file that the kubelet rotates.
 *
 * The kubelet writes a projected token into a new directory and swaps the `..data` symlink, so the
 * path keeps its name while the file behind it changes. Each call `stat`s the path (following the
 * symlink) and re-reads when the file behind it changed or the cached token is older than
 * `maxAgeMs`. A missing file yields `null` and is looked for again on the next call, since a volume
 * can appear after start. An empty or unreadable file is an error, so the call fails instead of
 * going out unauthenticated.
 */
export class FileTokenSource implements TokenSource {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #cached: CachedToken | null = null;

  /** Path of the token file. */
  readonly path: string;

  constructor(path: string, options: FileTokenSourceOptions = {}) {
    this.path = path;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_TOKEN_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * @returns the current token, or `null` when the file does not exist
   * @throws TokenSourceError when the file exists but holds no usable token
   */
  async token(): Promise<string | null> {
    const info = await this.#stat();
    if (info === null) {
      this.#cached = null;
      return null;
    }
    const signature = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    const now = this.#now();
    const cached = this.#cached;
    if (cached && cached.signature === signature && now - cached.readAt < this.#maxAgeMs) {
      return cached.token;
    }
    const token = await this.#read();
    this.#cached = { signature, token, readAt: now };
    return token;
  }

  async #stat(): Promise<Stats | null> {
    try {
      const info = await stat(this.path);
      if (!info.isFile()) throw new TokenSourceError(this.path, 'is not a regular file');
      return info;
    } catch (error) {
      if (error instanceof TokenSourceError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      if (ABSENT_CODES.has(code)) return null;
      throw new TokenSourceError(this.path, `cannot be read (${code})`);
    }
  }

  async #read(): Promise<string> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new TokenSourceError(this.path, `cannot be read (${code})`);
    }
    const token = text.trim();
    if (token === '')
      throw new TokenSourceError(this.path, 'is empty; refusing to send a call without a token');
    if (!LEGAL_NON_BINARY_VALUE_REGEX.test(token)) {
      throw new TokenSourceError(this.path, 'holds a character outside printable ASCII (0x20-0x7E)');
    }
    return token;
  }
}
