// Montgomery multiplication and squaring, scalar build: product scanning ("finely integrated product
// scanning", Koc, Acar and Kaliski, "Analyzing and comparing Montgomery multiplication algorithms", 1996)
// over 28-bit limbs with 64-bit column accumulators.
//
// out = a*b*R^-1 mod m up to one multiple of m (out < 2m), R = 2^(28n); a, b < m; m odd, m < R.
// Column k of a*b + q*m is summed in a u64: each limb product is < 2^56, so CHUNK steps of two products
// fit before the sum is folded into the column pair (hi, lo), value hi*2^28 + lo. The quotient digit q_k
// is taken from column k's low 28 bits, as in word-serial Montgomery reduction. out's top limb may hold
// one extra bit; the caller applies the always-computed final subtraction (mont.ts).
//
// Leaks: only n (loop bounds). No branch or index depends on limb values.
import { MASK, W } from "./params";

/** Steps (two products each, < 2^57) summed before folding: 64 * 2^57 = 2^63. */
const CHUNK: i32 = 64;

@inline function ld(p: usize): u64 {
  return <u64>load<u32>(p);
}

/** The hi half of the last dot product's (hi, lo) result; lo is returned. */
let foldHi: u64 = 0;

/** sum_{t<cnt} x[t]*y[-t] + u[t]*v[-t] as (hi, lo): x, u ascending, y, v descending. */
@inline function dot2(x: usize, y: usize, u: usize, v: usize, cnt: i32): u64 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let s: u64 = 0;
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      const p0: u64 = ld(x) * ld(y);
      const p1: u64 = ld(u) * ld(v);
      const p2: u64 = ld(x + 4) * ld(y - 4);
      const p3: u64 = ld(u + 4) * ld(v - 4);
      s += (p0 + p1) + (p2 + p3);
      x += 8; u += 8; y -= 8; v -= 8;
    }
    if (i < c) {
      s += ld(x) * ld(y) + ld(u) * ld(v);
      x += 4; u += 4; y -= 4; v -= 4;
    }
    lo += s & <u64>MASK;
    hi += s >> W;
    cnt -= c;
  }
  foldHi = hi;
  return lo;
}

/** 2 * sum_{t<cnt} x[t]*y[-t] as (hi, lo) (products < 2^56, doubled < 2^57). */
@inline function dot1x2(x: usize, y: usize, cnt: i32): u64 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let s: u64 = 0;
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      s += ld(x) * ld(y) + ld(x + 4) * ld(y - 4);
      x += 8; y -= 8;
    }
    if (i < c) {
      s += ld(x) * ld(y);
      x += 4; y -= 4;
    }
    s <<= 1;
    lo += s & <u64>MASK;
    hi += s >> W;
    cnt -= c;
  }
  foldHi = hi;
  return lo;
}

/** out = a*b*R^-1 (mod m), out < 2m (top limb may carry one extra bit). q: n limbs of scratch. */
export function kernelMul(n: i32, minv: u32, out: usize, a: usize, b: usize, m: usize, q: usize): void {
  const m0 = ld(m);
  let lo: u64 = 0;
  let hi: u64 = 0;
  for (let k = 0; k < n; k++) {
    const top = <usize>k << 2;
    // i in [0, k): a_i*b_(k-i) + q_i*m_(k-i); then a_k*b_0.
    lo += dot2(a, b + top, q, m + top, k);
    hi += foldHi;
    lo += ld(a + top) * ld(b);
    const qk: u32 = (<u32>lo * minv) & MASK;
    store<u32>(q + top, qk);
    lo += <u64>qk * m0;
    lo = hi + (lo >> W);
    hi = 0;
  }
  const last = <usize>(n - 1) << 2;
  for (let k = n; k < 2 * n - 1; k++) {
    const i0 = <usize>(k - n + 1) << 2;
    lo += dot2(a + i0, b + last, q + i0, m + last, 2 * n - 1 - k);
    hi += foldHi;
    store<u32>(out + (<usize>(k - n) << 2), <u32>lo & MASK);
    lo = hi + (lo >> W);
    hi = 0;
  }
  store<u32>(out + last, <u32>lo);
}

/** out = a^2*R^-1 (mod m), out < 2m: the cross products are summed once and doubled. */
export function kernelSqr(n: i32, minv: u32, out: usize, a: usize, m: usize, q: usize): void {
  const m0 = ld(m);
  let lo: u64 = 0;
  let hi: u64 = 0;
  const last = <usize>(n - 1) << 2;
  for (let k = 0; k < 2 * n - 1; k++) {
    const i0 = k < n ? 0 : k - n + 1;
    const off = <usize>i0 << 2;
    // cross products a_i*a_(k-i) for i in [i0, (k+1)/2)
    lo += dot1x2(a + off, a + (<usize>(k - i0) << 2), ((k + 1) >> 1) - i0);
    hi += foldHi;
    if ((k & 1) == 0) {
      const d = ld(a + (<usize>(k >> 1) << 2));
      lo += d * d;
    }
    if (k < n) {
      const top = <usize>k << 2;
      lo += dot1q(q, m + top, k);
      hi += foldHi;
      const qk: u32 = (<u32>lo * minv) & MASK;
      store<u32>(q + top, qk);
      lo += <u64>qk * m0;
    } else {
      lo += dot1q(q + off, m + last, 2 * n - 1 - k);
      hi += foldHi;
      store<u32>(out + (<usize>(k - n) << 2), <u32>lo & MASK);
    }
    lo = hi + (lo >> W);
    hi = 0;
  }
  store<u32>(out + last, <u32>lo);
}

/** sum_{t<cnt} x[t]*y[-t] as (hi, lo). */
@inline function dot1q(x: usize, y: usize, cnt: i32): u64 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let s: u64 = 0;
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      s += ld(x) * ld(y) + ld(x + 4) * ld(y - 4);
      x += 8; y -= 8;
    }
    if (i < c) {
      s += ld(x) * ld(y);
      x += 4; y -= 4;
    }
    lo += s & <u64>MASK;
    hi += s >> W;
    cnt -= c;
  }
  foldHi = hi;
  return lo;
}
