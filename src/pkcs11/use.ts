// Using a token's AES key without reading it: one block encrypted inside the token, so a rehearsal
// (`byok verify --key pkcs11:…`) can compare it with the key a blob opens to.
import { ByokError } from '../errors.js';
import { CKM_AES_CBC, CKM_AES_ECB } from './constants.js';
import { asPkcs11Error } from './errors.js';
import type { TokenKey } from './keys.js';
import type { SessionInternals, TokenSession } from './session.js';

/**
 * AES of one 16-byte block under a token secret key: CKM_AES_ECB, else CKM_AES_CBC with a zero IV (the
 * same value for one block). Throws PKCS11_ERROR when the token lets the key do neither.
 */
export function encryptBlockInToken(session: TokenSession, key: TokenKey, block: Uint8Array): Uint8Array {
  const s = session as SessionInternals;
  const { api, session: h } = s.conn;
  if (block.length !== 16) throw new ByokError('INVALID_ARGUMENT', '"block" expected 16 bytes');
  const tries = [{ mechanism: CKM_AES_ECB }, { mechanism: CKM_AES_CBC, parameter: Buffer.alloc(16) }];
  let last = 'error';
  for (const m of tries) {
    try {
      api.C_EncryptInit(h, m, key.handle);
      return new Uint8Array(api.C_Encrypt(h, Buffer.from(block), Buffer.alloc(32)));
    } catch (e) {
      const p = asPkcs11Error(e);
      if (p === undefined) throw e;
      last = p.name;
    }
  }
  throw new ByokError('PKCS11_ERROR', `the token will not encrypt with this AES key (${last}; CKA_ENCRYPT false?), so the blob cannot be compared with it`);
}
