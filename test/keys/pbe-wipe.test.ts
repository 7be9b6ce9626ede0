// Zeroization of JS copies in src/keys/pbe, where it can be observed from outside: the raw CBC output
// (plaintext + padding) on success and on failure, plaintexts rejected by the DER check, block-cipher key
// schedules on wipe(), and the caller's password buffer (never ours to wipe, never changed).
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { cbcDecrypt, type CbcCipher } from '../../src/keys/pbe/cipher.js';
import { decryptToDerSequence } from '../../src/keys/pbe/decrypt.js';
import { desDecryptor } from '../../src/keys/pbe/des.js';
import type { PasswordForms } from '../../src/keys/pbe/password.js';
import { rc2Decryptor } from '../../src/keys/pbe/rc2.js';
import type { PbeScheme } from '../../src/keys/pbe/schemes.js';

/** A cipher whose "decryption" returns a fixed plaintext, keeping a handle on the buffer it gave out. */
function spyCipher(plaintext: Uint8Array): { cipher: CbcCipher; given: Uint8Array[] } {
  const given: Uint8Array[] = [];
  return {
    given,
    cipher: {
      name: 'spy',
      keyLen: 16,
      blockLen: 8,
      decryptRaw: () => {
        const b = plaintext.slice();
        given.push(b);
        return b;
      },
    },
  };
}

const zero = (b: Uint8Array) => b.every((x) => x === 0);

describe('wiping intermediate buffers', () => {
  it('cbcDecrypt zeroes the raw (padded) plaintext after copying the result out', () => {
    const pt = Uint8Array.from([0x30, 3, 2, 1, 7, 3, 3, 3]);
    const { cipher, given } = spyCipher(pt);
    const out = cbcDecrypt(cipher, new Uint8Array(16), new Uint8Array(8), new Uint8Array(8), 'MALFORMED_ENCRYPTED_KEY', 'x');
    expect([...out]).toEqual([0x30, 3, 2, 1, 7]);
    expect(zero(given[0]!)).toBe(true);
  });

  it('cbcDecrypt zeroes the raw plaintext when the padding is wrong, and throws WRONG_PASSWORD', () => {
    const { cipher, given } = spyCipher(Uint8Array.from([0x30, 3, 2, 1, 7, 3, 3, 9]));
    expect(() => cbcDecrypt(cipher, new Uint8Array(16), new Uint8Array(8), new Uint8Array(8), 'MALFORMED_ENCRYPTED_KEY', 'x')).toThrow(ByokError);
    expect(zero(given[0]!)).toBe(true);
  });

  it('decryptToDerSequence zeroes every plaintext it rejects (not DER) before trying the next password', () => {
    const handed: Uint8Array[] = [];
    const scheme: PbeScheme = {
      name: 'spy',
      cost: 0,
      decrypt: () => {
        const b = Uint8Array.from([0x30, 5, 1, 2, 3]); // claims 5 content bytes, has 3: not DER
        handed.push(b);
        return b;
      },
    };
    const forms: PasswordForms[] = [
      { utf8: new Uint8Array(1), bmp: new Uint8Array(4) },
      { utf8: new Uint8Array(0), bmp: new Uint8Array(0) },
    ];
    expect(() => decryptToDerSequence(scheme, forms, new Uint8Array(8))).toThrow(/wrong password/);
    expect(handed).toHaveLength(2);
    for (const b of handed) expect(zero(b)).toBe(true);
  });

  it('DES / 3DES / RC2 decryptors zero their key schedules on wipe()', () => {
    // The schedules are private; observe them through a Uint8Array/Uint16Array fill spy.
    const filled: ArrayBufferView[] = [];
    const orig8 = Uint8Array.prototype.fill;
    const orig16 = Uint16Array.prototype.fill;
    Uint8Array.prototype.fill = function (this: Uint8Array, ...a: Parameters<Uint8Array['fill']>) {
      filled.push(this);
      return orig8.apply(this, a);
    };
    Uint16Array.prototype.fill = function (this: Uint16Array, ...a: Parameters<Uint16Array['fill']>) {
      filled.push(this);
      return orig16.apply(this, a);
    };
    try {
      const cases = [
        // [decryptor, sizes of the schedules wipe() must zero]: DES 16 rounds x 8 groups; RC2 64 words.
        [desDecryptor(new Uint8Array(8).fill(7)), [128]],
        [desDecryptor(new Uint8Array(24).fill(7)), [128, 128, 128]],
        [rc2Decryptor(new Uint8Array(5).fill(7), 40), [64]],
      ] as const;
      for (const [d, sizes] of cases) {
        d.decryptBlock(new Uint8Array(8));
        const before = filled.length;
        d.wipe();
        const wiped = filled.slice(before);
        expect(wiped.map((b) => b.byteLength / (b instanceof Uint16Array ? 2 : 1))).toEqual(sizes);
        for (const b of wiped) expect(zero(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
      }
    } finally {
      Uint8Array.prototype.fill = orig8;
      Uint16Array.prototype.fill = orig16;
    }
  });
});
