// Wrapping schemes and their parts: the contract between whoever wraps (the Wasm core here, a PKCS#11
// token in src/pkcs11) and the format encoders of src/formats (docs/ARCHITECTURE.md, "Wrap schemes and
// parts"). A scheme is mechanism-level and names no cloud; a format module says which scheme it needs and
// encodes the parts.
//
//   rsa-aes-kwp  CKM_RSA_AES_KEY_WRAP semantics (byok-formats.md §0, §3.2): an ephemeral AES key wraps the
//                target with RFC 5649; the AES key is RSA-OAEP-encrypted to the KEK (MGF1 = the OAEP hash,
//                empty label). Parts: encryptedKey (exactly the KEK's modulus length) and wrappedTarget.
//   rsa-oaep     RSA-OAEP of the target's raw bytes, for secret keys (AWS RSAES_OAEP_*, GCP RSA_OAEP_*_SHA256,
//                OCI RSA_OAEP_SHA256). Part: ciphertext (the modulus length).
import { getCore, type RsaPublicKey } from '../core/index.js';
import { ByokError } from '../errors.js';

export type SchemeHash = 'sha1' | 'sha256';

export type WrapScheme =
  | { readonly mechanism: 'rsa-aes-kwp'; readonly oaepHash: SchemeHash; readonly aesKeyBits: 256 }
  | { readonly mechanism: 'rsa-oaep'; readonly oaepHash: SchemeHash };

export type WrapParts =
  | {
    readonly mechanism: 'rsa-aes-kwp'; readonly encryptedKey: Uint8Array; readonly wrappedTarget: Uint8Array;
    /** A token zero-padded the target's encoding to a multiple of 8 before RFC 5649 (accepted on request). */
    readonly targetZeroPadded?: boolean;
  }
  | { readonly mechanism: 'rsa-oaep'; readonly ciphertext: Uint8Array };

/** Azure's `.byok` (byok-formats.md §1.3): OAEP SHA-1, AES-256, KWP. */
export const AZURE_SCHEME: WrapScheme = { mechanism: 'rsa-aes-kwp', oaepHash: 'sha1', aesKeyBits: 256 };

/** The bytes a CKM_RSA_AES_KEY_WRAP blob (or a direct OAEP ciphertext) is: encryptedKey || wrappedTarget. */
export function joinParts(p: WrapParts): Uint8Array {
  if (p.mechanism === 'rsa-oaep') return p.ciphertext;
  const out = new Uint8Array(p.encryptedKey.length + p.wrappedTarget.length);
  out.set(p.encryptedKey, 0);
  out.set(p.wrappedTarget, p.encryptedKey.length);
  return out;
}

/** RFC 5649 output length for `n` bytes of input. */
export function kwpLength(n: number): number {
  return 8 * Math.ceil(n / 8) + 8;
}

/**
 * The same parts computed in software by the Wasm core (the ephemeral key never leaves it), for a target's
 * material (PKCS#8 DER or raw secret bytes). What a token produces for the same scheme has the same shape
 * and opens the same way; only the random values differ.
 */
export function wrapPartsInSoftware(kek: RsaPublicKey, material: Uint8Array, scheme: WrapScheme): WrapParts {
  const core = getCore();
  const k = modulusLength(kek.n);
  if (scheme.mechanism === 'rsa-oaep') {
    return { mechanism: 'rsa-oaep', ciphertext: core.rsaOaepEncrypt(kek, material, { hash: scheme.oaepHash }) };
  }
  if (scheme.aesKeyBits !== 256) throw new ByokError('INVALID_ARGUMENT', 'aesKeyBits must be 256: every destination uses AES-256 ephemeral keys');
  const blob = core.rsaAesKeyWrap(kek, material, { hash: scheme.oaepHash, aesKeyBits: 256 });
  if (blob.length !== k + kwpLength(material.length)) {
    throw new ByokError('CORE_INTERNAL', `the core returned ${blob.length} bytes where ${k + kwpLength(material.length)} were expected: please report this`);
  }
  return { mechanism: 'rsa-aes-kwp', encryptedKey: blob.slice(0, k), wrappedTarget: blob.slice(k) };
}

/** Length in bytes of a big-endian modulus, leading zero bytes not counted (public value). */
export function modulusLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return n.length - i;
}
