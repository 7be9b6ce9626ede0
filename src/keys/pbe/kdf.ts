// Password-based key derivation: PBKDF1 and PBKDF2 (RFC 8018 §5.1, §5.2), scrypt (RFC 7914), the PKCS#12
// KDF (RFC 7292 App. B.2) and OpenSSL's EVP_BytesToKey (MD5, one iteration) for DEK-Info PEM.
// Hashes, HMAC, PBKDF2 and scrypt come from @noble/hashes; PBKDF1, the PKCS#12 KDF and EVP_BytesToKey are
// a few lines each on top of them, written from the RFC text.
//
// Cost caps: a hostile file must not hang the tool, so work factors are checked *before* any derivation:
// iteration counts above MAX_ITERATIONS and scrypt parameters above MAX_SCRYPT_MEMORY / MAX_SCRYPT_WORK are
// refused with KDF_LIMIT_EXCEEDED. Real files use 1..2,000,000 iterations and scrypt N <= 2^14 .. 2^17, r = 8
// (OpenSSL's default is 2^14); N = 2^20 (1 GiB) is refused since issue 13.
//
// Timing: iteration counts and lengths are public (they are in the file); the password only flows into
// the hash functions.
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { ByokError } from '../../errors.js';

export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512_224' | 'sha512_256';

const HASHES: Record<HashName, CHash> = { md5, sha1, sha224, sha256, sha384, sha512, sha512_224, sha512_256 };

export function hashOf(name: HashName): CHash {
  return HASHES[name];
}

/** Largest accepted iteration count (PBKDF1/PBKDF2/PKCS#12 KDF, MAC and PBMAC1). */
export const MAX_ITERATIONS = 10_000_000;
/**
 * Largest accepted scrypt memory for the V array (128·r·N bytes): 256 MiB, so that N = 2^18, r = 8 passes
 * and a file cannot make the tool take the gigabytes a browser tab or a small offline laptop lacks. Files
 * from OpenSSL (N = 2^14), Python and Go use far less.
 */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
/** Largest accepted scrypt work (N·r·p): N = 2^18, r = 8, p = 8 at most. */
export const MAX_SCRYPT_WORK = 2 ** 24;

/**
 * Total key-derivation work one container (a PKCS#12 file) may ask for, in hash-iteration units: twice
 * the single-derivation cap. Firefox's 600,000-iteration files need about 3.6 million.
 */
export const MAX_TOTAL_WORK = 2 * MAX_ITERATIONS;

/** Charges `cost` units against a budget; KDF_LIMIT_EXCEEDED once it is spent. */
export function chargeWork(budget: { left: number }, cost: number, where: string): void {
  budget.left -= cost;
  if (budget.left < 0) {
    throw new ByokError(
      'KDF_LIMIT_EXCEEDED',
      `${where}: the file asks for more than ${MAX_TOTAL_WORK} key-derivation rounds in total (many encrypted parts or huge iteration counts); a hostile or broken file, re-export it`,
      { path: where },
    );
  }
}

/** Refuses iteration counts of 0 (RFC 8018 requires a positive count) and hostile ones. */
export function checkIterations(count: number, where: string): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ByokError(
      'INVALID_PBE_PARAMETERS',
      `${where}: iteration count ${count} is invalid (must be at least 1); the file is damaged or was written by a broken tool`,
      { path: where },
    );
  }
  if (count > MAX_ITERATIONS) {
    throw new ByokError(
      'KDF_LIMIT_EXCEEDED',
      `${where}: iteration count ${count} exceeds the limit of ${MAX_ITERATIONS}; re-export the key with fewer iterations (e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000)`,
      { path: where },
    );
  }
}

export function pbkdf2(prf: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  return noblePbkdf2(HASHES[prf], password, salt, { c: iterations, dkLen });
}

/** Validates scrypt parameters (RFC 7914 §2 and our cost caps) before any memory is allocated. */
export function checkScrypt(N: number, r: number, p: number, where: string): void {
  const bad = (what: string): never => {
    throw new ByokError('INVALID_PBE_PARAMETERS', `${where}: scrypt ${what}; the file is damaged`, { path: where });
  };
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 30) bad(`cost N=${N} is not a power of two > 1`);
  if (!Number.isSafeInteger(r) || r < 1) bad(`block size r=${r} is invalid`);
  if (!Number.isSafeInteger(p) || p < 1) bad(`parallelization p=${p} is invalid`);
  // The V array (128·r·N bytes) dominates; the B array (128·r·p bytes) is capped separately so a huge p
  // cannot take the memory instead.
  const mib = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20)} MiB`;
  if (128 * r * N > MAX_SCRYPT_MEMORY || 128 * r * p > 64 * 1024 * 1024 || N * r * p > MAX_SCRYPT_WORK) {
    throw new ByokError(
      'KDF_LIMIT_EXCEEDED',
      `${where}: scrypt N=${N}, r=${r}, p=${p} needs ${mib(128 * r * (N + p))} of memory and N·r·p = ${N * r * p} of work, above this tool's limits (${mib(MAX_SCRYPT_MEMORY)} for 128·r·N, 64 MiB for 128·r·p, 2^24 work); re-export the key with smaller scrypt parameters (e.g. N=2^17, r=8, p=1: 128 MiB)`,
      { path: where },
    );
  }
}

