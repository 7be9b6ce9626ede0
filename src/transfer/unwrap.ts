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

/**
 * Opens a `.byok` with the KEK's private key: RSA-OAEP (SHA-1) then AES-KWP, in the Wasm core.
 * Returns the wrapped material (PKCS#8 DER for RSA/EC, raw bytes for AES); the caller wipes it.
 * Every integrity failure (wrong KEK, tampered blob) is the core's single DECRYPT_FAILED error.
 */
const RSA_FIELDS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function isRsaPrivateKey(v: unknown): v is RsaPrivateKey {
  return isRecord(v) && RSA_FIELDS.every((f) => v[f] instanceof Uint8Array);
}

/** Options objects of unwrapByok and verifyByok, with their `read` (and `readTarget`) option objects. */
function unwrapOptions(fn: string, options: unknown): UnwrapOptions & { readonly readTarget?: ReadTargetKeyOptions } {
  const o = optionsArg(fn, 'options', options);
  for (const k of ['read', 'readTarget']) if (o[k] !== undefined) optionsArg(fn, `options.${k}`, o[k]);
  return o;
}

export function unwrapByok(byok: ParsedByok | Uint8Array | string, kekPrivateKey: Uint8Array | string | RsaPrivateKey, options: UnwrapOptions = {}): Uint8Array {
  return unwrapChecked('unwrapByok', byokArg('unwrapByok', byok), kekPrivateKey, unwrapOptions('unwrapByok', options));
}

function unwrapChecked(fn: string, parsed: ParsedByok, kekPrivateKey: unknown, options: UnwrapOptions): Uint8Array {
  // RSA components are the caller's; a key file is read here, and its components wiped here.
  const ownsKey = !isRsaPrivateKey(kekPrivateKey);
  if (ownsKey && typeof kekPrivateKey !== 'string' && !(kekPrivateKey instanceof Uint8Array)) {
    throw invalid(fn, 'kekPrivateKey', `${KEY_FILE}, or RSA components {n, e, d, p, q, dp, dq, qi}`, kekPrivateKey);
  }
  let priv: RsaPrivateKey;
  if (ownsKey) {
    const t = readTargetKey(kekPrivateKey as Uint8Array | string, options.read);
    try {
      if (t.kind !== 'rsa') {
        throw new ByokError('INVALID_PRIVATE_KEY', `the KEK private key is ${t.kind === 'ec' ? 'an EC' : 'an AES'} key: give the test KEK's RSA private key`);
      }
      priv = rsaComponentsFromPkcs8(t.material);
    } finally {
      wipeTargetKey(t);
    }
  } else {
    priv = kekPrivateKey as RsaPrivateKey;
  }
  try {
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
  } finally {
    if (ownsKey) wipeRsaComponents(priv);
  }
}

/**
 * Reads unwrapped material back as a key: 16/24/32 bytes are a raw AES key, anything else PKCS#8 DER
 * (byok-formats.md §1.2). The caller wipes the result.
 */
export function readUnwrappedMaterial(material: Uint8Array): TargetKey {
  material = expectBytes('readUnwrappedMaterial', 'material', material);
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
  const opts = unwrapOptions(fn, options);
  const ownsTarget = !isTargetKey(target);
  if (ownsTarget) expectKeyFile(fn, 'target', target, TARGET);
  const material = unwrapChecked(fn, parsed, kekPrivateKey, opts);
  let t: TargetKey | undefined;
  let u: TargetKey | undefined;
  try {
    t = ownsTarget ? readTargetKey(target as Uint8Array | string, opts.readTarget) : (target as TargetKey);
    const describe = { kind: t.kind, bits: t.bits, ...(t.curve === undefined ? {} : { curve: t.curve }) };
    if (equalConstantTime(material, t.material)) return { match: 'exact', ...describe };
    try {
      u = readUnwrappedMaterial(material);
    } catch {
      u = undefined; // not a key we read: certainly not the given one
    }
    if (u !== undefined && equalConstantTime(u.material, t.material)) return { match: 'same-key', ...describe };
    throw new ByokError('BYOK_KEY_MISMATCH', 'the .byok opens, but to a different key than the one given: check that you compare with the key you wrapped');
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
