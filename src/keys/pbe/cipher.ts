// CBC decryption with PKCS#7 padding removal (RFC 8018 §6.1.1 step 4 / §6.2.1, RFC 5652 §6.3) for the
// block ciphers password-protected keys use: AES (the constant-time Wasm core), DES and 3DES (des.ts), RC2
// (rc2.ts).
//
// A wrong password almost always shows up here as bad padding. The padding check runs over the whole last
// block in constant time and every failure gives the one WRONG_PASSWORD error, so the error says nothing
// about which byte was wrong. (Offline files give an attacker no oracle anyway; we do it because it
// costs nothing and keeps every integrity failure identical, STYLE rule 8.)
import { getCore } from '../../core/index.js';
import { ByokError } from '../../errors.js';
import { structError, type StructCode } from './asn1.js';

/** A block cipher in CBC mode, decrypt direction, without padding removal. */
export interface CbcCipher {
  readonly name: string;
  readonly keyLen: number;
  readonly blockLen: number;
  /** Decrypts whole blocks; `ct.length` is a positive multiple of blockLen (checked by the caller). */
  decryptRaw(key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array;
}

export function aesCbc(keyLen: 16 | 24 | 32): CbcCipher {
  return {
    name: `AES-${keyLen * 8}-CBC`,
    keyLen,
    blockLen: 16,
    decryptRaw: (key, iv, ct) => getCore().aesCbcDecrypt(key, iv, ct),
  };
}

/** Generic CBC over an 8-byte block decryption function (for DES, 3DES, RC2). */
export function cbc64(
  name: string,
  keyLen: number,
  makeDecryptor: (key: Uint8Array) => { decryptBlock(block: Uint8Array): void; wipe(): void },
): CbcCipher {
  return {
    name,
    keyLen,
    blockLen: 8,
    decryptRaw(key, iv, ct) {
      const d = makeDecryptor(key);
      const out = new Uint8Array(ct.length);
      const blk = new Uint8Array(8);
      let prev = iv;
      for (let off = 0; off < ct.length; off += 8) {
        const c = ct.subarray(off, off + 8);
        blk.set(c);
        d.decryptBlock(blk);
        for (let i = 0; i < 8; i++) out[off + i] = (blk[i] as number) ^ (prev[i] as number);
        prev = c;
      }
      blk.fill(0);
      d.wipe();
      return out;
    },
  };
}

/** The one error for every decryption or integrity failure. */
export function wrongPassword(): ByokError {
  return new ByokError(
    'WRONG_PASSWORD',
    'wrong password, or the file is damaged: check the password (exact characters, keyboard layout) and try again',
  );
}

/**
 * Constant-time PKCS#7 check over the last block: returns the plaintext length, or -1. Only the final
 * verdict (and, when valid, the pad length, which the plaintext length reveals anyway) is branched on.
 */
export function unpadLength(pt: Uint8Array, blockLen: number): number {
  const len = pt.length;
  const n = pt[len - 1] as number;
  // bad = 1 unless 1 <= n <= blockLen
  let bad = (((n - 1) >>> 31) | ((blockLen - n) >>> 31)) & 1;
  for (let i = 0; i < blockLen; i++) {
    const inPad = ((i - n) >>> 31) & 1; // 1 when i < n
    const diff = (pt[len - 1 - i] as number) ^ n;
    bad |= inPad & ((diff + 0xff) >>> 8); // (diff+255)>>8 is 1 iff diff != 0 (diff <= 255)
  }
  return bad === 0 ? len - n : -1;
}

/**
 * CBC-decrypts `ct` and removes the PKCS#7 padding. Length problems are structure errors (`code`, at
 * `path`); bad padding is WRONG_PASSWORD. The key is not wiped here (the caller owns it).
 */
export function cbcDecrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  ct: Uint8Array,
  code: StructCode,
  path: string,
): Uint8Array {
  if (ct.length === 0 || ct.length % cipher.blockLen !== 0) {
    throw structError(
      code,
      path,
      `encrypted data of ${ct.length} bytes is not a positive multiple of the ${cipher.name} block size (${cipher.blockLen})`,
    );
  }
  if (iv.length !== cipher.blockLen) {
    throw structError(code, path, `${cipher.name} needs a ${cipher.blockLen}-byte IV, found ${iv.length} bytes`);
  }
  const raw = cipher.decryptRaw(key, iv, ct);
  const len = unpadLength(raw, cipher.blockLen);
  if (len < 0) {
    raw.fill(0);
    throw wrongPassword();
  }
  const out = raw.slice(0, len);
  raw.fill(0);
  return out;
}
