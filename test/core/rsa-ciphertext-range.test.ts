// RFC 8017 §5.1.2 step 1 / §7.1.2 step 2a: RSADP refuses a ciphertext representative c >= n. The core
// holds c in 29-bit limbs; before issue 13 it converted the k ciphertext bytes into as many limbs as n
// has, which silently dropped the bits above 29·limbs whenever 8·k > 29·limbs (861 modulus sizes from
// 1024 to 8192 bits), so c + 2^(29·limbs) decrypted like c: malleable ciphertexts.
//
// Every modulus size from 1024 to 8192 bits on the release builds and, on the debug builds (to keep the
// run short), every size from 7 bits below to 1 bit above each limb boundary (29·limbs - 7 .. 29·limbs + 1,
// which holds every affected size), with c = n, n + 1, c with bits above the limbs set, c with the top bit
// of the k bytes set, and the largest k-byte value: all must give the one DECRYPT_FAILED. Real RSA keys for
// 7,169 sizes would take hours to generate, so the sweep uses keys the core's load checks accept but whose
// "primes" are not prime (p = 2q + 1 with a random odd q; the CRT values are consistent, qi = p - 2). For
// such a key a c below n passes the comparison and fails the fault check of the private operation
// (FAULT_DETECTED), so the status tells which side of the comparison a ciphertext fell on without a valid
// decryption. A sample of sizes checks that c = n - 2 does reach the
// private operation. Real keys of 2030 and 1043 bits then show the attack itself: c + 2^(29·limbs) of a
// valid ciphertext must no longer decrypt, through rsaOaepDecrypt and rsaAesKeyUnwrap.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RsaPrivateKey } from '../../src/core/types.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { codeOf } from '../helpers/errors.js';
import { generateTestKey, nodeOaepEncrypt, toBig, toBytes } from '../helpers/rsa-keys.js';

const builds = await loadAllBuilds();
const W = 29;
const E = 65537n;
const limbsFor = (bits: number): number => Math.ceil(bits / W);

