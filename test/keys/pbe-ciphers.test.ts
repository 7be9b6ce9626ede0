// DES, 3DES and RC2 (src/keys/pbe/des.ts, rc2.ts) against independent implementations over random keys,
// IVs and lengths, plus published known answers; and the constant-time PKCS#7 check against a plain one.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbc64, unpadLength } from '../../src/keys/pbe/cipher.js';
import { desDecryptor } from '../../src/keys/pbe/des.js';
import { rc2Decryptor } from '../../src/keys/pbe/rc2.js';
import { forgeRc2Encrypt, hasLegacyProvider, legacyEncrypt, nodeEncrypt, type CipherCase } from '../helpers/pbe-oracle.js';
import { requireTool } from '../helpers/tools.js';
import { hex, toHex } from '../helpers/vectors.js';

const des = cbc64('DES', 8, desDecryptor);
const rc2 = (bits: number) => cbc64('RC2', 0, (k) => rc2Decryptor(k, bits));

function randomCase(cipher: string, keyLen: number, maxBlocks = 12): CipherCase {
  const blocks = 1 + (randomBytes(1)[0] as number) % maxBlocks;
  return { cipher, key: randomBytes(keyLen), iv: randomBytes(8), pt: randomBytes(8 * blocks) };
}

describe('DES / 3DES (FIPS 46-3)', () => {
  it('FIPS 81 / NBS known answer: key 133457799BBCDFF1, 0123456789ABCDEF -> 85E813540F0AB405', () => {
    // Classic DES validation example (also in many textbooks); one block, zero IV = ECB.
    const pt = des.decryptRaw(hex('133457799bbcdff1'), new Uint8Array(8), hex('85e813540f0ab405'));
    expect(toHex(pt)).toBe('0123456789abcdef');
  });

  it('3-key 3DES-CBC decrypts what node:crypto des-ede3-cbc encrypts (300 random keys/IVs/lengths)', () => {
    for (let i = 0; i < 300; i++) {
      const c = randomCase('des-ede3-cbc', 24);
      const ct = nodeEncrypt(c);
      expect(toHex(des.decryptRaw(c.key, c.iv, ct))).toBe(toHex(c.pt));
    }
  });

  it('2-key 3DES-CBC (K3 = K1) decrypts what node:crypto des-ede-cbc encrypts (200 cases)', () => {
    for (let i = 0; i < 200; i++) {
      const c = randomCase('des-ede-cbc', 16);
      const ct = nodeEncrypt(c);
      expect(toHex(des.decryptRaw(c.key, c.iv, ct))).toBe(toHex(c.pt));
    }
  });

  const legacy = hasLegacyProvider();
  it.runIf(requireTool('OpenSSL legacy provider (node --openssl-legacy-provider)', legacy, 'OpenSSL 3 with legacy.so'))(
    'single DES-CBC decrypts what OpenSSL des-cbc (legacy provider) encrypts (300 cases)',
    () => {
      const cases = Array.from({ length: 300 }, () => randomCase('des-cbc', 8));
      const cts = legacyEncrypt(cases);
      cases.forEach((c, i) => expect(toHex(des.decryptRaw(c.key, c.iv, cts[i] as Uint8Array))).toBe(toHex(c.pt)));
    },
  );
});

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 §5 test vectors: key, effective bits, plaintext, ciphertext (ECB, one block).
  const RFC2268: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ];
  it.each(RFC2268)('RFC 2268 vector key=%s T1=%i', (key, bits, pt, ct) => {
    expect(toHex(rc2(bits).decryptRaw(hex(key), new Uint8Array(8), hex(ct)))).toBe(pt);
  });

  const legacy = hasLegacyProvider();
  it.runIf(requireTool('OpenSSL legacy provider (node --openssl-legacy-provider)', legacy, 'OpenSSL 3 with legacy.so'))(
    'decrypts what OpenSSL rc2-40-cbc / rc2-64-cbc / rc2-cbc encrypt (3 x 150 cases)',
    () => {
      const cases = [
        ...Array.from({ length: 150 }, () => randomCase('rc2-40-cbc', 5)),
        ...Array.from({ length: 150 }, () => randomCase('rc2-64-cbc', 8)),
        ...Array.from({ length: 150 }, () => randomCase('rc2-cbc', 16)),
      ];
      const cts = legacyEncrypt(cases);
      cases.forEach((c, i) => {
        const bits = c.key.length * 8;
        expect(toHex(rc2(bits).decryptRaw(c.key, c.iv, cts[i] as Uint8Array))).toBe(toHex(c.pt));
      });
    },
  );

  // node-forge computes the key-expansion mask TM as 0xff >> (T1 mod 8) instead of RFC 2268's
  // 255 mod 2^(8 + T1 - 8*T8), so it disagrees with the RFC (and with us) when T1 is not a multiple of 8;
  // the RFC vectors above (T1 = 63, 129) cover those. Real files use 40, 64 or 128 bits.
  it('decrypts what node-forge encrypts for any key length and effective bits 8..1024 step 8 (fast-check, 300 runs)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        fc.integer({ min: 1, max: 128 }).map((x) => x * 8),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (key, bits, iv, blocks) => {
          const pt = Uint8Array.from(randomBytes(8 * blocks));
          const ct = forgeRc2Encrypt(key, bits, iv, pt);
          expect(toHex(rc2(bits).decryptRaw(key, iv, ct))).toBe(toHex(pt));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('PKCS#7 padding check', () => {
  // Plain reference: valid iff 1 <= n <= blockLen and the last n bytes all equal n.
  const reference = (pt: Uint8Array, bs: number): number => {
    const n = pt[pt.length - 1] as number;
    if (n < 1 || n > bs) return -1;
    for (let i = 1; i <= n; i++) if (pt[pt.length - i] !== n) return -1;
    return pt.length - n;
  };
  it('agrees with a plain reference on random and near-valid last blocks (20,000 runs)', () => {
    const nearValid = (bs: number) =>
      fc.tuple(fc.integer({ min: 0, max: bs + 1 }), fc.integer({ min: -1, max: bs - 1 }), fc.integer({ min: 0, max: 255 })).map(
        ([n, flip, v]) => {
          const b = new Uint8Array(bs * 2).fill(0x5a);
          for (let i = 1; i <= Math.min(n, bs); i++) b[b.length - i] = n;
          b[b.length - 1] = n;
          if (flip >= 0) b[b.length - 1 - flip] = v;
          return b;
        },
      );
    for (const bs of [8, 16]) {
      fc.assert(
        fc.property(fc.oneof(nearValid(bs), fc.uint8Array({ minLength: bs, maxLength: bs * 3 }).filter((a) => a.length % bs === 0)), (b) => {
          expect(unpadLength(b, bs)).toBe(reference(b, bs));
        }),
        { numRuns: 10_000 },
      );
    }
  });
});
