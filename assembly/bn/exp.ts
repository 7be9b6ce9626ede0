// Modular exponentiation: fixed-window, constant time for secret exponents (CRT private operation), and
// left-to-right square-and-multiply for public exponents (RSA public operation, e < 2^32).
//
// modExpCt: window of WINDOW bits; the table holds base^0..base^(2^WINDOW-1) in Montgomery form and every
// lookup reads every entry and keeps one with a mask (no secret-dependent memory index). The sequence
// of squarings and multiplications depends only on the public exponent length.
//
// Both keep intermediate values in [0, 2m) with the lazy Montgomery operations (no final subtraction;
// mont.ts) and end with a full multiplication, which leaves a result below m.
//
// Leaks: modExpCt leaks the public exponent bit length and n. modExpPubVarTime leaks the exponent e
// (public) through its sequence of operations; the base may be secret: every operation on it is the
// constant-time Montgomery multiplication.
import { bnAlloc } from "./arena";
import { W, WINDOW } from "./params";
import { copyLimbs, limbAt } from "./limbs";
import { ctxN, ctxOne, ctxRR, fromMont, montMul, montMulLazy, montSqrLazy } from "./mont";

const TABLE: i32 = 1 << WINDOW;

/**
 * dst = table[idx] reading all TABLE entries (each `stride` bytes apart, n limbs plus their zero PAD
 * limbs) and keeping one with a mask; idx is secret. `masks` is scratch for TABLE vectors (SIMD) or
 * TABLE u64 words. Four accumulators per pass over the table, so each mask load serves four words;
 * the scalar build reads two limbs per u64 and rounds n up to 8 limbs (within the PAD, which is zero
 * in every entry and in dst).
 */
function lookupCt(dst: usize, table: usize, stride: usize, n: i32, idx: u32, masks: usize): void {
  if (ASC_FEATURE_SIMD) {
    for (let j: u32 = 0; j < <u32>TABLE; j++) {
      const d = j ^ idx;
      v128.store(masks + (<usize>j << 4), i32x4.splat(((d | (0 - d)) >> 31) - 1)); // all-ones iff j == idx
    }
    const words = (n + 3) >> 2;
    let w = 0;
    for (; w + 4 <= words; w += 4) {
      const off = <usize>w << 4;
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      let a2 = i32x4.splat(0);
      let a3 = i32x4.splat(0);
      let p = table + off;
      for (let j = 0; j < TABLE; j++) {
        const mk = v128.load(masks + (<usize>j << 4));
        a0 = v128.or(a0, v128.and(v128.load(p), mk));
        a1 = v128.or(a1, v128.and(v128.load(p, 16), mk));
        a2 = v128.or(a2, v128.and(v128.load(p, 32), mk));
        a3 = v128.or(a3, v128.and(v128.load(p, 48), mk));
        p += stride;
      }
      v128.store(dst + off, a0);
      v128.store(dst + off, a1, 16);
      v128.store(dst + off, a2, 32);
      v128.store(dst + off, a3, 48);
    }
    for (; w < words; w++) {
      const off = <usize>w << 4;
      let acc = i32x4.splat(0);
      let p = table + off;
      for (let j = 0; j < TABLE; j++) {
        acc = v128.or(acc, v128.and(v128.load(p), v128.load(masks + (<usize>j << 4))));
        p += stride;
      }
      v128.store(dst + off, acc);
    }
    return;
  }
  for (let j: u32 = 0; j < <u32>TABLE; j++) {
    const d = j ^ idx;
    const m32: u32 = ((d | (0 - d)) >> 31) - 1; // all-ones iff j == idx; a u32 local keeps the 32-bit wrap
    store<u64>(masks + (<usize>j << 3), <u64>m32 * 0x100000001);
  }
  const groups = (n + 7) >> 3; // of 8 limbs (4 u64)
  for (let g = 0; g < groups; g++) {
    const off = <usize>g << 5;
    let a0: u64 = 0;
    let a1: u64 = 0;
    let a2: u64 = 0;
    let a3: u64 = 0;
    let p = table + off;
    for (let j = 0; j < TABLE; j++) {
      const mk = load<u64>(masks + (<usize>j << 3));
      a0 |= load<u64>(p) & mk;
      a1 |= load<u64>(p, 8) & mk;
      a2 |= load<u64>(p, 16) & mk;
      a3 |= load<u64>(p, 24) & mk;
      p += stride;
    }
    store<u64>(dst + off, a0);
    store<u64>(dst + off, a1, 8);
    store<u64>(dst + off, a2, 16);
    store<u64>(dst + off, a3, 24);
  }
}

