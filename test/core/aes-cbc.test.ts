// aesCbcDecrypt (used for PBES2 and legacy-PEM AES-CBC key files) on every build, against node:crypto:
// the NIST SP 800-38A F.2 CBC-AES examples, random keys/IVs/lengths including inputs that cross the binder's
// 256 KiB chunks, argument errors, and the arena and memory left clean of key and plaintext.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { codeOf } from '../helpers/errors.js';
import { findSecrets, firstDirtyArenaByte } from '../helpers/symmetric-memory.js';

const builds = await loadAllBuilds();
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function nodeCbcEncrypt(key: Uint8Array, iv: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  return Uint8Array.from(Buffer.concat([c.update(pt), c.final()]));
}

// SP 800-38A Appendix F.2: the same four plaintext blocks and IV under AES-128/192/256.
const F2_PT = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
  30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const F2_IV = hex('000102030405060708090a0b0c0d0e0f');
const F2: readonly [string, string, string][] = [
  ['F.2.2 CBC-AES128', '2b7e151628aed2a6abf7158809cf4f3c',
    '7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7'],
  ['F.2.4 CBC-AES192', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    '4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a 571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd'],
  ['F.2.6 CBC-AES256', '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    'f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b'],
];

describe.each(builds)('aesCbcDecrypt, $name build', ({ core, api }) => {
  it('SP 800-38A F.2 examples decrypt to the plaintext, and node:crypto agrees on the ciphertext', () => {
    for (const [name, key, ct] of F2) {
      expect(Buffer.from(api.aesCbcDecrypt(hex(key), F2_IV, hex(ct))).toString('hex'), name).toBe(Buffer.from(F2_PT).toString('hex'));
      expect(Buffer.from(nodeCbcEncrypt(hex(key), F2_IV, F2_PT)).toString('hex'), name).toBe(ct.replace(/\s+/g, ''));
    }
  });

  it('inverts node:crypto for random keys, IVs and lengths, across the 256 KiB chunk boundary', () => {
    const lengths = [16, 32, 48, 1232, 4096, 0x40000 - 16, 0x40000, 0x40000 + 16, 0x40000 * 2 + 48];
    for (let i = 0; i < 40; i++) lengths.push(16 * (1 + Math.floor(Math.random() * 200)));
    for (const len of lengths) {
      for (const kl of [16, 24, 32]) {
        const key = randomBytes(kl);
        const iv = randomBytes(16);
        const pt = randomBytes(len);
        const ct = nodeCbcEncrypt(key, iv, pt);
        expect(Buffer.from(api.aesCbcDecrypt(key, iv, ct)).equals(pt), `AES-${kl * 8}, ${len} bytes`).toBe(true);
        expect(firstDirtyArenaByte(core)).toBe(-1);
      }
    }
  });

  it('leaves neither the key nor the plaintext anywhere in Wasm memory', () => {
    const key = randomBytes(32);
    const pt = randomBytes(4096);
    const out = api.aesCbcDecrypt(key, randomBytes(16), nodeCbcEncrypt(key, randomBytes(16), pt));
    expect(out.length).toBe(pt.length);
    expect(findSecrets(core, [key, out.subarray(16)])).toEqual([]);
  });

  it('refuses bad arguments with typed errors', () => {
    const k = new Uint8Array(16);
    const iv = new Uint8Array(16);
    expect(codeOf(() => api.aesCbcDecrypt(new Uint8Array(20), iv, new Uint8Array(16)))).toBe('BAD_KEY_LENGTH');
    expect(codeOf(() => api.aesCbcDecrypt(k, new Uint8Array(8), new Uint8Array(16)))).toBe('BAD_DATA_LENGTH');
    expect(codeOf(() => api.aesCbcDecrypt(k, iv, new Uint8Array(0)))).toBe('BAD_DATA_LENGTH');
    expect(codeOf(() => api.aesCbcDecrypt(k, iv, new Uint8Array(24)))).toBe('BAD_DATA_LENGTH');
    expect(codeOf(() => api.aesCbcDecrypt(k, iv, 'x' as unknown as Uint8Array))).toBe('CORE_BAD_ARGUMENT');
  });

  it('the export itself refuses partial overlap and bad lengths (ERR_ARG) and leaves the arena clean', () => {
    const f = core.exports['aesCbcDecrypt'] as (...a: number[]) => number;
    const base = core.ioBase;
    core.mem.fill(1, base, base + 256);
    expect(f(base, 16, base + 16, base + 32, 64, base + 48)).toBe(-1); // out overlaps in, not in place
    expect(f(base, 17, base + 16, base + 32, 64, base + 32)).toBe(-1); // key length
    expect(f(base, 16, base + 16, base + 32, 40, base + 32)).toBe(-1); // not whole blocks
    expect(f(base, 16, base + 16, base + 32, 64, base + 32)).toBe(64); // in place works
    core.mem.fill(0, base, base + 256);
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });
});
