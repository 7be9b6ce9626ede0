// The binder's two-entry cache of R^2 mod n (src/core/rsa.ts) and the core's `rr` argument:
// - rsaMontRR returns 2^(2Wn) mod n as W-bit limbs, checked against BigInt;
// - encryptions that alternate between keys (cache hits, misses and replacements, the same modulus with
//   leading zero bytes, a modulus mutated in place after use) all decrypt with node:crypto;
// - the core refuses a supplied R^2 that is not below n or has bits above W (ERR_ARG), and a well-formed
//   but wrong one cannot pass for the right one (the ciphertext no longer decrypts): the cache must key
//   on the whole modulus, which the mutation case checks.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STATUS } from '../../src/core/instance.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { generateTestKey, nodeOaepDecrypt, toBig, type TestKey } from '../helpers/rsa-keys.js';

const builds = await loadAllBuilds();
const keys: TestKey[] = [generateTestKey(2048), generateTestKey(3072), generateTestKey(2048, 3)];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function limbsToBig(bytes: Uint8Array, w: number): bigint {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let x = 0n;
  for (let i = bytes.length / 4 - 1; i >= 0; i--) x = (x << BigInt(w)) | BigInt(v.getUint32(4 * i, true));
  return x;
}

describe('R^2 mod n: rsaMontRR and the binder cache', () => {
  for (const build of builds) {
    const x = build.core.exports as Record<string, (...a: number[]) => number>;
    const w = (x.limbBits as () => number)();
    const io = build.core.ioBase;
    const mem = build.core.mem;

    /** Calls rsaMontRR for n directly; returns the limb bytes or the status. */
    function montRR(n: Uint8Array): Uint8Array | number {
      mem.set(n, io);
      const out = io + 4096;
      const r = (x.rsaMontRR as (...a: number[]) => number)(io, n.length, out, 2048);
      const res = r < 0 ? r : mem.slice(out, out + r);
      mem.fill(0, io, io + 8192);
      return res;
    }

    /** Raw rsaOaepEncrypt with a given rr (limb bytes); returns the ciphertext or the status. */
    function encryptWith(key: TestKey, msg: Uint8Array, rr: Uint8Array | undefined): Uint8Array | number {
      const n = key.priv.n;
      const m = io + 2048, s = io + 2560, rp = io + 3072, out = io + 4096;
      mem.set(n, io);
      mem.set(msg, m);
      mem.set(randomBytes(32), s);
      if (rr) mem.set(rr, rp);
      const e = Number(toBig(key.priv.e));
      const r = (x.rsaOaepEncrypt as (...a: number[]) => number)(io, n.length, e, m, msg.length, m, 0, s, 2 | (2 << 8), out, rr ? rp : 0);
      const res = r < 0 ? r : mem.slice(out, out + r);
      mem.fill(0, io, io + 8192);
      return res;
    }

    it(`${build.name}: rsaMontRR is 2^(2Wn) mod n in W-bit limbs`, () => {
      for (const key of keys) {
        const n = toBig(key.priv.n);
        const limbs = Math.ceil(n.toString(2).length / w);
        const rr = montRR(key.priv.n);
        expect(rr).toBeInstanceOf(Uint8Array);
        expect((rr as Uint8Array).length).toBe(4 * limbs);
        expect(limbsToBig(rr as Uint8Array, w)).toBe((1n << BigInt(2 * w * limbs)) % n);
      }
      expect(montRR(new Uint8Array(256).fill(0xff).map((v, i) => (i === 255 ? 0xfe : v)))).toBe(STATUS.ERR_ARG); // even
    });

    it(`${build.name}: encryptions alternating between keys all decrypt (cache hits, misses, replacements)`, () => {
      const order = [0, 0, 1, 0, 2, 2, 1, 1, 0];
      for (const i of order) {
        const key = keys[i] as TestKey;
        const msg = randomBytes(32);
        expect(hex(nodeOaepDecrypt(key.privateKey, build.api.rsaOaepEncrypt(key.priv, msg, { hash: 'sha256' }), 'sha256'))).toBe(hex(msg));
        const blob = build.api.rsaAesKeyWrap(key.priv, msg, { hash: 'sha1' });
        expect(hex(build.api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1' }))).toBe(hex(msg));
      }
      // The same modulus with a leading zero byte, and a key object whose modulus is replaced in place.
      const key = keys[0] as TestKey;
      const padded = { n: Uint8Array.of(0, ...key.priv.n), e: key.priv.e };
      const msg = randomBytes(16);
      expect(hex(nodeOaepDecrypt(key.privateKey, build.api.rsaOaepEncrypt(padded, msg, { hash: 'sha1' }), 'sha1'))).toBe(hex(msg));
      const other = keys[2] as TestKey; // same size, different modulus
      const mutable = { n: key.priv.n.slice(), e: other.priv.e };
      build.api.rsaOaepEncrypt(mutable, msg, { hash: 'sha256' });
      mutable.n.set(other.priv.n);
      expect(hex(nodeOaepDecrypt(other.privateKey, build.api.rsaOaepEncrypt(mutable, msg, { hash: 'sha256' }), 'sha256'))).toBe(hex(msg));
    });

    it(`${build.name}: the core checks a supplied R^2 (range), and the result depends on it`, () => {
      const key = keys[0] as TestKey;
      const msg = randomBytes(32);
      const rr = montRR(key.priv.n) as Uint8Array;
      const good = encryptWith(key, msg, rr);
      expect(hex(nodeOaepDecrypt(key.privateKey, good as Uint8Array, 'sha256'))).toBe(hex(msg));
      const noRR = encryptWith(key, msg, undefined);
      expect(hex(nodeOaepDecrypt(key.privateKey, noRR as Uint8Array, 'sha256'))).toBe(hex(msg));
      // A limb with a bit above W.
      const high = rr.slice();
      high[3] = (high[3] as number) | 0x80;
      expect(encryptWith(key, msg, high)).toBe(STATUS.ERR_ARG);
      // W-bit limbs but not below n: n itself.
      const n = toBig(key.priv.n);
      const limbs = rr.length / 4;
      const asLimbs = (v: bigint): Uint8Array => {
        const b = new Uint8Array(4 * limbs);
        const dv = new DataView(b.buffer);
        for (let i = 0; i < limbs; i++) {
          dv.setUint32(4 * i, Number(v & ((1n << BigInt(w)) - 1n)), true);
          v >>= BigInt(w);
        }
        return b;
      };
      expect(encryptWith(key, msg, asLimbs(n))).toBe(STATUS.ERR_ARG);
      // A well-formed wrong value gives a ciphertext the key does not open.
      const wrong = encryptWith(key, msg, asLimbs((limbsToBig(rr, w) + 1n) % n));
      expect(() => nodeOaepDecrypt(key.privateKey, wrong as Uint8Array, 'sha256')).toThrow();
    });
  }
});
