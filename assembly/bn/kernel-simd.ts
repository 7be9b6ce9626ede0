// Montgomery multiplication and squaring, SIMD build (compiled only when ASC_FEATURE_SIMD): the same
// product-scanning algorithm as kernel-scalar.ts, four limb products per i64x2.extmul pair.
//
// Column k of a*b + q*m is a dot product of a (ascending) with b reversed, plus one of q with m reversed.
// The kernel works in a per-context work area with a fixed layout, so each vector step needs only two
// pointers and immediate offsets:
//   wa:        a (copied in), then at wa + DIST: q, the quotient digits
//   wb:        b reversed (or a reversed, for squaring), then at wb + DIST: m reversed
// Reversed arrays span N4 = n rounded up to 4 limbs: brev[x] = b[N4-1-x], so b[k-i] = brev[N4-1-k+i].
// Loops read up to 7 limbs past a live range; those limbs are zero (the work area is zeroed at context
// creation and only n limbs of each array, or N4 of the reversed ones, are ever written; q is zeroed on
// entry and each q_k is stored one column late, see below), so they add nothing.
//
// Latency: q_k depends on column k, which contains q_(k-1)*m_1. Storing q_(k-1) and re-loading it in a
// vector would put a store-to-load forwarding stall on that chain, so column k's vector loop still sees
// q_(k-1) as zero; q_(k-1)*m_1 is added in scalar and q_(k-1) is stored after the loop.
//
// Lanes accumulate 56-bit products in u64; at most CHUNK vector steps are summed before folding into the
// scalar column pair (hi, lo), value hi*2^28 + lo (bounds at CHUNK).
//
// Leaks: only n (loop bounds and the public tail-mask choice). No branch or index depends on limb values.
import { MASK, W } from "./params";

/** Byte distance between a and q, and between the reversed operand and m reversed, in a work area. */
export const DIST: usize = 1216; // >= (293 + 8) limbs * 4, multiple of 16
/** Bytes of a work area (two arrays). */
export const WORK_BYTES: i32 = 2 * <i32>DIST;

/**
 * Vector steps summed before folding. Per step a lane gains at most 4 products < 2^56 (multiplication)
 * or 2 doubled cross products < 2^57 plus 2 products < 2^56 (squaring): 16 steps keep each lane < 2^62,
 * so the two lanes' sum stays < 2^64.
 */
const CHUNK: i32 = 16;

@inline function n4(n: i32): i32 {
  return (n + 3) & ~3;
}

@inline function reverse4(v: v128): v128 {
  return i8x16.shuffle(v, v, 12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
}

/** dst[x] = src[N4-1-x] for x < N4 (src's limbs n..N4-1 are padding zeros). */
export function reverseLimbs(dst: usize, src: usize, n: i32): void {
  const N4 = n4(n);
  for (let j = 0; j < N4; j += 4) {
    v128.store(dst + (<usize>(N4 - 4 - j) << 2), reverse4(v128.load(src + (<usize>j << 2))));
  }
}

@inline function copyN4(dst: usize, src: usize, n: i32): void {
  const N4 = n4(n);
  for (let j = 0; j < N4; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
}

/** Sum of the two u64 lanes. */
@inline function lanes(v: v128): u64 {
  return i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1);
}

/** The hi half of the last dot product's (hi, lo) result; lo is returned. */
let foldHi: u64 = 0;

/**
 * sum over cnt vector steps of x*y + (x+DIST)*(y+DIST), as u64 lane sums folded every CHUNK steps into
 * (hi, lo).
 */
@inline function dotPair(x: usize, y: usize, cnt: i32): u64 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let acc1 = i64x2.splat(0);
    let acc2 = i64x2.splat(0);
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      const va = v128.load(x);
      const vb = v128.load(y);
      const vq = v128.load(x, DIST);
      const vm = v128.load(y, DIST);
      const va2 = v128.load(x, 16);
      const vb2 = v128.load(y, 16);
      const vq2 = v128.load(x, DIST + 16);
      const vm2 = v128.load(y, DIST + 16);
      acc1 = i64x2.add(acc1, i64x2.extmul_low_i32x4_u(va, vb));
      acc2 = i64x2.add(acc2, i64x2.extmul_low_i32x4_u(vq, vm));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(va, vb));
      acc2 = i64x2.add(acc2, i64x2.extmul_high_i32x4_u(vq, vm));
      acc1 = i64x2.add(acc1, i64x2.extmul_low_i32x4_u(va2, vb2));
      acc2 = i64x2.add(acc2, i64x2.extmul_low_i32x4_u(vq2, vm2));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(va2, vb2));
      acc2 = i64x2.add(acc2, i64x2.extmul_high_i32x4_u(vq2, vm2));
      x += 32;
      y += 32;
    }
    if (i < c) {
      const va = v128.load(x);
      const vb = v128.load(y);
      const vq = v128.load(x, DIST);
      const vm = v128.load(y, DIST);
      acc1 = i64x2.add(acc1, i64x2.extmul_low_i32x4_u(va, vb));
      acc2 = i64x2.add(acc2, i64x2.extmul_low_i32x4_u(vq, vm));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(va, vb));
      acc2 = i64x2.add(acc2, i64x2.extmul_high_i32x4_u(vq, vm));
      x += 16;
      y += 16;
    }
    const s = lanes(i64x2.add(acc1, acc2));
    lo += s & <u64>MASK;
    hi += s >> W;
    cnt -= c;
  }
  foldHi = hi;
  return lo;
}

/** Lane masks keeping the first r lanes, r = 1..3 (r public). */
@inline function tailMask(r: i32): v128 {
  return r == 1 ? i32x4(-1, 0, 0, 0) : r == 2 ? i32x4(-1, -1, 0, 0) : i32x4(-1, -1, -1, 0);
}

