// Wrapping schemes: the mechanism behind each cloud's algorithm name, apart from the encoding of its result
// (docs/ARCHITECTURE.md, "Wrapping schemes and encodings"). Who performs the mechanism — the Wasm core here,
// a PKCS#11 token elsewhere — hands the format modules the same parts:
//
//   'rsa-aes-kwp'  CKM_RSA_AES_KEY_WRAP (byok-formats.md §0): an ephemeral AES key of aesKeyBits, encrypted
//                  with RSAES-OAEP (hash = MGF1 hash = oaepHash, empty label) into exactly k bytes
//                  (`encryptedKey`), and the target wrapped under it with AES-KWP, RFC 5649 (`wrappedTarget`).
//   'rsa-oaep'     RSAES-OAEP of the target itself (same hash rule, empty label): `ciphertext`, k bytes.
//
// k is the wrapping key's modulus length in bytes. Every cloud here uses the same hash for OAEP and MGF1,
// an empty label and a 256-bit ephemeral key, so those are not parameters.
import { expectBytes, invalid, isRecord } from '../arguments.js';
import { ByokError } from '../errors.js';

/** OAEP (and MGF1) hash. SHA-224 is listed because Vault accepts it; the Wasm core does not implement it. */
export type OaepHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface RsaAesKwpScheme {
  readonly mechanism: 'rsa-aes-kwp';
  readonly oaepHash: OaepHash;
  readonly aesKeyBits: 256;
}

export interface RsaOaepScheme {
  readonly mechanism: 'rsa-oaep';
  readonly oaepHash: OaepHash;
}

export type WrappingScheme = RsaAesKwpScheme | RsaOaepScheme;

export interface RsaAesKwpParts {
  readonly mechanism: 'rsa-aes-kwp';
  /** RSAES-OAEP of the ephemeral AES key: exactly k bytes. */
  readonly encryptedKey: Uint8Array;
  /** AES-KWP (RFC 5649) of the target key material: 8·ceil(n/8) + 8 bytes. */
  readonly wrappedTarget: Uint8Array;
}

export interface RsaOaepParts {
  readonly mechanism: 'rsa-oaep';
  /** RSAES-OAEP of the target key material: exactly k bytes. */
  readonly ciphertext: Uint8Array;
}

export type WrappedParts = RsaAesKwpParts | RsaOaepParts;

export const HASH_BYTES: Readonly<Record<OaepHash, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

const HASH_NAMES: Readonly<Record<OaepHash, string>> = { sha1: 'SHA-1', sha224: 'SHA-224', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

// ---- argument checks (these are public: a PKCS#11 source or a caller's own mechanism hands them values) ----

const HASHES = Object.keys(HASH_BYTES) as readonly OaepHash[];

function expectHash(fn: string, name: string, v: unknown): OaepHash {
  if (typeof v !== 'string' || !(HASHES as readonly string[]).includes(v)) throw invalid(fn, name, `one of ${HASHES.join(', ')}`, v);
  return v as OaepHash;
}

/** A scheme as rsaAesKwp / rsaOaep make it. */
export function expectScheme(fn: string, name: string, v: unknown): WrappingScheme {
  const ok = isRecord(v) && (HASHES as readonly unknown[]).includes(v['oaepHash'])
    && (v['mechanism'] === 'rsa-oaep' || (v['mechanism'] === 'rsa-aes-kwp' && v['aesKeyBits'] === 256));
  if (!ok) throw invalid(fn, name, 'a WrappingScheme (rsaAesKwp(hash) or rsaOaep(hash))', v);
  return v as unknown as WrappingScheme;
}

/** Parts as a mechanism hands them over: the mechanism's name and its byte arrays. */
export function expectParts(fn: string, name: string, v: unknown): WrappedParts {
  const ok = isRecord(v) && (v['mechanism'] === 'rsa-oaep'
    ? v['ciphertext'] instanceof Uint8Array
    : v['mechanism'] === 'rsa-aes-kwp' && v['encryptedKey'] instanceof Uint8Array && v['wrappedTarget'] instanceof Uint8Array);
  if (!ok) throw invalid(fn, name, "WrappedParts ({ mechanism: 'rsa-aes-kwp', encryptedKey, wrappedTarget } or { mechanism: 'rsa-oaep', ciphertext })", v);
  return v as unknown as WrappedParts;
}

/** A whole number of bits or bytes in [min, 2^20]: RSA moduli and key sizes are far below the cap. */
export function expectCount(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 1 << 20) throw invalid(fn, name, `a whole number from ${min}`, v);
  return v;
}

export const rsaAesKwp = (oaepHash: OaepHash): RsaAesKwpScheme => ({ mechanism: 'rsa-aes-kwp', oaepHash: expectHash('rsaAesKwp', 'oaepHash', oaepHash), aesKeyBits: 256 });
export const rsaOaep = (oaepHash: OaepHash): RsaOaepScheme => ({ mechanism: 'rsa-oaep', oaepHash: expectHash('rsaOaep', 'oaepHash', oaepHash) });

