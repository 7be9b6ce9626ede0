// unwrapByok / verifyByok: rehearsals with a test KEK whose private key you hold. In production only the
// cloud HSM holds the KEK's private key; these prove a wrap end to end before a real ceremony.
import { expectBytes, expectKeyFile, invalid, isRecord, isTargetKey, KEY_FILE, optionsArg, TARGET } from '../arguments.js';
import { getCore, type RsaPrivateKey } from '../core/index.js';
import { ByokError, isByokError } from '../errors.js';
import { readingForKek, type ParsedByok } from '../formats/azure.js';
import { readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { byokArg } from './read.js';
import { bitLengthVarTime, rsaComponentsFromPkcs8, wipeRsaComponents } from './rsa-components.js';

export interface UnwrapOptions {
  /** How to read the KEK private key when given as bytes (e.g. its password). */
  readonly read?: ReadTargetKeyOptions;
}

const RSA_FIELDS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function isRsaPrivateKey(v: unknown): v is RsaPrivateKey {
  return isRecord(v) && RSA_FIELDS.every((f) => v[f] instanceof Uint8Array);
}

/** Options objects of the rehearsal verbs, with their `read` (and `readTarget`) option objects. */
export function unwrapOptions<T extends UnwrapOptions & { readonly readTarget?: ReadTargetKeyOptions }>(fn: string, options: unknown): T {
  const o = optionsArg(fn, 'options', options);
  for (const k of ['read', 'readTarget']) if (o[k] !== undefined) optionsArg(fn, `options.${k}`, o[k]);
  return o as T;
}

/**
 * Opens a `.byok` with the KEK's private key: RSA-OAEP (SHA-1) then AES-KWP, in the Wasm core.
 * Returns the wrapped material (PKCS#8 DER for RSA/EC, raw bytes for AES); the caller wipes it.
 * Every integrity failure (wrong KEK, tampered blob) is the core's single DECRYPT_FAILED error.
 */
export function unwrapByok(byok: ParsedByok | Uint8Array | string, kekPrivateKey: Uint8Array | string | RsaPrivateKey, options: UnwrapOptions = {}): Uint8Array {
  const fn = 'unwrapByok';
  const parsed = byokArg(fn, byok);
  const opts = unwrapOptions(fn, options);
  return withKekPrivateKey(kekPrivateKey, opts.read, (priv) => {
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
  }, fn);
}

/**
 * Runs `f` with the RSA private key of a test wrapping key: given as the core's record (the caller's, used
 * as is) or as a key file's bytes or text (read with `read`, and its copies wiped after `f`).
 */
export function withKekPrivateKey<R>(
  kekPrivateKey: unknown, read: ReadTargetKeyOptions | undefined, f: (priv: RsaPrivateKey) => R, fn = 'withKekPrivateKey',
): R {
  if (isRsaPrivateKey(kekPrivateKey)) return f(kekPrivateKey);
  if (typeof kekPrivateKey !== 'string' && !(kekPrivateKey instanceof Uint8Array)) {
    throw invalid(fn, 'kekPrivateKey', `${KEY_FILE}, or RSA components {n, e, d, p, q, dp, dq, qi}`, kekPrivateKey);
  }
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
    return f(priv);
  } finally {
    wipeRsaComponents(priv);
  }
}

/**
 * Reads unwrapped material back as a key: raw bytes for a symmetric key (`keyType`, or 16/24/32 bytes: AES),
 * anything else PKCS#8 DER (byok-formats.md §1.2). The caller wipes the result.
 */
export function readUnwrappedMaterial(material: Uint8Array, keyType?: 'aes' | 'hmac'): TargetKey {
  material = expectBytes('readUnwrappedMaterial', 'material', material);
  if (keyType !== undefined && keyType !== 'aes' && keyType !== 'hmac') throw invalid('readUnwrappedMaterial', 'keyType', '"aes" or "hmac"', keyType);
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
export function verifyByok(
  byok: ParsedByok | Uint8Array | string,
  kekPrivateKey: Uint8Array | string | RsaPrivateKey,
  target: TargetKey | Uint8Array | string,
  options: UnwrapOptions & { readonly readTarget?: ReadTargetKeyOptions } = {},
): VerifyResult {
  const fn = 'verifyByok';
  const parsed = byokArg(fn, byok);
  const opts = unwrapOptions<UnwrapOptions & { readonly readTarget?: ReadTargetKeyOptions }>(fn, options);
  expectTarget(fn, target);
  return matchMaterial(unwrapByok(parsed, kekPrivateKey, opts), target, opts.readTarget, 'the .byok');
}

/** A target argument: a TargetKey, or a key file's bytes or text. */
export function expectTarget(fn: string, target: unknown): void {
  if (!isTargetKey(target)) expectKeyFile(fn, 'target', target, TARGET);
}

/**
 * Whether opened material holds exactly `target` ('exact': its canonical bytes; 'same-key': the same key in
 * another valid encoding); BYOK_KEY_MISMATCH otherwise. Wipes `material` and every copy it made.
 */
export function matchMaterial(material: Uint8Array, target: TargetKey | Uint8Array | string, readTarget: ReadTargetKeyOptions | undefined, what: string): VerifyResult {
  const ownsTarget = !isTargetKey(target);
  let t: TargetKey | undefined;
  let u: TargetKey | undefined;
  try {
    t = ownsTarget ? readTargetKey(target as Uint8Array | string, readTarget) : (target as TargetKey);
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
