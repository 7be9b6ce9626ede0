// AES-KW and AES-KWP of every build against two independent implementations, node:crypto (OpenSSL:
// id-aesNNN-wrap with IV A6A6A6A6A6A6A6A6, id-aesNNN-wrap-pad with IV A65959A6) and @noble/ciphers
// (aeskw, aeskwp), in both directions: our wrap -> their unwrap and their wrap -> our unwrap.
// KWP: every length 1..600 (the key size cycles through 128/192/256 with the length, so every length and
// every key size is covered) and a few multi-KB lengths; KW: every multiple of 8 from 16 to 600 and the
// same large lengths. Then: single-bit tampering of wrapped data at every bit position, argument
// validation in the binder and in the Wasm exports, zeroization of the arena after every call, and a scan
// of the whole Wasm memory for the KEK and the plaintext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { aeskw, aeskwp } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { thrownCode, toHex } from '../helpers/keywrap-checks.js';
import { findSecrets, firstDirtyArenaByte } from '../helpers/symmetric-memory.js';

const builds = await loadAllBuilds();
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const KWP_IV = Buffer.from('A65959A6', 'hex');
const KEY_SIZES = [16, 24, 32] as const;
const LARGE = [2048, 4096 + 3, 8000, 16384 + 5];

const nodeKwp = (k: Uint8Array, p: Uint8Array): Buffer => createCipheriv(`id-aes${k.length * 8}-wrap-pad`, k, KWP_IV).update(p);
const nodeKwpUn = (k: Uint8Array, c: Uint8Array): Buffer => createDecipheriv(`id-aes${k.length * 8}-wrap-pad`, k, KWP_IV).update(c);
const nodeKw = (k: Uint8Array, p: Uint8Array): Buffer => createCipheriv(`id-aes${k.length * 8}-wrap`, k, KW_IV).update(p);
const nodeKwUn = (k: Uint8Array, c: Uint8Array): Buffer => createDecipheriv(`id-aes${k.length * 8}-wrap`, k, KW_IV).update(c);