/** "RSA-OAEP SHA-256 + AES-256 key wrap with padding (CKM_RSA_AES_KEY_WRAP)" — for summaries and messages. */
export function describeScheme(s: WrappingScheme): string {
  expectScheme('describeScheme', 's', s);
  const h = HASH_NAMES[s.oaepHash];
  return s.mechanism === 'rsa-oaep'
    ? `RSA-OAEP ${h} (MGF1 ${h}, empty label) of the key itself`
    : `RSA-OAEP ${h} (MGF1 ${h}, empty label) of an ephemeral AES-${s.aesKeyBits} key + AES key wrap with padding, RFC 5649 (CKM_RSA_AES_KEY_WRAP)`;
}

/** The most RSAES-OAEP carries under a k-byte modulus (RFC 8017 §7.1.1: k − 2·hLen − 2). */
export function oaepCapacity(kekBits: number, hash: OaepHash): number {
  expectCount('oaepCapacity', 'kekBits', kekBits, 1);
  expectHash('oaepCapacity', 'hash', hash);
  return Math.max(0, Math.ceil(kekBits / 8) - 2 * HASH_BYTES[hash] - 2);
}

/** RFC 5649 output length for n bytes of input: 8·ceil(n/8) + 8. */
export const kwpLength = (n: number): number => 8 * Math.ceil(expectCount('kwpLength', 'n', n, 0) / 8) + 8;

function malformed(problem: string): ByokError {
  return new ByokError('WRAPPED_KEY_MALFORMED', problem);
}

/**
 * Checks parts made elsewhere (a PKCS#11 token) against the scheme before they are encoded: the right
 * mechanism, an RSA block of exactly k bytes, a well-formed KWP length — and, when the material length is
 * known, the KWP length it gives. A token that padded differently (PKCS#7 + KW instead of RFC 5649, see
 * byok-formats.md §3.3) is caught here by length for most inputs.
 */
export function checkParts(scheme: WrappingScheme, kekBits: number, parts: WrappedParts, materialLength?: number): void {
  expectScheme('checkParts', 'scheme', scheme);
  expectCount('checkParts', 'kekBits', kekBits, 1);
  expectParts('checkParts', 'parts', parts);
  if (materialLength !== undefined) expectCount('checkParts', 'materialLength', materialLength, 0);
  const k = Math.ceil(kekBits / 8);
  if (parts.mechanism !== scheme.mechanism) throw malformed(`the wrapped parts are ${parts.mechanism} where the scheme is ${scheme.mechanism}`);
  if (parts.mechanism === 'rsa-oaep') {
    if (!(parts.ciphertext instanceof Uint8Array) || parts.ciphertext.length !== k) {
      throw malformed(`the RSA-OAEP ciphertext must be ${k} bytes (the wrapping key's modulus length)`);
    }
    return;
  }
  if (!(parts.encryptedKey instanceof Uint8Array) || parts.encryptedKey.length !== k) {
    throw malformed(`the encrypted AES key must be ${k} bytes (the wrapping key's modulus length)`);
  }
  const w = parts.wrappedTarget;
  if (!(w instanceof Uint8Array) || w.length < 16 || w.length % 8 !== 0) throw malformed('the wrapped target is not an AES key-wrap output (at least 16 bytes, a multiple of 8)');
  if (materialLength !== undefined && w.length !== kwpLength(materialLength)) {
    throw malformed(`the wrapped target is ${w.length} bytes where RFC 5649 gives ${kwpLength(materialLength)} for ${materialLength} bytes of key (another padding?)`);
  }
}

/** The bytes a cloud receives for the parts: encryptedKey ‖ wrappedTarget, or the OAEP ciphertext. */
export function joinParts(parts: WrappedParts): Uint8Array {
  expectParts('joinParts', 'parts', parts);
  if (parts.mechanism === 'rsa-oaep') return parts.ciphertext.slice();
  const out = new Uint8Array(parts.encryptedKey.length + parts.wrappedTarget.length);
  out.set(parts.encryptedKey, 0);
  out.set(parts.wrappedTarget, parts.encryptedKey.length);
  return out;
}

/**
 * The parts of a blob made for a `kekBits` wrapping key (views into `blob`): the inverse of joinParts.
 * WRAPPED_KEY_MALFORMED when no wrap under a key of that size can have this length.
 */
export function splitParts(scheme: WrappingScheme, blob: Uint8Array, kekBits: number): WrappedParts {
  expectScheme('splitParts', 'scheme', scheme);
  expectBytes('splitParts', 'blob', blob);
  expectCount('splitParts', 'kekBits', kekBits, 1);
  const k = Math.ceil(kekBits / 8);
  if (scheme.mechanism === 'rsa-oaep') {
    if (blob.length !== k) throw malformed(`the wrapped key is ${blob.length} bytes; RSA-OAEP under a ${kekBits}-bit wrapping key gives exactly ${k}: wrong file, or wrong wrapping key`);
    return { mechanism: 'rsa-oaep', ciphertext: blob };
  }
  const w = blob.length - k;
  if (w < 16 || w % 8 !== 0) {
    throw malformed(`the wrapped key is ${blob.length} bytes; CKM_RSA_AES_KEY_WRAP under a ${kekBits}-bit wrapping key gives ${k} bytes plus an AES key-wrap block of at least 16 bytes in multiples of 8: wrong file, or wrong wrapping key`);
  }
  return { mechanism: 'rsa-aes-kwp', encryptedKey: blob.subarray(0, k), wrappedTarget: blob.subarray(k) };
}