/** Inverse of a modulo the small prime m (Numbers). */
function smallInverse(a: number, m: number): number {
  let [r0, r1, s0, s1] = [a % m, m, 1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** e^-1 mod m for the prime e = 65537, when gcd(e, m) = 1: d = (k·m + 1)/e with k·m ≡ -1 (mod e). */
function inverseOfE(m: bigint): bigint {
  const k = (Number(E) - smallInverse(Number(m % E), Number(E))) % Number(E);
  return (BigInt(k) * m + 1n) / E;
}

/** A key the core loads (consistent CRT values) with an exactly `bits`-bit modulus and composite "primes". */
function fakeKey(bits: number): RsaPrivateKey {
  // p = 2q + 1: pBits + qBits = 2·qBits + 1, which loadPrivate accepts as nBits or nBits + 1.
  const qBits = bits >> 1;
  for (;;) {
    let q = toBig(randomBytes(Math.ceil(qBits / 8))) & ((1n << BigInt(qBits)) - 1n);
    q |= (1n << BigInt(qBits - 1)) | 1n;
    // Odd sizes: the top two bits of q set (n = q(2q+1) >= 2^(2·qBits)); even sizes: q < 0.7·2^qBits.
    if (bits % 2 === 1) q |= 1n << BigInt(qBits - 2);
    else q &= ~(1n << BigInt(qBits - 2));
    const p = 2n * q + 1n;
    const n = p * q;
    if (n.toString(2).length !== bits || q % E === 1n || q % E === 0n) continue;
    return {
      n: toBytes(n), e: toBytes(E), d: new Uint8Array(1), p: toBytes(p), q: toBytes(q),
      dp: toBytes(inverseOfE(p - 1n)), dq: toBytes(inverseOfE(q - 1n)), qi: toBytes(p - 2n),
    };
  }
}

/** The ciphertexts that must be refused, as big-endian k-byte strings, by name. */
function outOfRange(n: bigint, bits: number): [string, Uint8Array][] {
  const k = Math.ceil(bits / 8);
  const top = 1n << BigInt(8 * k);
  const cases: [string, bigint][] = [
    ['c = n', n],
    ['c = n + 1', n + 1n],
    ['c = 2^(8k) - 1', top - 1n],
  ];
  const aboveLimbs = 1n << BigInt(W * limbsFor(bits));
  if (aboveLimbs < top) cases.push(['c = (n - 2) + 2^(29·limbs)', n - 2n + aboveLimbs]);
  if (n - 2n + (top >> 1n) < top) cases.push(['c = (n - 2) + 2^(8k-1)', n - 2n + (top >> 1n)]);
  return cases.filter(([, c]) => c < top).map(([name, c]) => [name, toBytes(c, k)]);
}

/** Sizes where the bytes of a ciphertext carry bits above the limbs (the defect's sizes). */
const affected = (bits: number): boolean => 8 * Math.ceil(bits / 8) > W * limbsFor(bits);
/** Sizes from 7 bits below to 1 bit above a limb boundary. */
const nearBoundary = (bits: number): boolean => (bits % W) + 7 >= W || bits % W <= 1;

describe('RSA refuses ciphertexts c >= n at every modulus size', () => {
  const sizes = Array.from({ length: 8192 - 1024 + 1 }, (_, i) => 1024 + i);
  const keys = sizes.map((bits) => ({ bits, key: fakeKey(bits) }));

  it('the debug builds\' sizes hold every affected size and both sides of every limb boundary', () => {
    expect(sizes.filter(affected).length).toBe(861);
    expect(sizes.filter((b) => affected(b) && !nearBoundary(b))).toEqual([]);
    for (let limbs = limbsFor(1024); limbs < limbsFor(8192); limbs++) {
      expect(nearBoundary(W * limbs) && nearBoundary(W * limbs + 1)).toBe(true);
    }
  });

  for (const { name, api } of builds) {
    const swept = name.startsWith('release') ? keys : keys.filter(({ bits }) => nearBoundary(bits));
    it(`${name}: c = n, n + 1, bits above the limbs, the top bit and the maximum give DECRYPT_FAILED (${swept.length} sizes)`, () => {
      const failures: string[] = [];
      let count = 0;
      for (const { bits, key } of swept) {
        for (const [what, c] of outOfRange(toBig(key.n), bits)) {
          const code = codeOf(() => api.rsaOaepDecrypt(key, c, { hash: 'sha1' }));
          count++;
          if (code !== 'DECRYPT_FAILED') failures.push(`${bits} bits, ${what}: ${code}`);
          if (failures.length > 10) break;
        }
      }
      expect(failures).toEqual([]);
      console.log(`${name}: ${count} out-of-range ciphertexts over ${swept.length} modulus sizes refused`);
    });

    it(`${name}: the same through rsaAesKeyUnwrap, and c = n - 2 reaches the private operation (sampled sizes)`, () => {
      const every = name.startsWith('release') ? 211 : 1031;
      const sample = keys.filter(({ bits }) => bits % every === 0 || bits === 1024 || bits === 2030 || bits === 8192);
      for (const { bits, key } of sample) {
        const n = toBig(key.n);
        const k = key.n.length;
        const tail = randomBytes(40);
        for (const [what, c] of outOfRange(n, bits)) {
          expect(codeOf(() => api.rsaAesKeyUnwrap(key, Buffer.concat([c, tail]), { hash: 'sha1' })), `${bits} bits, ${what}`).toBe('DECRYPT_FAILED');
        }
        // In range: the comparison lets it through and the composite "primes" fail the fault check.
        expect(codeOf(() => api.rsaOaepDecrypt(key, toBytes(n - 2n, k), { hash: 'sha1' })), `${bits} bits, c = n - 2`).toBe('FAULT_DETECTED');
      }
    });
  }
});

describe('RSA with real keys of affected sizes: c + 2^(29·limbs) no longer decrypts', () => {
  const real = [2030, 1043].map((bits) => generateTestKey(bits));

  it('the sizes are affected ones', () => {
    for (const key of real) expect(affected(key.bits)).toBe(true);
  });

  for (const { name, api } of builds) {
    it(`${name}: rsaOaepDecrypt and rsaAesKeyUnwrap refuse the shifted ciphertext and accept the original`, () => {
      for (const key of real) {
        const k = key.priv.n.length;
        const shift = 1n << BigInt(W * limbsFor(key.bits));
        const msg = randomBytes(20);
        const ct = nodeOaepEncrypt(key.publicKey, msg, 'sha1');
        expect(Buffer.from(api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha1' }))).toEqual(msg);
        const shifted = toBytes(toBig(ct) + shift, k);
        expect(codeOf(() => api.rsaOaepDecrypt(key.priv, shifted, { hash: 'sha1' })), `${key.bits} bits`).toBe('DECRYPT_FAILED');

        const target = randomBytes(32);
        const blob = api.rsaAesKeyWrap(key.priv, target, { hash: 'sha1' });
        expect(Buffer.from(api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1' }))).toEqual(target);
        const moved = Uint8Array.from(blob);
        moved.set(toBytes(toBig(blob.subarray(0, k)) + shift, k));
        expect(codeOf(() => api.rsaAesKeyUnwrap(key.priv, moved, { hash: 'sha1' })), `${key.bits} bits, unwrap`).toBe('DECRYPT_FAILED');
      }
    });
  }
});
