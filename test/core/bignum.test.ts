// The bignum code (assembly/bn) against a BigInt oracle with fast-check, compiled from the same sources
// with the same options as every shipped build (debug, release, and their SIMD variants), so both the
// scalar and the SIMD Montgomery kernels are covered. Moduli range over 60..8192 bits; operands include
// the edge values 0, 1, m-1 and values whose limbs are all ones, and moduli whose limbs are all ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBnTargets, get, limbsFor, put, words, type BnModule } from '../helpers/bn-harness.js';
import { modPow } from '../helpers/rsa-keys.js';

const modules = await compileBnTargets();

const bitsArb = fc.oneof(
  fc.constantFrom(1024, 1536, 2048, 3072, 4096, 8192, 512, 1020, 1028, 1036, 1037, 1044, 1045, 2059, 2060, 2072, 2073),
  fc.integer({ min: 60, max: 4200 }),
  fc.integer({ min: 7000, max: 8192 }),
);

/** An odd modulus of exactly `bits` bits; sometimes all ones, sometimes with all-ones limbs inside. */
const modulusArb = (bits: number): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(bits - 1)) - 1n }) },
    { weight: 1, arbitrary: fc.constant((1n << BigInt(bits - 1)) - 1n) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(bits - 1)) - 1n }).map((x) => x | (((1n << 64n) - 1n) << 20n)) },
  ).map((x) => (x & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1)) | 1n);

/** An operand < m: random, or an edge value. */
const operandArb = (m: bigint): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: m - 1n }) },
    { weight: 3, arbitrary: fc.constantFrom(0n, 1n, m - 1n, m - 2n, (m - 1n) / 2n) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.max(1, m.toString(2).length - 1) }).map((b) => (1n << BigInt(b)) - 1n) },
  );

const caseArb = bitsArb.chain((bits) =>
  modulusArb(bits).chain((m) => fc.tuple(fc.constant(bits), fc.constant(m), operandArb(m), operandArb(m))));

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

interface Ctx { ctx: number; n: number; R: bigint }

function context(mod: BnModule, m: bigint, bits: number): Ctx {
  const x = mod.x;
  x.bnWipe!();
  const n = limbsFor(mod, bits);
  const mp = x.bnAlloc!(n);
  put(mod, mp, m, n);
  const ctx = x.ctxNew!(mp, n, bits);
  expect(ctx).not.toBe(0);
  return { ctx, n, R: 1n << (BigInt(mod.w) * BigInt(n)) };
}

