// Opening blobs a token made, with the OpenSSL CLI alone, and reading what is inside: the wrapped material
// and, for a token whose padded key wrap zero-pads (SoftHSM < 2.7), how many zero bytes follow the
// PKCS#8 structure (counted from its own DER length; every one must be zero, at most 7).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openssl, opensslPublicDer } from './openssl.js';
import { opensslRecipeUnwrapWith, type RecipeScheme } from './openssl-recipe.js';

export interface OpenedBlob {
  /** The key's own bytes: PKCS#8 DER (without any zero padding) or the raw AES key. */
  readonly material: Buffer;
  /** Zero bytes that followed the PKCS#8 structure (0 for an exact RFC 5649 wrap). */
  readonly zeroPadding: number;
}

/** Length of the DER element at the start of `der` (tag, length octets, contents). */
export function derElementLength(der: Buffer): number {
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len;
}

/**
 * Opens a blob with the OpenSSL CLI and the KEK's private key: by default Azure's CKM_RSA_AES_KEY_WRAP
 * ciphertext, else the given cloud recipe (hash, RSA-AES or direct OAEP).
 */
export function openBlob(dir: string, kekPrivPem: string, kekBits: number, ciphertext: Uint8Array, kind: 'rsa' | 'ec' | 'oct', recipe: RecipeScheme = { hash: 'sha1', aes: true }): OpenedBlob {
  const opened = opensslRecipeUnwrapWith(dir, kekPrivPem, kekBits, ciphertext, recipe);
  if (kind === 'oct') return { material: opened, zeroPadding: 0 };
  expect(opened[0]).toBe(0x30); // a DER SEQUENCE: PrivateKeyInfo
  const end = derElementLength(opened);
  const pad = opened.subarray(end);
  expect(pad.length).toBeLessThanOrEqual(7);
  expect(pad.every((b) => b === 0)).toBe(true);
  return { material: opened.subarray(0, end), zeroPadding: pad.length };
}

/** SubjectPublicKeyInfo DER of a PKCS#8 DER private key, by `openssl pkey`. */
export function opensslSpkiOfPkcs8(dir: string, pkcs8: Buffer, name: string): Buffer {
  const f = join(dir, `${name}.p8.der`);
  writeFileSync(f, pkcs8);
  return opensslPublicDer(f);
}

/** AES-ECB of one block by `openssl enc` (the reference for a token's C_Encrypt). */
export function opensslAesEcb(key: Buffer, block: Buffer): Buffer {
  return openssl(['enc', `-aes-${key.length * 8}-ecb`, '-K', key.toString('hex'), '-nopad'], block);
}
