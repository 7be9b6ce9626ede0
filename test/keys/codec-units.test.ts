// The small codecs under key intake, against independent encoders: BigInt conversion (both of its paths)
// against BigInt's own hex parser, and DER TLV lengths (short and long forms) against node:crypto's DER.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBigInt, toBytes } from '../../src/keys/bigint.js';
import { tlv } from '../../src/keys/der.js';
import { rsaPkcs8 } from '../../src/keys/rsa.js';

const viaHex = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

describe('toBigInt', () => {
  it('equals BigInt of the hex for every length 0..40 and random lengths up to 3000 bytes (both paths)', () => {
    for (let n = 0; n <= 40; n++) {
      const b = new Uint8Array(n).map(() => Math.floor(Math.random() * 256));
      expect(toBigInt(b)).toBe(viaHex(b));
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), (b, off) => {
      const shifted = new Uint8Array(b.length + off);
      shifted.set(b, off);
      return toBigInt(shifted.subarray(off)) === viaHex(b); // views at any byte offset
    }), { numRuns: 300 });
  });
  it('round-trips with toBytes', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 20000n) - 1n }), (v) => toBigInt(toBytes(v)) === v));
  });
});

describe('tlv', () => {
  it('writes short and long length forms like DER (lengths 0..70000 sampled)', () => {
    for (const len of [0, 1, 127, 128, 255, 256, 65535, 65536, 70000]) {
      const out = tlv(0x04, new Uint8Array(len).fill(7));
      const head = len < 0x80 ? [len] : len < 0x100 ? [0x81, len] : len < 0x10000 ? [0x82, len >> 8, len & 0xff] : [0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
      expect([...out.subarray(0, 1 + head.length)]).toEqual([0x04, ...head]);
      expect(out.length).toBe(1 + head.length + len);
    }
  });
  it('an RSA PKCS#8 we encode is the DER node:crypto exports for the same key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = privateKey.export({ format: 'jwk' });
    const b = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s!, 'base64url'));
    const ours = rsaPkcs8({ n: b(j.n), e: b(j.e), d: b(j.d), p: b(j.p), q: b(j.q), dp: b(j.dp), dq: b(j.dq), qi: b(j.qi) });
    expect(Buffer.from(ours).equals(privateKey.export({ format: 'der', type: 'pkcs8' }))).toBe(true);
    expect(createPrivateKey({ key: Buffer.from(ours), format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe('rsa');
  });
});
