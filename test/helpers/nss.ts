// NSS's software token (softokn, in Debian's libnss3) as a second, independent PKCS#11 implementation. Its
// CKM_AES_KEY_WRAP_KWP (0x210B) is RFC 5649 for every length and its CKM_AES_KEY_WRAP_PAD (0x210A) is
// not (PKCS#7 + RFC 3394), and it does OAEP with SHA-1 and SHA-256: the token on which the exact path,
// the known-answer test's choice between the two, and SHA-256 schemes are tested. A fresh database in a
// temporary folder per test file; the user PIN is set through the security officer (empty SO PIN of a
// new database).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Pkcs11Types from 'pkcs11js';
import { openTokenSession, type TokenSession } from '../../src/pkcs11/index.js';
import { tokenOps, type SoftHsm } from './softhsm.js';

const require = createRequire(import.meta.url);

export const NSS_LIBRARY_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libsoftokn3.so',
  '/usr/lib/aarch64-linux-gnu/libsoftokn3.so',
  '/usr/lib64/libsoftokn3.so',
  '/usr/lib/libsoftokn3.so',
];

export const NSS_TOKEN = 'NSS Certificate DB';

export function findNssLibrary(): string | undefined {
  return NSS_LIBRARY_CANDIDATES.find((p) => existsSync(p));
}

export interface NssToken extends SoftHsm {
  /** C_Initialize parameters: give them to byok as moduleParameters. */
  readonly parameters: string;
}

export function nssUsable(): boolean {
  if (findNssLibrary() === undefined) return false;
  try {
    require('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

export function openNss(): NssToken {
  const library = findNssLibrary();
  if (library === undefined) throw new Error('libsoftokn3.so not found');
  const dir = mkdtempSync(join(tmpdir(), 'byok-nss-'));
  const parameters = `configdir='sql:${dir}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`;
  const pkcs11js = require('pkcs11js') as typeof Pkcs11Types;
  const p11 = new pkcs11js.PKCS11();
  p11.load(library);
  p11.C_Initialize({ libraryParameters: parameters });
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === NSS_TOKEN);
  if (slot === undefined) throw new Error(`${NSS_TOKEN} not found`);
  const session = p11.C_OpenSession(slot, 6);
  const pin = '1234';
  p11.C_Login(session, 0, ''); // CKU_SO with the empty password of a new database
  p11.C_InitPIN(session, pin);
  p11.C_Logout(session);
  p11.C_Login(session, 1, pin);
  return {
    ...tokenOps(pkcs11js, p11, session, { library, label: NSS_TOKEN, pin }),
    parameters,
    close() {
      try {
        p11.C_CloseSession(session);
        p11.C_Finalize();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** byok's session on the NSS token (its URI, PIN and C_Initialize parameters). */
export function openNssSession(nss: NssToken): Promise<TokenSession> {
  return openTokenSession(`pkcs11:token=${encodeURIComponent(NSS_TOKEN)}?module-path=${nss.library}`, {
    pin: new TextEncoder().encode(nss.pin), moduleParameters: nss.parameters,
  });
}
