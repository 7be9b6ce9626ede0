// Failure behaviour of the RSA operations, on every build:
// - single-bit tampering of OAEP ciphertexts and of composite blobs (either half), wrong labels, wrong
//   keys, wrong hashes: always the one generic DECRYPT_FAILED error with its one message;
// - bad arguments: typed errors with stable codes, checked before any work;
// - inconsistent private keys: INVALID_PRIVATE_KEY; a key that passes every load check but whose
//   "primes" are not prime makes the CRT result wrong, which the fault check (m^e == c) must catch.
import { generatePrimeSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isByokError, type ByokErrorCode } from '../../src/errors.js';
import { DECRYPT_FAILED_MESSAGE } from '../../src/core/instance.js';
import type { RsaPrivateKey } from '../../src/core/types.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { generateTestKey, keyFromFactors, nodeOaepEncrypt, toBig, toBytes } from '../helpers/rsa-keys.js';
import { codeOf } from '../helpers/errors.js';

const builds = await loadAllBuilds();
const key = generateTestKey(2048);
const other = generateTestKey(2048);
const k = key.priv.n.length;


function expectGeneric(f: () => unknown, what: string): void {
  try {
    f();
  } catch (e) {
    expect(isByokError(e, 'DECRYPT_FAILED'), `${what}: ${String(e)}`).toBe(true);
    expect((e as Error).message).toBe(DECRYPT_FAILED_MESSAGE);
    return;
  }
  throw new Error(`${what}: no error`);
}

/** Bit positions to flip: every bit of the first and last bytes, and a spread over the rest. */
function bitPositions(len: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 8; b++) out.push(b, (len - 1) * 8 + b);
  for (let i = 1; i < 24; i++) out.push(Math.floor((i * len * 8) / 24) + (i % 8));
  return out;
}

function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[bit >> 3] = (c[bit >> 3] as number) ^ (0x80 >> (bit & 7));
  return c;
}