export function scrypt(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Uint8Array {
  return nobleScrypt(password, salt, { N, r, p, dkLen, maxmem: 128 * r * (N + p + 1) + 1024 }); // exact need; the caps were checked already
}

/**
 * x <- H(x), `times` times, in place. Cloning a fresh hash state into one reused instance (as noble's own
 * PBKDF2 does) instead of allocating a hash per round halves the time of 600,000-iteration files (NSS).
 */
function iterateInPlace(H: CHash, x: Uint8Array, times: number): void {
  if (times <= 0) return;
  const fresh = H.create();
  let work = H.create();
  for (let i = 0; i < times; i++) {
    work = fresh._cloneInto(work);
    work.update(x);
    work.digestInto(x);
  }
  work.destroy();
  fresh.destroy();
}

/** PBKDF1 (RFC 8018 §5.1): T_1 = H(P || S), T_i = H(T_{i-1}); DK = T_c[0..dkLen). */
export function pbkdf1(hash: 'md5' | 'sha1', password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  const H = HASHES[hash];
  const h = H.create();
  h.update(password);
  h.update(salt);
  const d = h.digest();
  iterateInPlace(H, d, iterations - 1);
  const out = d.slice(0, dkLen);
  d.fill(0);
  return out;
}

/**
 * PKCS#12 KDF (RFC 7292 App. B.2). `password` is the BMPString form (see password.ts); `id` is 1 for
 * key material, 2 for an IV, 3 for a MAC key.
 */
export function pkcs12Kdf(
  hash: HashName,
  password: Uint8Array,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  n: number,
): Uint8Array {
  const H = HASHES[hash];
  const u = H.outputLen;
  const v = H.blockLen;
  const D = new Uint8Array(v).fill(id);
  const sLen = v * Math.ceil(salt.length / v);
  const pLen = v * Math.ceil(password.length / v);
  const I = new Uint8Array(sLen + pLen);
  for (let i = 0; i < sLen; i++) I[i] = salt[i % salt.length] as number;
  for (let i = 0; i < pLen; i++) I[sLen + i] = password[i % password.length] as number;
  const c = Math.ceil(n / u);
  const out = new Uint8Array(c * u);
  const B = new Uint8Array(v);
  for (let i = 0; i < c; i++) {
    const h = H.create();
    h.update(D);
    h.update(I);
    const A = h.digest();
    iterateInPlace(H, A, iterations - 1);
    out.set(A, i * u);
    if (i + 1 < c) {
      // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block I_j of I, B = A repeated to v bytes.
      for (let k = 0; k < v; k++) B[k] = A[k % u] as number;
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = (I[j + k] as number) + (B[k] as number) + carry;
          I[j + k] = sum & 0xff;
          carry = sum >>> 8;
        }
      }
    }
    A.fill(0);
  }
  const result = out.slice(0, n);
  out.fill(0);
  I.fill(0);
  B.fill(0);
  return result;
}

/**
 * OpenSSL EVP_BytesToKey with MD5 and one iteration, as used by DEK-Info PEM encryption
 * (PEM_do_header): D_i = MD5(D_{i-1} || password || salt), key = D_1 || D_2 || ... truncated.
 */
export function evpBytesToKey(password: Uint8Array, salt: Uint8Array, keyLen: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(keyLen / 16) * 16);
  let prev = new Uint8Array(0);
  for (let off = 0; off < keyLen; off += 16) {
    const h = md5.create();
    h.update(prev);
    h.update(password);
    h.update(salt);
    const d = h.digest();
    prev.fill(0);
    out.set(d, off);
    prev = d;
  }
  prev.fill(0);
  const key = out.slice(0, keyLen);
  out.fill(0);
  return key;
}

/** HMAC with one of our hashes. */
export function hmacWith(hash: HashName, key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(HASHES[hash], key, msg);
}

/** Constant-time equality of two byte strings of public length. */
export function equalCt(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}
