// RSA test keys for the core's tests: node:crypto key pairs as CRT byte records, keys built from chosen
// primes (p and q of unequal lengths, composite "primes" for the fault check), and node's OAEP and
// AES-KWP (id-aesNNN-wrap-pad) as the independent implementation.
import {
  constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync,
  generatePrimeSync, privateDecrypt, publicEncrypt, type KeyObject,
} from 'node:crypto';
import type { HashName, RsaPrivateKey } from '../../src/core/types.js';

export interface TestKey {
  readonly bits: number;
  readonly priv: RsaPrivateKey;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const b64u = (s: string | undefined): Uint8Array => Uint8Array.from(Buffer.from(s ?? '', 'base64url'));

export function fromKeyObject(privateKey: KeyObject): TestKey {
  const j = privateKey.export({ format: 'jwk' });
  const priv: RsaPrivateKey = {
    n: b64u(j.n), e: b64u(j.e), d: b64u(j.d), p: b64u(j.p), q: b64u(j.q), dp: b64u(j.dp), dq: b64u(j.dq), qi: b64u(j.qi),
  };
  return { bits: bitLen(toBig(priv.n)), priv, privateKey, publicKey: createPublicKey(privateKey) };
}

export function generateTestKey(bits: number, publicExponent = 65537): TestKey {
  return fromKeyObject(generateKeyPairSync('rsa', { modulusLength: bits, publicExponent }).privateKey);
}

export const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));
export const bitLen = (x: bigint): number => x.toString(2).length;

export function toBytes(x: bigint, len?: number): Uint8Array {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  const raw = Uint8Array.from(Buffer.from(h, 'hex'));
  if (len === undefined || raw.length === len) return raw;
  const out = new Uint8Array(len);
  out.set(raw, len - raw.length);
  return out;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** A CRT key from two chosen odd numbers (primes, or not, for the fault test) and e. */
export function keyFromFactors(p: bigint, q: bigint, e = 65537n): RsaPrivateKey {
  const n = p * q;
  const phi = (p - 1n) * (q - 1n);
  return {
    n: toBytes(n), e: toBytes(e), d: toBytes(modInverse(e, phi)), p: toBytes(p), q: toBytes(q),
    dp: toBytes(modInverse(e, p - 1n)), dq: toBytes(modInverse(e, q - 1n)), qi: toBytes(modInverse(q, p)),
  };
}

/** A key whose primes have different bit (and byte) lengths, pBits + qBits = bits. */
export function unbalancedKey(pBits: number, qBits: number): TestKey {
  for (;;) {
    const p = generatePrimeSync(pBits, { bigint: true });
    const q = generatePrimeSync(qBits, { bigint: true });
    if ((p - 1n) % 65537n === 0n || (q - 1n) % 65537n === 0n) continue;
    if (bitLen(p * q) !== pBits + qBits) continue;
    const priv = keyFromFactors(p, q);
    const privateKey = createPrivateKey({ key: rsaJwk(priv), format: 'jwk' });
    return { bits: pBits + qBits, priv, privateKey, publicKey: createPublicKey(privateKey) };
  }
}

/** The private JWK (RFC 7518 §6.3) of a CRT key record. */
export function rsaJwk(priv: RsaPrivateKey): { kty: 'RSA' } & Record<'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi', string> {
  const b = (x: Uint8Array): string => Buffer.from(x).toString('base64url');
  return { kty: 'RSA', n: b(priv.n), e: b(priv.e), d: b(priv.d), p: b(priv.p), q: b(priv.q), dp: b(priv.dp), dq: b(priv.dq), qi: b(priv.qi) };
}

/**
 * A `bits`-bit key whose "prime" p is the product of two primes of bits/4 bits, every CRT value consistent
 * with that p: what only a faulty generator makes, and only a primality or pairwise test refuses.
 */
export function compositePrimeKey(bits: number): RsaPrivateKey {
  for (;;) {
    const p = generatePrimeSync(bits / 4, { bigint: true }) * generatePrimeSync(bits / 4, { bigint: true });
    const q = generatePrimeSync(bits / 2, { bigint: true });
    if (bitLen(p * q) !== bits) continue;
    try {
      return keyFromFactors(p, q);
    } catch {
      // e not invertible modulo φ: draw again
    }
  }
}

export function nodeOaepEncrypt(key: KeyObject, msg: Uint8Array, hash: HashName, label?: Uint8Array): Uint8Array {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, ...(label ? { oaepLabel: label } : {}) }, msg);
}

export function nodeOaepDecrypt(key: KeyObject, ct: Uint8Array, hash: HashName, label?: Uint8Array): Uint8Array {
  return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, ...(label ? { oaepLabel: label } : {}) }, ct);
}

const KWP_IV = Buffer.from('A65959A6', 'hex');

export function nodeKwpWrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap-pad`, kek, KWP_IV);
  return Buffer.concat([c.update(data), c.final()]);
}

export function nodeKwpUnwrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv(`id-aes${kek.length * 8}-wrap-pad`, kek, KWP_IV);
  return Buffer.concat([d.update(data), d.final()]);
}