describe('RSA failures', () => {
  for (const build of builds) {
    const api = build.api;

    it(`${build.name}: every single-bit change of an OAEP ciphertext gives the generic error`, () => {
      const label = randomBytes(5);
      const ct = api.rsaOaepEncrypt(key.priv, randomBytes(40), { hash: 'sha256', label });
      for (const bit of bitPositions(ct.length)) {
        expectGeneric(() => api.rsaOaepDecrypt(key.priv, flip(ct, bit), { hash: 'sha256', label }), `bit ${bit}`);
      }
    });

    it(`${build.name}: wrong label, hash, MGF1 hash or key gives the generic error`, () => {
      const msg = randomBytes(16);
      const label = randomBytes(8);
      const ct = api.rsaOaepEncrypt(key.priv, msg, { hash: 'sha256', label });
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha256' }), 'no label');
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha256', label: flip(label, 3) }), 'other label');
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha1', label }), 'other hash');
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha256', mgf1Hash: 'sha1', label }), 'other MGF1 hash');
      expectGeneric(() => api.rsaOaepDecrypt(other.priv, ct, { hash: 'sha256', label }), 'other key');
      // c >= n: the ciphertext "n" itself, and all-ones.
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, key.priv.n, { hash: 'sha256' }), 'c = n');
      expectGeneric(() => api.rsaOaepDecrypt(key.priv, new Uint8Array(k).fill(0xff), { hash: 'sha256' }), 'c > n');
    });

    it(`${build.name}: every single-bit change of a composite blob (either half) gives the generic error`, () => {
      const blob = api.rsaAesKeyWrap(key.priv, randomBytes(70), { hash: 'sha1' });
      for (const bit of bitPositions(blob.length)) {
        expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, flip(blob, bit), { hash: 'sha1' }), `bit ${bit}`);
      }
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha256' }), 'other hash');
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1', aesKeyBits: 128 }), 'other AES size');
      expectGeneric(() => api.rsaAesKeyUnwrap(other.priv, blob, { hash: 'sha1' }), 'other key');
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, blob.subarray(0, blob.length - 8), { hash: 'sha1' }), 'truncated');
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, blob.subarray(0, k + 8), { hash: 'sha1' }), 'too short');
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, blob.subarray(0, blob.length - 1), { hash: 'sha1' }), 'not 8n');
      // A well-formed OAEP half carrying a key of the wrong length.
      const wrongEph = Buffer.concat([nodeOaepEncrypt(key.publicKey, randomBytes(31), 'sha1'), blob.subarray(k)]);
      expectGeneric(() => api.rsaAesKeyUnwrap(key.priv, wrongEph, { hash: 'sha1' }), '31-byte ephemeral key');
    });

    it(`${build.name}: bad arguments give typed errors`, () => {
      const cases: [ByokErrorCode, () => unknown][] = [
        ['UNSUPPORTED_HASH', () => api.rsaOaepEncrypt(key.priv, new Uint8Array(1), { hash: 'md5' as 'sha1' })],
        ['UNSUPPORTED_HASH', () => api.rsaOaepEncrypt(key.priv, new Uint8Array(1), { hash: 'sha256', mgf1Hash: 'sha224' as 'sha1' })],
        ['UNSUPPORTED_HASH', () => api.rsaAesKeyWrap(key.priv, new Uint8Array(1), { hash: 'sha224' as 'sha1' })],
        ['UNSUPPORTED_KEY_SIZE', () => api.rsaOaepEncrypt({ n: randomBytes(64), e: Uint8Array.of(1, 0, 1) }, new Uint8Array(1), { hash: 'sha1' })],
        ['UNSUPPORTED_KEY_SIZE', () => api.rsaOaepEncrypt({ n: Uint8Array.from([0x80, ...randomBytes(1024)]), e: Uint8Array.of(3) }, new Uint8Array(1), { hash: 'sha1' })],
        ['INVALID_PUBLIC_KEY', () => api.rsaOaepEncrypt({ n: flip(key.priv.n, k * 8 - 1), e: key.priv.e }, new Uint8Array(1), { hash: 'sha1' })],
        ['INVALID_PUBLIC_KEY', () => api.rsaOaepEncrypt({ n: key.priv.n, e: Uint8Array.of(1, 0, 0) }, new Uint8Array(1), { hash: 'sha1' })],
        ['INVALID_PUBLIC_KEY', () => api.rsaOaepEncrypt({ n: key.priv.n, e: Uint8Array.of(1) }, new Uint8Array(1), { hash: 'sha1' })],
        ['INVALID_PUBLIC_KEY', () => api.rsaOaepEncrypt({ n: key.priv.n, e: Uint8Array.of(1, 0, 0, 0, 1) }, new Uint8Array(1), { hash: 'sha1' })],
        ['MESSAGE_TOO_LONG', () => api.rsaOaepEncrypt(key.priv, new Uint8Array(k - 2 * 32 - 1), { hash: 'sha256' })],
        ['MESSAGE_TOO_LONG', () => api.rsaOaepEncrypt({ n: key.priv.n.subarray(0, 128).map((b, i) => (i === 0 ? b | 0x80 : i === 127 ? b | 1 : b)), e: key.priv.e }, new Uint8Array(0), { hash: 'sha512' })],
        ['BAD_DATA_LENGTH', () => api.rsaOaepDecrypt(key.priv, new Uint8Array(k - 1), { hash: 'sha1' })],
        ['BAD_DATA_LENGTH', () => api.rsaOaepDecrypt(key.priv, new Uint8Array(k + 1), { hash: 'sha1' })],
        ['BAD_DATA_LENGTH', () => api.rsaAesKeyWrap(key.priv, new Uint8Array(0), { hash: 'sha1' })],
        ['CORE_BAD_ARGUMENT', () => api.rsaAesKeyWrap(key.priv, new Uint8Array(8), { hash: 'sha1', aesKeyBits: 512 as 256 })],
        ['CORE_BAD_ARGUMENT', () => api.rsaOaepEncrypt(key.priv, 'text' as unknown as Uint8Array, { hash: 'sha1' })],
        ['CORE_BAD_ARGUMENT', () => api.rsaOaepEncrypt(key.priv, new Uint8Array(1), { hash: 'sha1', label: [1, 2] as unknown as Uint8Array })],
        ['INVALID_PRIVATE_KEY', () => api.rsaOaepDecrypt({ ...key.priv, qi: undefined } as unknown as RsaPrivateKey, new Uint8Array(k), { hash: 'sha1' })],
      ];
      for (const [code, f] of cases) expect(codeOf(f), String(f)).toBe(code);
    });

    it(`${build.name}: inconsistent private keys are refused (INVALID_PRIVATE_KEY)`, () => {
      const ct = api.rsaOaepEncrypt(key.priv, randomBytes(10), { hash: 'sha1' });
      const p = toBig(key.priv.p);
      const q = toBig(key.priv.q);
      const bad: [string, RsaPrivateKey][] = [
        ['p and q swapped (qi no longer matches)', { ...key.priv, p: key.priv.q, q: key.priv.p, dp: key.priv.dq, dq: key.priv.dp }],
        ['dp of the other prime', { ...key.priv, dp: key.priv.dq }],
        ['dp + (p-1)', { ...key.priv, dp: toBytes(toBig(key.priv.dp) + p - 1n) }],
        ['qi + 1', { ...key.priv, qi: toBytes(toBig(key.priv.qi) + 1n) }],
        ['qi + p', { ...key.priv, qi: toBytes(toBig(key.priv.qi) + p) }],
        ['other n', { ...key.priv, n: other.priv.n }],
        ['q of another key', { ...key.priv, q: other.priv.q }],
        ['e of another value', { ...key.priv, e: Uint8Array.of(3) }],
        ['p + 2', { ...key.priv, p: toBytes(p + 2n) }],
        ['q - 2', { ...key.priv, q: toBytes(q - 2n) }],
      ];
      for (const [what, priv] of bad) expect(codeOf(() => api.rsaOaepDecrypt(priv, ct, { hash: 'sha1' })), what).toBe('INVALID_PRIVATE_KEY');
      const blob = api.rsaAesKeyWrap(key.priv, randomBytes(32), { hash: 'sha1' });
      expect(codeOf(() => api.rsaAesKeyUnwrap(bad[1]?.[1] as RsaPrivateKey, blob, { hash: 'sha1' }))).toBe('INVALID_PRIVATE_KEY');
    });

    it(`${build.name}: a wrong CRT result is caught by the fault check (FAULT_DETECTED)`, () => {
      // p = 1000003 * (a 1004-bit prime) is odd but composite; dp = e^-1 mod (p-1) etc. satisfy every load
      // check, but c^dp mod p is not the RSA inverse mod p, so m^e != c.
      const faulty = compositeKey();
      const kk = faulty.n.length;
      for (let i = 0; i < 3; i++) {
        const c = randomBytes(kk);
        c[0] = 0x01; // < n
        expect(codeOf(() => api.rsaOaepDecrypt(faulty, c, { hash: 'sha1' }))).toBe('FAULT_DETECTED');
      }
    });
  }
});

let cachedComposite: RsaPrivateKey | undefined;
function compositeKey(): RsaPrivateKey {
  if (cachedComposite) return cachedComposite;
  for (;;) {
    const r = generatePrimeSync(1004, { bigint: true });
    const p = 1000003n * r; // 20 + 1004 bits
    const q = generatePrimeSync(1024, { bigint: true });
    const g = (a: bigint, b: bigint): bigint => (b === 0n ? a : g(b, a % b));
    if (g(65537n, p - 1n) !== 1n || g(65537n, q - 1n) !== 1n) continue;
    if ((p * q).toString(2).length < 2040) continue;
    cachedComposite = keyFromFactors(p, q);
    return cachedComposite;
  }
}

