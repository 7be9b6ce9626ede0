// Which PKCS#11 module (shared library) a URI means: module-path (RFC 7512 §2.3, absolute), else
// module-name looked up in the usual library folders, else the caller's default (the CLI passes
// BYOK_PKCS11_MODULE). Nothing is guessed beyond that: loading a library runs its code.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ByokError } from '../errors.js';
import type { Pkcs11Uri } from './uri.js';

const TRIPLETS: Readonly<Record<string, string>> = {
  x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu',
};

/** Folders searched for module-name, in order (Debian/Ubuntu multiarch, Fedora, then generic). */
export function moduleFolders(): string[] {
  const t = TRIPLETS[process.arch];
  const multi = t === undefined ? [] : [`/usr/lib/${t}/pkcs11`, `/usr/lib/${t}/softhsm`, `/usr/lib/${t}`];
  return [...multi, '/usr/lib64/pkcs11', '/usr/lib64', '/usr/lib/pkcs11', '/usr/lib/softhsm', '/usr/lib', '/usr/local/lib/pkcs11', '/usr/local/lib/softhsm', '/usr/local/lib'];
}

const SUFFIX = process.platform === 'darwin' ? '.dylib' : '.so';

export function resolveModulePath(uri: Pkcs11Uri, defaultModule: string | undefined): string {
  if (uri.modulePath !== undefined) return uri.modulePath;
  if (uri.moduleName !== undefined) {
    const names = [`${uri.moduleName}${SUFFIX}`, `lib${uri.moduleName}${SUFFIX}`];
    for (const dir of moduleFolders()) {
      for (const n of names) {
        const p = join(dir, n);
        if (existsSync(p)) return p;
      }
    }
    throw new ByokError('PKCS11_MODULE_NOT_FOUND', `no PKCS#11 module named ${JSON.stringify(uri.moduleName)} (${names.join(' or ')}) in ${moduleFolders().join(', ')}: give its full path with module-path=`);
  }
  if (defaultModule !== undefined && defaultModule !== '') {
    if (!defaultModule.startsWith('/')) throw new ByokError('PKCS11_MODULE_NOT_FOUND', 'BYOK_PKCS11_MODULE must be an absolute path to the PKCS#11 module library');
    return defaultModule;
  }
  throw new ByokError('PKCS11_MODULE_NOT_FOUND', 'the PKCS#11 URI names no module: add ?module-path=/path/to/vendor-pkcs11.so (or module-name=), or set BYOK_PKCS11_MODULE');
}
