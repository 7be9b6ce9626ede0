// SHA-1/SHA-256/SHA-384/SHA-512 of every build against node:crypto (OpenSSL): every length 0..300, random
// lengths up to 2000, the padding boundaries (55/56/64 and 111/112/128 and their neighbours), inputs
// larger than the I/O region (streamed by the binder), the incremental exports with arbitrary split points,
// argument checks, and a zero arena after every call.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HashName } from '../../src/core/types.js';
import { HASH_ID } from '../../src/core/instance.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { firstDirtyArenaByte } from '../helpers/symmetric-memory.js';

const builds = await loadAllBuilds();
const HASHES: readonly HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const nodeHash = (h: HashName, d: Uint8Array): string => createHash(h).update(d).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const BOUNDARIES = [
  0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129,
  110, 111, 112, 113, 239, 240, 241, 255, 256, 257,
];
type Fn = (...a: number[]) => number;

describe('SHA-1/SHA-2', () => {
  it('found every build', () => {
    expect(builds.length).toBeGreaterThanOrEqual(2);
  });

  for (const { name, core, api } of builds) {
    describe(name, () => {
      for (const h of HASHES) {
        it(`${h}: every length 0..300, random lengths to 2000 and the padding boundaries`, () => {
          const lengths = [...Array(301).keys(), ...BOUNDARIES];
          for (let i = 0; i < 60; i++) lengths.push(randomInt(301, 2001));
          for (const len of lengths) {
            const d = randomBytes(len);
            expect(hex(api[h](d)), `${h} len ${len}`).toBe(nodeHash(h, d));
            expect(firstDirtyArenaByte(core)).toBe(-1);
          }
          console.log(`${name} ${h}: ${lengths.length} lengths agree with node:crypto`);
        });

        it(`${h}: inputs larger than the I/O region are streamed`, () => {
          const len = core.ioSize + 3 * 65536 + 77;
          const d = randomBytes(len);
          expect(hex(api[h](d))).toBe(nodeHash(h, d));
          expect(firstDirtyArenaByte(core)).toBe(-1);
          // And exactly one chunk, one chunk plus one byte.
          for (const n of [0x40000, 0x40001]) {
            const e = d.subarray(0, n);
            expect(hex(api[h](e))).toBe(nodeHash(h, e));
          }
        });

        it(`${h}: incremental exports agree for arbitrary split points`, () => {
          const x = core.exports as Record<string, Fn>;
          const ctxSize = x['shaCtxSize']!();
          const ctx = core.ioBase;
          const buf = core.ioBase + 1024;
          const out = core.ioBase + 8192;
          for (let trial = 0; trial < 20; trial++) {
            const d = randomBytes(randomInt(0, 3000));
            expect(x['shaInit']!(HASH_ID[h], ctx)).toBe(0);
            for (let off = 0; off < d.length;) {
              const k = Math.min(d.length - off, randomInt(0, 400));
              core.mem.set(d.subarray(off, off + k), buf);
              expect(x['shaUpdate']!(ctx, buf, k)).toBe(0);
              off += k;
            }
            const hl = x['shaFinal']!(ctx, out);
            expect(hex(core.mem.slice(out, out + hl))).toBe(nodeHash(h, d));
            // shaFinal wipes the context; the host wipes its own buffers.
            expect(core.mem.subarray(ctx, ctx + ctxSize).some((b) => b !== 0)).toBe(false);
            core.mem.fill(0, core.ioBase, core.ioBase + 8192 + 64);
            expect(firstDirtyArenaByte(core)).toBe(-1);
          }
        });
      }

      it('rejects bad arguments in the binder and in the core', () => {
        expect(() => api.sha256('abc' as unknown as Uint8Array)).toThrow(
          expect.objectContaining({ code: 'CORE_BAD_ARGUMENT' }),
        );
        const x = core.exports as Record<string, Fn>;
        const io = core.ioBase;
        const end = core.ioBase + core.ioSize;
        expect(x['sha']!(0, io, 0, io + 64)).toBe(-1); // unknown algorithm
        expect(x['sha']!(5, io, 0, io + 64)).toBe(-1);
        expect(x['sha']!(2, io - 1, 1, io + 64)).toBe(-1); // input below the I/O region
        expect(x['sha']!(2, end - 10, 11, io)).toBe(-1); // input past its end
        expect(x['sha']!(2, io, -1, io + 64)).toBe(-1); // negative length
        expect(x['sha']!(4, io, 0, end - 63)).toBe(-1); // output does not fit
        expect(x['sha']!(4, io, 0, end - 64)).toBe(64);
        core.mem.fill(0, end - 64, end);
        expect(x['shaInit']!(9, io)).toBe(-1);
        expect(x['shaInit']!(2, end - 8)).toBe(-1);
        // A context no shaInit produced (unknown algorithm, buffered length out of range).
        expect(x['shaUpdate']!(io, io + 512, 0)).toBe(-1);
        expect(x['shaInit']!(2, io)).toBe(0);
        expect(x['shaUpdate']!(io, io + 100, 10)).toBe(-1); // input overlaps the context
        expect(x['shaFinal']!(io, io + 8)).toBe(-1); // output overlaps the context
        new DataView(core.mem.buffer).setUint32(io + 192, 64, true);
        expect(x['shaFinal']!(io, io + 512)).toBe(-1);
        core.mem.fill(0, io, io + 1024);
        expect(firstDirtyArenaByte(core)).toBe(-1);
      });
    });
  }
});
