// The core's raw RSA public operation (assembly/exports/rsa-public.ts, for the attestation verifier), on
// every build: s^e mod n equals node:crypto's publicDecrypt without padding for RSA-2048/3072/4096 and
// e = 3 and 65537; the out-of-range inputs RFC 8017 refuses (s >= n, a signature of the wrong length)
// are refused; and after every call, successful or not, the arena is all zero.
import { constants, createPublicKey, generateKeyPairSync, privateEncrypt, publicDecrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { loadAllBuilds } from '../helpers/cores.js';

const builds = await loadAllBuilds();

function keyOf(bits: number, e: number) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: e });
  const jwk = publicKey.export({ format: 'jwk' });
  return { publicKey, privateKey, n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') };
}

const keys = [keyOf(2048, 65537), keyOf(2048, 3), keyOf(3072, 65537), keyOf(4096, 65537)];

describe('core.rsaPublicRaw', () => {
  it('covers every build', () => {
    expect(builds.map((b) => b.name).sort()).toEqual(['debug', 'debug-simd', 'release', 'release-simd']);
  });

  for (const build of builds) {
    const { api, core } = build;
    const arenaZero = (): boolean => !core.mem.subarray(core.ioBase, core.arenaEnd).some((b) => b !== 0);

    it(`${build.name}: s^e mod n equals node:crypto's raw public operation`, () => {
      for (const k of keys) {
        for (let i = 0; i < 3; i++) {
          // A real signature block (node signs), and random values below n.
          const em = i === 0 ? privateEncrypt({ key: k.privateKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32)) : Buffer.concat([Buffer.from([0]), randomBytes(k.n.length - 1)]);
          const want = publicDecrypt({ key: k.publicKey, padding: constants.RSA_NO_PADDING }, em);
          const got = api.rsaPublicRaw({ n: k.n, e: k.e }, em);
          expect(Buffer.from(got).equals(want)).toBe(true);
          expect(arenaZero()).toBe(true);
        }
      }
    });

    it(`${build.name}: refuses s >= n and a signature that is not k bytes, leaving the arena zero`, () => {
      const k = keys[0]!;
      const tooBig = Buffer.from(k.n);
      expect(() => api.rsaPublicRaw({ n: k.n, e: k.e }, tooBig)).toThrow(ByokError);
      expect(arenaZero()).toBe(true);
      expect(() => api.rsaPublicRaw({ n: k.n, e: k.e }, new Uint8Array(k.n.length - 1))).toThrow(/expected 256 bytes/);
      expect(() => api.rsaPublicRaw({ n: Buffer.concat([Buffer.alloc(3), k.n]), e: k.e }, randomBytes(k.n.length + 3))).toThrow(/expected 256 bytes/);
      expect(arenaZero()).toBe(true);
    });
  }

  it('matches for a modulus written with leading zero bytes', () => {
    const k = keys[2]!;
    const s = Buffer.concat([Buffer.from([0]), randomBytes(k.n.length - 1)]);
    const want = publicDecrypt({ key: createPublicKey(k.publicKey.export({ format: 'pem', type: 'spki' })), padding: constants.RSA_NO_PADDING }, s);
    expect(Buffer.from(builds[0]!.api.rsaPublicRaw({ n: Buffer.concat([Buffer.alloc(2), k.n]), e: k.e }, s)).equals(want)).toBe(true);
  });
});
