// After rsaAesKeyWrap, rsaOaepDecrypt and rsaAesKeyUnwrap, the WHOLE Wasm memory (not just the arena)
// must hold no copy of: the target key, the ephemeral AES key (recovered from the blob with node:crypto),
// the decrypted message, or any private-key value (n excepted: it is public). Private values are searched
// as every 8-byte window of their big-endian bytes, their little-endian bytes, and their in-core form
// (W-bit limbs in little-endian u32 words, W from the build's limbBits export). And the arena [ioBase, arenaEnd) must be all zero.
// A positive control first shows that the scanner finds planted key material.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RsaPrivateKey } from '../../src/core/types.js';
import type { WasmCore } from '../../src/core/instance.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { generateTestKey, nodeOaepDecrypt, nodeOaepEncrypt, toBig } from '../helpers/rsa-keys.js';

const builds = await loadAllBuilds();
const key = generateTestKey(2048);
const k = key.priv.n.length;

/** The in-core form: W-bit limbs, least significant first, each in a little-endian u32. */
function limbForm(b: Uint8Array, bits: number): Uint8Array {
  let x = toBig(b);
  const w = BigInt(bits);
  const out: number[] = [];
  while (x > 0n) {
    const v = Number(x & ((1n << w) - 1n));
    out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    x >>= w;
  }
  return Uint8Array.from(out);
}

/**
 * Every 8-byte window (as a u64 key) of each form of each secret; all-zero windows are left out.
 * limbBits: the core's limb width, to add the in-core form.
 */
function windows(secrets: readonly Uint8Array[], limbBits?: number): Map<bigint, string> {
  const out = new Map<bigint, string>();
  secrets.forEach((s, idx) => {
    const variants = limbBits ? [s, Uint8Array.from(s).reverse(), limbForm(s, limbBits)] : [s];
    for (const v of variants) {
      const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
      for (let i = 0; i + 8 <= v.length; i++) {
        const w = dv.getBigUint64(i, true);
        if (w !== 0n) out.set(w, `secret #${idx}`);
      }
    }
  });
  return out;
}

/** Offsets of memory where any window occurs. */
function scan(core: WasmCore, wins: Map<bigint, string>): string[] {
  const mem = core.mem;
  const dv = new DataView(mem.buffer);
  const hits: string[] = [];
  for (let i = 0; i + 8 <= mem.length; i++) {
    const w = dv.getBigUint64(i, true);
    if (w !== 0n && wins.has(w)) hits.push(`${wins.get(w)} at 0x${i.toString(16)}`);
    if (hits.length > 5) break;
  }
  return hits;
}

function privateSecrets(priv: RsaPrivateKey): Uint8Array[] {
  return [priv.p, priv.q, priv.d, priv.dp, priv.dq, priv.qi];
}

function arenaIsZero(core: WasmCore): boolean {
  return !core.mem.subarray(core.ioBase, core.arenaEnd).some((b) => b !== 0);
}

describe('zeroization after RSA operations', () => {
  for (const build of builds) {
    const { core, api } = build;
    const w = (core.exports['limbBits'] as () => number)();

    it(`${build.name}: the scanner finds planted key material (positive control)`, () => {
      const wins = windows(privateSecrets(key.priv), w);
      const spot = core.arenaEnd - 4096;
      expect(w).toBeGreaterThanOrEqual(26);
      core.mem.set(limbForm(key.priv.dq, w).subarray(40, 60), spot);
      expect(scan(core, wins).length).toBeGreaterThan(0);
      core.mem.fill(0, spot, spot + 20);
      expect(scan(core, wins)).toEqual([]);
    });

    it(`${build.name}: after rsaAesKeyWrap: no target key, no ephemeral key, arena zero`, () => {
      const target = randomBytes(48);
      const blob = api.rsaAesKeyWrap(key.priv, target, { hash: 'sha256' });
      const eph = nodeOaepDecrypt(key.privateKey, blob.subarray(0, k), 'sha256');
      expect(eph.length).toBe(32);
      expect(scan(core, windows([target, eph]))).toEqual([]);
      expect(arenaIsZero(core)).toBe(true);
    });

    it(`${build.name}: after rsaOaepDecrypt: no private-key value, no message, arena zero`, () => {
      const msg = randomBytes(64);
      const ct = nodeOaepEncrypt(key.publicKey, msg, 'sha1');
      expect(Buffer.from(api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha1' })).equals(msg)).toBe(true);
      expect(scan(core, windows([...privateSecrets(key.priv), msg], w))).toEqual([]);
      expect(arenaIsZero(core)).toBe(true);
      // and after a failed decryption
      ct[10] = (ct[10] as number) ^ 1;
      expect(() => api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha1' })).toThrow();
      expect(scan(core, windows(privateSecrets(key.priv), w))).toEqual([]);
      expect(arenaIsZero(core)).toBe(true);
    });

    it(`${build.name}: after rsaAesKeyUnwrap: no target key, no ephemeral key, no private-key value, arena zero`, () => {
      const target = randomBytes(1218);
      const blob = api.rsaAesKeyWrap(key.priv, target, { hash: 'sha1' });
      const eph = nodeOaepDecrypt(key.privateKey, blob.subarray(0, k), 'sha1');
      expect(Buffer.from(api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1' })).equals(target)).toBe(true);
      expect(scan(core, windows([target, eph]))).toEqual([]);
      expect(scan(core, windows(privateSecrets(key.priv), w))).toEqual([]);
      expect(arenaIsZero(core)).toBe(true);
      // and after a failed unwrap (KWP half corrupted)
      blob[blob.length - 3] = (blob[blob.length - 3] as number) ^ 0x10;
      expect(() => api.rsaAesKeyUnwrap(key.priv, blob, { hash: 'sha1' })).toThrow();
      expect(scan(core, windows([target, eph, ...privateSecrets(key.priv)], w))).toEqual([]);
      expect(arenaIsZero(core)).toBe(true);
    });
  }
});
