// unwrapByok / verifyByok: rehearsals with a test KEK whose private key you hold. In production only the
// cloud HSM holds the KEK's private key; these prove a wrap end to end before a real ceremony.
import { getCore, type RsaPrivateKey } from '../core/index.js';
import { ByokError, isByokError } from '../errors.js';
import { readingForKek, type ParsedByok } from '../formats/azure.js';
import { readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { readByok } from './read.js';
import { bitLengthVarTime, rsaComponentsFromPkcs8, wipeRsaComponents } from './rsa-components.js';

export interface UnwrapOptions {
  /** How to read the KEK private key when given as bytes (e.g. its password). */
  readonly read?: ReadTargetKeyOptions;
}

/**
 * Opens a `.byok` with the KEK's private key: RSA-OAEP (SHA-1) then AES-KWP, in the Wasm core.
 * Returns the wrapped material (PKCS#8 DER for RSA/EC, raw bytes for AES); the caller wipes it.
 * Every integrity failure (wrong KEK, tampered blob) is the core's single DECRYPT_FAILED error.
 */
export function unwrapByok(byok: ParsedByok | Uint8Array | string, kekPrivateKey: Uint8Array | RsaPrivateKey, options: UnwrapOptions = {}): Uint8Array {
  const parsed = byok instanceof Uint8Array || typeof byok === 'string' ? readByok(byok) : byok;
  return withKekPrivateKey(kekPrivateKey, options.read, (priv) => {
    const bits = bitLengthVarTime(priv.n);
    readingForKek(parsed, bits);
    try {
      return getCore().rsaAesKeyUnwrap(priv, parsed.ciphertext, { hash: 'sha1' });
    } catch (e) {
      // One message for every cause (wrong KEK, altered OAEP block, altered KWP block): no oracle.
      if (isByokError(e, 'DECRYPT_FAILED')) {
        throw new ByokError('DECRYPT_FAILED', 'the .byok does not open with this KEK private key: wrong KEK, or the file was altered', { cause: e });
      }
      throw e;
    }
  });
}

/**
 * Runs `fn` with the RSA private key of a test wrapping key: given as the core's record (used as is) or as a
 * key file's bytes (read with `read`, and its copies wiped after `fn`).
 */
export function withKekPrivateKey<R>(kekPrivateKey: Uint8Array | RsaPrivateKey, read: ReadTargetKeyOptions | undefined, fn: (priv: RsaPrivateKey) => R): R {
  if (!(kekPrivateKey instanceof Uint8Array)) return fn(kekPrivateKey);
  const t = readTargetKey(kekPrivateKey, read);
  let priv: RsaPrivateKey;
  try {
    if (t.kind !== 'rsa') {
      const what = t.kind === 'ec' ? 'an EC' : t.kind === 'ed25519' ? 'an Ed25519' : t.keyType === 'hmac' ? 'an HMAC' : 'an AES';
      throw new ByokError('INVALID_PRIVATE_KEY', `the KEK private key is ${what} key: give the test KEK's RSA private key`);
    }
    priv = rsaComponentsFromPkcs8(t.material);
  } finally {
    wipeTargetKey(t);
  }
  try {
    return fn(priv);
  } finally {
    wipeRsaComponents(priv);
  }
}

/**
 * Reads unwrapped material back as a key: raw bytes for a symmetric key (`keyType`, or 16/24/32 bytes: AES),
 * anything else PKCS#8 DER (byok-formats.md §1.2). The caller wipes the result.
 */
export function readUnwrappedMaterial(material: Uint8Array, keyType?: 'aes' | 'hmac'): TargetKey {
  if (keyType === 'hmac') return readTargetKey(material, { format: 'raw', rawEncoding: 'binary', keyType: 'hmac' });
  const raw = material.length === 16 || material.length === 24 || material.length === 32;
  return readTargetKey(material, raw ? { format: 'raw', rawEncoding: 'binary' } : { format: 'pkcs8' });
}

export type VerifyMatch = 'exact' | 'same-key';

export interface VerifyResult {
  /** 'exact': the blob holds byte for byte the canonical encoding of the key; 'same-key': the same key in another valid encoding. */
  readonly match: VerifyMatch;
  readonly kind: TargetKey['kind'];
  readonly bits: number;
  readonly curve?: string;
}

/**
 * Opens the blob and checks it holds exactly `target`. Throws BYOK_KEY_MISMATCH when it opens to another
 * key, DECRYPT_FAILED when it does not open with this KEK.
 */
export function verifyByok(byok: ParsedByok | Uint8Array | string, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options: UnwrapOptions & { readonly readTarget?: ReadTargetKeyOptions } = {}): VerifyResult {
  return matchMaterial(unwrapByok(byok, kekPrivateKey, options), target, options.readTarget, 'the .byok');
}

/**
 * Whether opened material holds exactly `target` ('exact': its canonical bytes; 'same-key': the same key in
 * another valid encoding); BYOK_KEY_MISMATCH otherwise. Wipes `material` and every copy it made.
 */
export function matchMaterial(material: Uint8Array, target: TargetKey | Uint8Array, readTarget: ReadTargetKeyOptions | undefined, what: string): VerifyResult {
  const ownsTarget = target instanceof Uint8Array;
  let t: TargetKey | undefined;
  let u: TargetKey | undefined;
  try {
    t = ownsTarget ? readTargetKey(target, readTarget) : target;
    const describe = { kind: t.kind, bits: t.bits, ...(t.curve === undefined ? {} : { curve: t.curve }) };
    if (equalConstantTime(material, t.material)) return { match: 'exact', ...describe };
    try {
      u = readUnwrappedMaterial(material, t.kind === 'oct' ? t.keyType : undefined);
    } catch {
      u = undefined; // not a key we read: certainly not the given one
    }
    if (u !== undefined && equalConstantTime(u.material, t.material)) return { match: 'same-key', ...describe };
    throw new ByokError('BYOK_KEY_MISMATCH', `${what} opens, but to a different key than the one given: check that you compare with the key you wrapped`);
  } finally {
    material.fill(0);
    if (u !== undefined) wipeTargetKey(u);
    if (ownsTarget && t !== undefined) wipeTargetKey(t);
  }
}

/** Equal length and equal bytes, without an early exit on the first difference (key material). */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false; // lengths are public (KWP reveals them to within 8 bytes)
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
