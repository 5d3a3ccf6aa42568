import { MissingLibraryError, sharedLibraries } from './ldd.js';

const NODE_ON_DEBIAN = `\tlinux-vdso.so.1 (0x00007ffc3b5f2000)
\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f0e1c3b4000)
\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0e1c000000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e1be1e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e1c3cc000)
`;

describe('sharedLibraries', () => {
  it.each([
    [
      'keeps resolved libraries and the loader, in order',
      NODE_ON_DEBIAN,
      [
        '/lib/x86_64-linux-gnu/libdl.so.2',
        '/lib/x86_64-linux-gnu/libstdc++.so.6',
        '/lib/x86_64-linux-gnu/libc.so.6',
        '/lib64/ld-linux-x86-64.so.2',
      ],
    ],
    ['drops the vDSO, which has no file', '\tlinux-vdso.so.1 (0x00007ffc3b5f2000)\n', []],
    ['finds nothing in a statically linked binary', '\tnot a dynamic executable\n', []],
    [
      'reads an arm64 loader',
      '\tlibc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (0x0000ffff9c5a0000)\n\t/lib/ld-linux-aarch64.so.1 (0x0000ffff9c800000)\n',
      ['/lib/aarch64-linux-gnu/libc.so.6', '/lib/ld-linux-aarch64.so.1'],
    ],
  ])('%s', (_name, output, expected) => {
    expect(sharedLibraries(output)).toEqual(expected);
  });

  it('names a library ldd cannot find', () => {
    const run = () => sharedLibraries(`${NODE_ON_DEBIAN}\tlibicu.so.72 => not found\n`);
    expect(run).toThrow(MissingLibraryError);
    expect(run).toThrow('libicu.so.72');
  });
});