describe('bignum vs BigInt', () => {
  it('compiled the bignum entry for every target', () => {
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['debug', 'release']));
  });

  for (const mod of modules) {
    const x = mod.x;
    describe(mod.name, () => {
      it('Montgomery multiplication and squaring (results fully reduced, W-bit limbs)', () => {
        fc.assert(
          fc.property(caseArb, ([bits, m, a, b]) => {
            const { ctx, n, R } = context(mod, m, bits);
            const ri = inverse(R, m);
            const pa = x.bnAlloc!(n);
            const pb = x.bnAlloc!(n);
            const pr = x.bnAlloc!(n);
            put(mod, pa, a, n);
            put(mod, pb, b, n);
            x.montMul!(ctx, pr, pa, pb);
            expect(get(mod, pr, n)).toBe((a * b * ri) % m);
            expect(words(mod, pr, n).every((w) => w < 2 ** mod.w)).toBe(true);
            x.montSqr!(ctx, pr, pa);
            expect(get(mod, pr, n)).toBe((a * a * ri) % m);
            x.montMul!(ctx, pa, pa, pb); // in place
            expect(get(mod, pa, n)).toBe((a * b * ri) % m);
          }),
          { numRuns: 150 },
        );
      });

      it('lazy Montgomery operations (inputs and results in [0, 2m) when R >= 4m, else full)', () => {
        fc.assert(
          fc.property(caseArb, fc.boolean(), fc.boolean(), ([bits, m, a0, b0], ha, hb) => {
            const { ctx, n, R } = context(mod, m, bits);
            const lazy = x.lazyOk!(ctx) === 1;
            expect(lazy).toBe(R >= 4n * m);
            const ri = inverse(R, m);
            // Without the headroom the lazy calls are the full ones, whose inputs must stay below m.
            const a = lazy && ha ? a0 + m : a0;
            const b = lazy && hb ? b0 + m : b0;
            const pa = x.bnAlloc!(n);
            const pb = x.bnAlloc!(n);
            const pr = x.bnAlloc!(n);
            put(mod, pa, a, n);
            put(mod, pb, b, n);
            const bound = lazy ? 2n * m : m;
            x.montMulLazy!(ctx, pr, pa, pb);
            let r = get(mod, pr, n);
            expect(r < bound && r % m === (a * b * ri) % m).toBe(true);
            expect(words(mod, pr, n).every((w) => w < 2 ** mod.w)).toBe(true);
            x.montSqrLazy!(ctx, pr, pa);
            r = get(mod, pr, n);
            expect(r < bound && r % m === (a * a * ri) % m).toBe(true);
            x.montSqrLazy!(ctx, pa, pa); // in place
            expect(get(mod, pa, n)).toBe(r);
            // A full multiplication takes lazy values back below m.
            x.montMul!(ctx, pr, pa, pb);
            expect(get(mod, pr, n)).toBe((a * a * ri * b * ri) % m);
          }),
          { numRuns: 150 },
        );
      });

      it('R^2 mod m, constant-time and VarTime', () => {
        fc.assert(
          fc.property(bitsArb.chain((bits) => fc.tuple(fc.constant(bits), modulusArb(bits))), ([bits, m]) => {
            const { ctx, n, R } = context(mod, m, bits);
            x.rrCt!(ctx, x.bnAlloc!(n));
            expect(get(mod, x.ctxRR!(ctx), n)).toBe((R * R) % m);
            put(mod, x.ctxRR!(ctx), 0n, n);
            x.rrVarTime!(ctx, x.bnAlloc!(2 * n + 2), x.bnAlloc!(n));
            expect(get(mod, x.ctxRR!(ctx), n)).toBe((R * R) % m);
          }),
          { numRuns: 60 },
        );
      });

      it('2^e mod m by long division (e a multiple of the limb width, e >= W*n)', () => {
        fc.assert(
          fc.property(bitsArb.chain((bits) => fc.tuple(fc.constant(bits), modulusArb(bits), fc.integer({ min: 0, max: 300 }))), ([bits, m, extra]) => {
            const { ctx, n } = context(mod, m, bits);
            const e = mod.w * (n + extra);
            const dst = x.bnAlloc!(n);
            x.pow2ModVarTime!(ctx, e, dst, x.bnAlloc!(n + extra + 2), x.bnAlloc!(n));
            expect(get(mod, dst, n)).toBe((1n << BigInt(e)) % m);
          }),
          { numRuns: 60 },
        );
      });

      it('reduction of wide values (x < m*R) mod m', () => {
        fc.assert(
          fc.property(
            bitsArb.chain((bits) => modulusArb(bits).chain((m) => {
              const R = 1n << (BigInt(mod.w) * BigInt(limbsFor(mod, bits)));
              return fc.tuple(fc.constant(bits), fc.constant(m), fc.oneof(fc.bigInt({ min: 0n, max: m * R - 1n }), fc.constantFrom(0n, m, m * R - 1n)));
            })),
            ([bits, m, w]) => {
              const { ctx, n } = context(mod, m, bits);
              x.rrCt!(ctx, x.bnAlloc!(n));
              const pw = x.bnAlloc!(2 * n);
              put(mod, pw, w, 2 * n);
              const pr = x.bnAlloc!(n);
              x.reduceWide!(ctx, pr, pw, 2 * n);
              expect(get(mod, pr, n)).toBe(w % m);
            },
          ),
          { numRuns: 60 },
        );
      });

      it('constant-time fixed-window exponentiation and the public-exponent path', () => {
        const smallBits = fc.oneof(fc.constantFrom(512, 1024, 1030, 2048), fc.integer({ min: 60, max: 2100 }));
        fc.assert(
          fc.property(
            smallBits.chain((bits) => modulusArb(bits).chain((m) =>
              fc.tuple(fc.constant(bits), fc.constant(m), operandArb(m),
                fc.oneof(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), fc.constantFrom(0n, 1n, 2n, 31n, 32n, (1n << BigInt(bits)) - 1n)),
                fc.oneof(fc.constantFrom(1, 3, 17, 65537, 0xffffffff), fc.integer({ min: 1, max: 0x7fffffff })),
              ))),
            ([bits, m, base, e, pubE]) => {
              const { ctx, n } = context(mod, m, bits);
              x.rrCt!(ctx, x.bnAlloc!(n));
              const pb = x.bnAlloc!(n);
              const pe = x.bnAlloc!(n);
              const pr = x.bnAlloc!(n);
              put(mod, pb, base, n);
              put(mod, pe, e, n);
              x.modExpCt!(ctx, pr, pb, pe, bits);
              expect(get(mod, pr, n)).toBe(modPow(base, e, m));
              x.modExpPub!(ctx, pr, pb, pubE);
              expect(get(mod, pr, n)).toBe(modPow(base, BigInt(pubE >>> 0), m));
            },
          ),
          { numRuns: 40 },
        );
      });

      it('schoolbook product, byte conversions, comparisons', () => {
        fc.assert(
          fc.property(fc.integer({ min: 1, max: 4200 }), fc.integer({ min: 1, max: 4200 }), fc.bigInt({ min: 0n, max: (1n << 4200n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 4200n) - 1n }),
            (ba, bb, ra, rb) => {
              x.bnWipe!();
              const a = ra & ((1n << BigInt(ba)) - 1n);
              const b = rb & ((1n << BigInt(bb)) - 1n);
              const na = limbsFor(mod, ba);
              const nb = limbsFor(mod, bb);
              const pa = x.bnAlloc!(na);
              const pb = x.bnAlloc!(nb);
              const pr = x.bnAlloc!(na + nb);
              put(mod, pa, a, na);
              put(mod, pb, b, nb);
              x.mulPlain!(pr, pa, na, pb, nb);
              expect(get(mod, pr, na + nb)).toBe(a * b);
              // bytes -> limbs -> bytes (big-endian, fixed length)
              const len = Math.ceil(ba / 8);
              const bytes = Uint8Array.from(Buffer.from(a.toString(16).padStart(2 * len, '0'), 'hex'));
              const pIn = x.bnAlloc!(len);
              new Uint8Array(mod.memory.buffer).set(bytes, pIn);
              x.fromBytes!(pa, na, pIn, len);
              expect(get(mod, pa, na)).toBe(a);
              const pOut = x.bnAlloc!(len + 4);
              x.toBytes!(pOut, len + 1, pa, na);
              expect(Buffer.from(new Uint8Array(mod.memory.buffer, pOut, len + 1)).toString('hex')).toBe(`00${Buffer.from(bytes).toString('hex')}`);
              const n = Math.max(na, nb);
              const qa = x.bnAlloc!(n);
              const qb = x.bnAlloc!(n);
              put(mod, qa, a, n);
              put(mod, qb, b, n);
              expect(x.ltLimbs!(qa, qb, n)).toBe(a < b ? 1 : 0);
            }),
          { numRuns: 150 },
        );
      });

      it('e*d == 1 mod (p-1) test', () => {
        fc.assert(
          fc.property(fc.integer({ min: 64, max: 2100 }), fc.bigInt({ min: 1n, max: (1n << 2100n) - 1n }),
            fc.constantFrom(3n, 17n, 65537n, 0xffffffffn, 0x80000001n), fc.nat({ max: 3 }),
            (bits, r, e, kind) => {
              x.bnWipe!();
              const p = (r & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1)) | 1n;
              const pm1 = p - 1n;
              const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
              const d = kind === 0 && gcd(e, pm1) === 1n ? inverse(e, pm1) : kind === 1 ? pm1 : kind === 2 ? 0n : r % pm1;
              const n = limbsFor(mod, bits);
              const pd = x.bnAlloc!(n);
              const pp = x.bnAlloc!(n);
              put(mod, pd, d, n);
              put(mod, pp, pm1, n);
              const want = d !== 0n && (e * d) % pm1 === 1n % pm1 ? 1 : 0;
              expect(x.isInverseModCt!(pd, pp, n, Number(e) | 0, x.bnAlloc!(n + 2), x.bnAlloc!(n + 2))).toBe(want);
            }),
          { numRuns: 150 },
        );
      });

      it('bnWipe zeroes everything the arena handed out', () => {
        const { ctx, n } = context(mod, (1n << 2047n) | 12345n, 2048);
        x.rrCt!(ctx, x.bnAlloc!(n));
        const used = x.bnUsed!();
        const arena = (): Uint8Array => new Uint8Array(mod.memory.buffer, x.bnBase!(), used);
        expect(arena().some((b) => b !== 0)).toBe(true);
        x.bnWipe!();
        expect(x.bnUsed!()).toBe(0);
        expect(arena().some((b) => b !== 0)).toBe(false);
      });
    });
  }
});
