/** A library the binary needs is missing on this machine, so no image can hold it. */
export class MissingLibraryError extends Error {
  /** The library's soname as `ldd` printed it. */
  readonly library: string;
  override readonly name = 'MissingLibraryError';

  constructor(library: string) {
    super(`${library}: ldd reports it "not found"; install it before building the image`);
    this.library = library;
  }
}

// `\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` or `\t/lib64/ld-linux-x86-64.so.2 (0x...)`.
const RESOLVED = /^\s*(?:\S+\s+=>\s+)?(\/\S+)\s+\(0x[0-9a-f]+\)\s*$/;
const NOT_FOUND = /^\s*(\S+)\s+=>\s+not found\s*$/;

/**
 * The files a dynamically linked binary loads, as absolute paths in load order, from `ldd` output.
 * The vDSO (no path: the kernel maps it) and a statically linked binary give no entries.
 *
 * @throws MissingLibraryError for a library `ldd` could not find
 */
export function sharedLibraries(lddOutput: string): string[] {
  const paths: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const missing = NOT_FOUND.exec(line);
    if (missing) throw new MissingLibraryError(missing[1] as string);
    const resolved = RESOLVED.exec(line);
    if (resolved) paths.push(resolved[1] as string);
  }
  return paths;
}
