// Randomized round trips against node:crypto (OpenSSL), both directions, on every build:
// - RSA-OAEP: our encrypt -> node privateDecrypt, node publicEncrypt -> our decrypt, for 2048/3072/4096-bit
//   keys, SHA-1 and SHA-256 (node's oaepHash sets the OAEP and the MGF1 hash), with and without labels,
//   messages of every length class up to the capacity k - 2hLen - 2;
// - a 2048-bit key whose primes differ in length (1020 and 1028 bits: unequal byte lengths), and e = 3;
// - mixed OAEP/MGF1 hashes (node cannot make them): our encrypt -> our decrypt;
// - CKM_RSA_AES_KEY_WRAP: our wrap -> node (privateDecrypt + id-aesNNN-wrap-pad) and node -> our unwrap,
//   for AES-128/192/256 ephemeral keys and target lengths from 1 byte to a few KB.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HashName } from '../../src/core/types.js';
import { loadAllBuilds } from '../helpers/cores.js';
import {
  generateTestKey, nodeKwpUnwrap, nodeKwpWrap, nodeOaepDecrypt, nodeOaepEncrypt, unbalancedKey, type TestKey,
} from '../helpers/rsa-keys.js';

const builds = await loadAllBuilds();
const HASH_LEN: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

const keys: TestKey[] = [generateTestKey(2048), generateTestKey(3072), generateTestKey(4096)];
const extraKeys: { name: string; key: TestKey }[] = [
  { name: '2048-bit, primes of 1020 and 1028 bits', key: unbalancedKey(1020, 1028) },
  { name: '2048-bit, e = 3', key: generateTestKey(2048, 3) },
];

/** Message and optional label within the OAEP capacity of a k-byte modulus. */
const caseArb = (k: number, hash: HashName) =>
  fc.record({
    msg: fc.uint8Array({ minLength: 0, maxLength: k - 2 * HASH_LEN[hash] - 2 }),
    label: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
  });

const bytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RSA-OAEP against node:crypto', () => {
  for (const build of builds) {
    for (const key of [...keys, ...extraKeys.map((x) => x.key)]) {
      const k = key.priv.n.length;
      for (const hash of ['sha1', 'sha256'] as const) {
        it(`${build.name}: ${key.bits}-bit ${hash}: ours -> node and node -> ours`, () => {
          fc.assert(
            fc.property(caseArb(k, hash), ({ msg, label }) => {
              const ct = build.api.rsaOaepEncrypt(key.priv, msg, { hash, ...(label ? { label } : {}) });
              expect(ct.length).toBe(k);
              expect(bytes(nodeOaepDecrypt(key.privateKey, ct, hash, label))).toBe(bytes(msg));
              const ct2 = nodeOaepEncrypt(key.publicKey, msg, hash, label);
              expect(bytes(build.api.rsaOaepDecrypt(key.priv, ct2, { hash, ...(label ? { label } : {}) }))).toBe(bytes(msg));
            }),
            { numRuns: key.bits >= 4096 ? 3 : 6 },
          );
        });
      }
    }

    it(`${build.name}: encryption is randomized (fresh seed per call)`, () => {
      const key = keys[0] as TestKey;
      const msg = randomBytes(32);
      const a = build.api.rsaOaepEncrypt(key.priv, msg, { hash: 'sha256' });
      const b = build.api.rsaOaepEncrypt(key.priv, msg, { hash: 'sha256' });
      expect(bytes(a)).not.toBe(bytes(b));
    });

    it(`${build.name}: mixed OAEP and MGF1 hashes, maximum-length messages, leading zero bytes in integers`, () => {
      const key = keys[0] as TestKey;
      const k = key.priv.n.length;
      const all: HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
      for (const hash of all) {
        for (const mgf1Hash of all) {
          const msg = randomBytes(k - 2 * HASH_LEN[hash] - 2);
          const label = randomBytes(7);
          const ct = build.api.rsaOaepEncrypt(key.priv, msg, { hash, mgf1Hash, label });
          const padded = { ...key.priv, n: Uint8Array.from([0, ...key.priv.n]), p: Uint8Array.from([0, 0, ...key.priv.p]) };
          expect(bytes(build.api.rsaOaepDecrypt(padded, ct, { hash, mgf1Hash, label }))).toBe(bytes(msg));
        }
      }
    });
  }
});

describe('CKM_RSA_AES_KEY_WRAP against node:crypto', () => {
  const targetArb = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.uint8Array({ minLength: 1100, maxLength: 2400 }),
  );
  for (const build of builds) {
    for (const key of [keys[0] as TestKey, keys[2] as TestKey]) {
      const k = key.priv.n.length;
      // SHA-384/512: Vault's hash_function choices beyond the AWS/Google/OCI pair (AES-256 only: Vault's rule).
      const variants = [['sha1', [128, 192, 256]], ['sha256', [128, 192, 256]], ['sha384', [256]], ['sha512', [256]]] as const;
      for (const [hash, sizes] of variants) {
        for (const aesKeyBits of sizes) {
          it(`${build.name}: ${key.bits}-bit ${hash} AES-${aesKeyBits}: ours -> node and node -> ours`, () => {
            fc.assert(
              fc.property(targetArb, (target) => {
                const blob = build.api.rsaAesKeyWrap(key.priv, target, { hash, aesKeyBits });
                expect(blob.length).toBe(k + 8 * Math.ceil(target.length / 8) + 8);
                const eph = nodeOaepDecrypt(key.privateKey, blob.subarray(0, k), hash);
                expect(eph.length).toBe(aesKeyBits / 8);
                expect(bytes(nodeKwpUnwrap(eph, blob.subarray(k)))).toBe(bytes(target));

                const eph2 = randomBytes(aesKeyBits / 8);
                const blob2 = Buffer.concat([nodeOaepEncrypt(key.publicKey, eph2, hash), nodeKwpWrap(eph2, target)]);
                expect(bytes(build.api.rsaAesKeyUnwrap(key.priv, blob2, { hash, aesKeyBits }))).toBe(bytes(target));
              }),
              { numRuns: 3 },
            );
          });
        }
      }
    }

    it(`${build.name}: AES-256 is the default ephemeral key`, () => {
      const key = keys[0] as TestKey;
      const blob = build.api.rsaAesKeyWrap(key.priv, randomBytes(40), { hash: 'sha1' });
      expect(nodeOaepDecrypt(key.privateKey, blob.subarray(0, 256), 'sha1').length).toBe(32);
      expect(build.api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1' }).length).toBe(40);
    });
  }
});