/**
 * Squaring column: 2 * sum_{t<tri} x[t]*y[t] (cross products, last partial vector masked) plus
 * sum over qcnt vector steps of (xq+DIST)*(yq+DIST) (the q*m part). Same (hi, lo) convention.
 */
@inline function dotSqr(x: usize, y: usize, tri: i32, xq: usize, yq: usize, qcnt: i32): u64 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  while (tri > 0 || qcnt > 0) {
    const ct = tri < CHUNK * 4 ? tri : CHUNK * 4;
    const cq = qcnt < CHUNK ? qcnt : CHUNK;
    const full = ct >> 2;
    let acc1 = i64x2.splat(0);
    let acc2 = i64x2.splat(0);
    for (let i = 0; i < full; i++) {
      const va = v128.load(x);
      const vb = v128.load(y);
      acc1 = i64x2.add(acc1, i64x2.extmul_low_i32x4_u(va, vb));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(va, vb));
      x += 16;
      y += 16;
    }
    const r = ct & 3;
    if (r != 0) {
      const va = v128.and(v128.load(x), tailMask(r));
      const vb = v128.load(y);
      acc1 = i64x2.add(acc1, i64x2.extmul_low_i32x4_u(va, vb));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(va, vb));
      x += 16;
      y += 16;
    }
    acc1 = i64x2.shl(acc1, 1);
    for (let i = 0; i < cq; i++) {
      const vq = v128.load(xq, DIST);
      const vm = v128.load(yq, DIST);
      acc2 = i64x2.add(acc2, i64x2.extmul_low_i32x4_u(vq, vm));
      acc2 = i64x2.add(acc2, i64x2.extmul_high_i32x4_u(vq, vm));
      xq += 16;
      yq += 16;
    }
    const s = lanes(i64x2.add(acc1, acc2));
    lo += s & <u64>MASK;
    hi += s >> W;
    tri -= ct;
    qcnt -= cq;
  }
  foldHi = hi;
  return lo;
}

/**
 * out = a*b*R^-1 (mod m), out < 2m (top limb may carry one extra bit). wa, wb: the context's work areas
 * (wb + DIST already holds m reversed). a and b may alias each other and out.
 */
export function kernelMul(n: i32, minv: u32, out: usize, a: usize, b: usize, m: usize, wa: usize, wb: usize): void {
  copyN4(wa, a, n);
  reverseLimbs(wb, b, n);
  memory.fill(wa + DIST, 0, <usize>n << 2);
  const m0 = <u64>load<u32>(m);
  const m1 = <u64>load<u32>(m, 4);
  const base = wb + (<usize>(n4(n) - 1) << 2);
  const q = wa + DIST;
  let lo: u64 = 0;
  let hi: u64 = 0;
  let qprev: u64 = 0;
  for (let k = 0; k < n; k++) {
    lo += dotPair(wa, base - (<usize>k << 2), (k >> 2) + 1);
    hi += foldHi;
    lo += qprev * m1;
    if (k > 0) store<u32>(q + (<usize>(k - 1) << 2), <u32>qprev);
    const qk: u32 = (<u32>lo * minv) & MASK;
    lo += <u64>qk * m0;
    lo = hi + (lo >> W);
    hi = 0;
    qprev = <u64>qk;
  }
  for (let k = n; k < 2 * n - 1; k++) {
    const i0 = <usize>(k - n + 1) << 2;
    lo += dotPair(wa + i0, base - (<usize>k << 2) + i0, (2 * n - 1 - k + 3) >> 2);
    hi += foldHi;
    if (k == n) {
      lo += qprev * m1;
      store<u32>(q + (<usize>(n - 1) << 2), <u32>qprev);
    }
    store<u32>(out + (<usize>(k - n) << 2), <u32>lo & MASK);
    lo = hi + (lo >> W);
    hi = 0;
  }
  store<u32>(out + (<usize>(n - 1) << 2), <u32>lo);
}

/** out = a^2*R^-1 (mod m), out < 2m: cross products once, doubled. */
export function kernelSqr(n: i32, minv: u32, out: usize, a: usize, m: usize, wa: usize, wb: usize): void {
  copyN4(wa, a, n);
  reverseLimbs(wb, a, n);
  memory.fill(wa + DIST, 0, <usize>n << 2);
  const m0 = <u64>load<u32>(m);
  const m1 = <u64>load<u32>(m, 4);
  const base = wb + (<usize>(n4(n) - 1) << 2);
  const q = wa + DIST;
  let lo: u64 = 0;
  let hi: u64 = 0;
  let qprev: u64 = 0;
  for (let k = 0; k < 2 * n - 1; k++) {
    const i0 = k < n ? 0 : k - n + 1;
    const off = <usize>i0 << 2;
    const y = base - (<usize>k << 2) + off;
    const qcnt = k < n ? (k >> 2) + 1 : (2 * n - 1 - k + 3) >> 2;
    lo += dotSqr(wa + off, y, ((k + 1) >> 1) - i0, wa + off, y, qcnt);
    hi += foldHi;
    if ((k & 1) == 0) {
      const d = <u64>load<u32>(wa + (<usize>(k >> 1) << 2));
      lo += d * d;
    }
    if (k <= n) {
      lo += qprev * m1;
      if (k > 0) store<u32>(q + (<usize>(k - 1) << 2), <u32>qprev);
    }
    if (k < n) {
      const qk: u32 = (<u32>lo * minv) & MASK;
      lo += <u64>qk * m0;
      qprev = <u64>qk;
    } else {
      store<u32>(out + (<usize>(k - n) << 2), <u32>lo & MASK);
    }
    lo = hi + (lo >> W);
    hi = 0;
  }
  store<u32>(out + (<usize>(n - 1) << 2), <u32>lo);
}