/** The WINDOW-bit window of e starting at bit `pos` (pos public, value secret). e has a zero pad limb. */
@inline function windowAt(e: usize, pos: i32): u32 {
  const li = pos / <i32>W;
  const sh = <u32>(pos % <i32>W);
  const two: u64 = <u64>limbAt(e, li) | (<u64>limbAt(e, li + 1) << W);
  return <u32>(two >> sh) & <u32>(TABLE - 1);
}

/**
 * r = base^e mod m in constant time. base < m (plain form, n limbs); e has ceil(ebits/W) limbs plus a
 * zero pad limb and e < 2^ebits (ebits public, e.g. the bit length of m). Needs R^2 in the context.
 * Uses TABLE + 1 arena buffers. r may alias base.
 */
export function modExpCt(ctx: usize, r: usize, base: usize, e: usize, ebits: i32): void {
  const n = ctxN(ctx);
  const first = bnAlloc(n);
  let stride: usize = 0;
  const table = first;
  for (let j = 1; j < TABLE; j++) {
    const p = bnAlloc(n);
    if (j == 1) stride = p - first;
  }
  // table[0] = R mod m (1 in Montgomery form), table[1] = base*R, table[j] = table[j-1]*table[1];
  // even entries by squaring, which costs less. Entries are < 2m (lazy).
  montMulLazy(ctx, table, ctxOne(ctx), ctxRR(ctx));
  montMulLazy(ctx, table + stride, base, ctxRR(ctx));
  for (let j = 2; j < TABLE; j++) {
    const tj = table + <usize>j * stride;
    if ((j & 1) == 0) montSqrLazy(ctx, tj, table + <usize>(j >> 1) * stride);
    else montMulLazy(ctx, tj, table + <usize>(j - 1) * stride, table + stride);
  }
  const acc = bnAlloc(n);
  const t = bnAlloc(n);
  const masks = bnAlloc(TABLE * 4); // TABLE v128 masks (or u32 in the scalar build)
  const windows = (ebits + WINDOW - 1) / WINDOW;
  lookupCt(acc, table, stride, n, windowAt(e, (windows - 1) * WINDOW), masks);
  for (let w = windows - 2; w >= 0; w--) {
    for (let s = 0; s < WINDOW; s++) montSqrLazy(ctx, acc, acc);
    lookupCt(t, table, stride, n, windowAt(e, w * WINDOW), masks);
    montMulLazy(ctx, acc, acc, t);
  }
  fromMont(ctx, r, acc); // full: acc < 2m in, r < m out
}

/**
 * r = base^e mod m for a public exponent e >= 1 (square-and-multiply; the operation sequence follows
 * e's bits). base < m, plain form; needs R^2. r may alias base. Uses two arena buffers.
 * For odd e the last multiplication takes base in plain form, which also leaves Montgomery form:
 * (base^(e-1) * R) * base * R^-1 = base^e, saving the conversion.
 */
export function modExpPubVarTime(ctx: usize, r: usize, base: usize, e: u32): void {
  const n = ctxN(ctx);
  const b = bnAlloc(n);
  const acc = bnAlloc(n);
  montMulLazy(ctx, b, base, ctxRR(ctx));
  copyLimbs(acc, b, n);
  const last = (e & 1) != 0 ? 1 : 0;
  for (let i = 30 - <i32>clz(e); i >= last; i--) {
    montSqrLazy(ctx, acc, acc);
    if (((e >> <u32>i) & 1) != 0) montMulLazy(ctx, acc, acc, b);
  }
  if (last != 0 && e > 1) {
    montSqrLazy(ctx, acc, acc);
    montMul(ctx, r, acc, base); // full: r < m
  } else {
    fromMont(ctx, r, acc);
  }
}