describe.each(builds.map((b) => [b.name, b] as const))('AES-KW/KWP randomized: %s', (name, { api, core }) => {
  it('KWP agrees with node:crypto and @noble/ciphers for every length 1..600 and multi-KB lengths, both ways', () => {
    const lengths = [...Array(600).keys()].map((i) => i + 1).concat(LARGE);
    const failures: string[] = [];
    for (const len of lengths) {
      const kek = randomBytes(KEY_SIZES[len % 3] as number);
      const p = randomBytes(len);
      const ours = api.aesKwpWrap(kek, p);
      if (toHex(ours) !== toHex(nodeKwp(kek, p))) failures.push(`len ${len}: wrap differs from node:crypto`);
      if (toHex(ours) !== toHex(aeskwp(kek).encrypt(p))) failures.push(`len ${len}: wrap differs from noble`);
      if (firstDirtyArenaByte(core) !== -1) failures.push(`len ${len}: arena dirty after wrap`);
      // Their wrap of a fresh plaintext -> our unwrap (not our own output, so no shared bug can hide).
      const q = randomBytes(len);
      if (toHex(api.aesKwpUnwrap(kek, nodeKwp(kek, q))) !== toHex(q)) failures.push(`len ${len}: unwrap of node's wrap`);
      if (toHex(api.aesKwpUnwrap(kek, aeskwp(kek).encrypt(q))) !== toHex(q)) failures.push(`len ${len}: unwrap of noble's wrap`);
      if (toHex(nodeKwpUn(kek, ours)) !== toHex(p)) failures.push(`len ${len}: node cannot unwrap ours`);
      if (firstDirtyArenaByte(core) !== -1) failures.push(`len ${len}: arena dirty after unwrap`);
    }
    expect(failures).toEqual([]);
    console.log(`${name}: KWP ${lengths.length} lengths x 2 directions agree with node:crypto and @noble/ciphers`);
  });

  it('KW agrees with node:crypto and @noble/ciphers for every multiple of 8 from 16 to 600 and multi-KB, both ways', () => {
    const lengths = [...Array(74).keys()].map((i) => 16 + 8 * i).concat(LARGE.map((n) => n & ~7));
    const failures: string[] = [];
    for (const [n, len] of lengths.entries()) {
      const kek = randomBytes(KEY_SIZES[n % 3] as number);
      const p = randomBytes(len);
      const ours = api.aesKwWrap(kek, p);
      if (toHex(ours) !== toHex(nodeKw(kek, p))) failures.push(`len ${len}: wrap differs from node:crypto`);
      if (toHex(ours) !== toHex(aeskw(kek).encrypt(p))) failures.push(`len ${len}: wrap differs from noble`);
      const q = randomBytes(len);
      if (toHex(api.aesKwUnwrap(kek, nodeKw(kek, q))) !== toHex(q)) failures.push(`len ${len}: unwrap of node's wrap`);
      if (toHex(api.aesKwUnwrap(kek, aeskw(kek).encrypt(q))) !== toHex(q)) failures.push(`len ${len}: unwrap of noble's wrap`);
      if (toHex(nodeKwUn(kek, ours)) !== toHex(p)) failures.push(`len ${len}: node cannot unwrap ours`);
      if (firstDirtyArenaByte(core) !== -1) failures.push(`len ${len}: arena dirty`);
    }
    expect(failures).toEqual([]);
    console.log(`${name}: KW ${lengths.length} lengths x 2 directions agree with node:crypto and @noble/ciphers`);
  });

  it('every single-bit change of wrapped data gives the one generic error', () => {
    const cases: [string, (k: Uint8Array, d: Uint8Array) => Uint8Array, (k: Uint8Array, d: Uint8Array) => Uint8Array, number, number][] = [
      ['KWP one block', api.aesKwpWrap, api.aesKwpUnwrap, 16, 5],
      ['KWP', api.aesKwpWrap, api.aesKwpUnwrap, 32, 40],
      ['KWP', api.aesKwpWrap, api.aesKwpUnwrap, 24, 17],
      ['KW', api.aesKwWrap, api.aesKwUnwrap, 32, 32],
      ['KW', api.aesKwWrap, api.aesKwUnwrap, 16, 24],
    ];
    let flips = 0;
    for (const [label, wrap, unwrap, kl, len] of cases) {
      const kek = randomBytes(kl);
      const w = wrap(kek, randomBytes(len));
      const codes = new Set<string>();
      for (let bit = 0; bit < w.length * 8; bit++) {
        const t = Uint8Array.from(w);
        t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
        codes.add(thrownCode(() => unwrap(kek, t)));
        flips++;
        expect(firstDirtyArenaByte(core)).toBe(-1);
      }
      expect([...codes], `${label} AES-${kl * 8} ${len} B`).toEqual(['DECRYPT_FAILED']);
      // The wrong key too.
      const other = Uint8Array.from(kek);
      other[0] = (other[0] as number) ^ 0x80;
      expect(thrownCode(() => unwrap(other, w))).toBe('DECRYPT_FAILED');
    }
    console.log(`${name}: ${flips} single-bit flips, all rejected with DECRYPT_FAILED`);
  });

  it('KWP rejects well-formed wrappings of bad padding, MLI and constant (crafted with node:crypto raw AES)', () => {
    // Build A || P' by hand and apply W with node's AES-ECB, so the structure checks themselves are hit.
    const kek = randomBytes(32);
    const ecb = (b: Uint8Array): Uint8Array => createCipheriv('aes-256-ecb', kek, null).setAutoPadding(false).update(b);
    const w = (a: Uint8Array, p: Uint8Array): Uint8Array => {
      if (p.length === 8) return ecb(Buffer.concat([a, p]));
      const n = p.length / 8;
      let A = Buffer.from(a);
      const R = [...Array(n).keys()].map((i) => Buffer.from(p.subarray(8 * i, 8 * i + 8)));
      for (let j = 0; j < 6; j++) {
        for (let i = 0; i < n; i++) {
          const B = Buffer.from(ecb(Buffer.concat([A, R[i] as Buffer])));
          A = B.subarray(0, 8);
          const t = BigInt(n * j + i + 1);
          A.writeBigUInt64BE(A.readBigUInt64BE(0) ^ t, 0);
          R[i] = B.subarray(8, 16);
        }
      }
      return Buffer.concat([A, ...R]);
    };
    const aiv = (mli: number, c = 0xa65959a6): Buffer => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(c, 0);
      b.writeUInt32BE(mli >>> 0, 4);
      return b;
    };
    const good = (len: number): Buffer => Buffer.concat([randomBytes(len), Buffer.alloc((8 - (len % 8)) % 8)]);
    // Positive controls: the hand-made wrap of a correct AIV is accepted.
    for (const len of [3, 8, 13, 16, 21]) {
      const p = good(len);
      expect(toHex(api.aesKwpUnwrap(kek, w(aiv(len), p)))).toBe(toHex(p.subarray(0, len)));
    }
    const bad: [string, Uint8Array][] = [
      ['non-zero padding byte (one block)', w(aiv(3), Buffer.from('aabbcc0000000100', 'hex'))],
      ['non-zero padding byte (two blocks)', w(aiv(13), Buffer.concat([randomBytes(13), Buffer.from('000001', 'hex')]))],
      ['MLI = 0', w(aiv(0), good(8))],
      ['MLI too small for the length', w(aiv(8), good(16))],
      ['MLI larger than the data', w(aiv(17), good(16))],
      ['MLI 2^32-1', w(aiv(0xffffffff), good(16))],
      ['wrong constant', w(aiv(16, 0xa65959a7), good(16))],
      ['RFC 3394 IV', w(Buffer.from(KW_IV), good(16))],
    ];
    for (const [label, c] of bad) expect(thrownCode(() => api.aesKwpUnwrap(kek, c)), label).toBe('DECRYPT_FAILED');
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });

  it('validates arguments with typed errors before any work', () => {
    const k = randomBytes(32);
    const d16 = randomBytes(16);
    for (const bad of [new Uint8Array(0), new Uint8Array(15), new Uint8Array(20), new Uint8Array(33)]) {
      for (const f of [api.aesKwWrap, api.aesKwUnwrap, api.aesKwpWrap, api.aesKwpUnwrap]) {
        expect(thrownCode(() => f(bad, randomBytes(24)))).toBe('BAD_KEY_LENGTH');
      }
    }
    for (const f of [api.aesKwWrap, api.aesKwUnwrap, api.aesKwpWrap, api.aesKwpUnwrap]) {
      expect(thrownCode(() => f('key' as unknown as Uint8Array, d16))).toBe('CORE_BAD_ARGUMENT');
      expect(thrownCode(() => f(k, [1, 2, 3] as unknown as Uint8Array))).toBe('CORE_BAD_ARGUMENT');
    }
    const max = (core.exports['maxKwData'] as () => number)();
    for (const n of [0, 8, 17, 23]) expect(thrownCode(() => api.aesKwWrap(k, new Uint8Array(n)))).toBe('BAD_DATA_LENGTH');
    for (const n of [0, 16, 23, 25]) expect(thrownCode(() => api.aesKwUnwrap(k, new Uint8Array(n)))).toBe('BAD_DATA_LENGTH');
    for (const n of [0, max + 1]) expect(thrownCode(() => api.aesKwpWrap(k, new Uint8Array(n)))).toBe('BAD_DATA_LENGTH');
    for (const n of [0, 8, 15, 17, max + 16]) expect(thrownCode(() => api.aesKwpUnwrap(k, new Uint8Array(n)))).toBe('BAD_DATA_LENGTH');
    expect(thrownCode(() => api.aesKwWrap(k, new Uint8Array(max + 8)))).toBe('BAD_DATA_LENGTH');
    expect(() => api.aesKwpWrap(new Uint8Array(15), d16)).toThrow('"kek" expected Uint8Array of length 16/24/32, got length=15');
    // Inputs are left unmodified.
    const copy = Uint8Array.from(d16);
    api.aesKwpUnwrap(k, api.aesKwpWrap(k, d16));
    expect(toHex(d16)).toBe(toHex(copy));
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });

  it('the Wasm exports check lengths and every pointer themselves', () => {
    type Fn = (...a: number[]) => number;
    const x = core.exports as Record<string, Fn>;
    const io = core.ioBase;
    const end = core.ioBase + core.ioSize;
    const max = (core.exports['maxKwData'] as () => number)();
    core.mem.set(randomBytes(32), io);
    for (const f of ['aesKwWrap', 'aesKwUnwrap', 'aesKwpWrap', 'aesKwpUnwrap']) {
      const fn = x[f] as Fn;
      expect(fn(io, 20, io + 64, 32, io + 256), `${f} kek length`).toBe(-1);
      expect(fn(io - 16, 16, io + 64, 32, io + 256), `${f} kek below the region`).toBe(-1);
      expect(fn(end - 8, 16, io + 64, 32, io + 256), `${f} kek past the end`).toBe(-1);
      expect(fn(io, 32, io + 64, -8, io + 256), `${f} negative length`).toBe(-1);
      expect(fn(io, 32, end - 16, 32, io + 256), `${f} input past the end`).toBe(-1);
      expect(fn(io, 32, io + 64, 32, end - 16), `${f} output does not fit`).toBe(-1);
      expect(fn(io, 32, io + 64, max + 64, io + 256), `${f} over MAX_KW_DATA`).toBe(-1);
    }
    expect(x['aesKwWrap']!(io, 32, io + 64, 12, io + 256)).toBe(-1);
    expect(x['aesKwUnwrap']!(io, 32, io + 64, 16, io + 256)).toBe(-1);
    expect(x['aesKwpWrap']!(io, 32, io + 64, 0, io + 256)).toBe(-1);
    expect(x['aesKwpUnwrap']!(io, 32, io + 64, 20, io + 256)).toBe(-1);
    // In place (out = in) is allowed for wrap and unwrap alike.
    const p = randomBytes(40);
    core.mem.set(p, io + 64);
    expect(x['aesKwpWrap']!(io, 32, io + 64, 40, io + 64)).toBe(48);
    expect(toHex(core.mem.slice(io + 64, io + 112))).toBe(toHex(nodeKwp(core.mem.slice(io, io + 32), p)));
    expect(x['aesKwpUnwrap']!(io, 32, io + 64, 48, io + 64)).toBe(40);
    expect(toHex(core.mem.slice(io + 64, io + 104))).toBe(toHex(p));
    core.mem.fill(0, io, io + 4096);
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });

  it('leaves neither the KEK nor the plaintext anywhere in Wasm memory, on success and on failure', () => {
    const kek = randomBytes(32);
    const secret = randomBytes(1218);
    // Positive control: the scanner finds a planted window.
    const spot = core.arenaEnd - 64;
    core.mem.set(secret.subarray(100, 116), spot);
    expect(findSecrets(core, [secret]).length).toBeGreaterThan(0);
    core.mem.fill(0, spot, spot + 16);
    const w = api.aesKwpWrap(kek, secret);
    expect(findSecrets(core, [kek, secret])).toEqual([]);
    expect(toHex(api.aesKwpUnwrap(kek, w))).toBe(toHex(secret));
    expect(findSecrets(core, [kek, secret])).toEqual([]);
    const t = Uint8Array.from(w);
    t[t.length - 1] = (t[t.length - 1] as number) ^ 1;
    expect(thrownCode(() => api.aesKwpUnwrap(kek, t))).toBe('DECRYPT_FAILED');
    expect(findSecrets(core, [kek, secret])).toEqual([]);
    const kw = api.aesKwWrap(kek, secret.subarray(0, 1216));
    api.aesKwUnwrap(kek, kw);
    expect(findSecrets(core, [kek, secret])).toEqual([]);
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });
});
