// Montgomery multiplication and squaring, scalar build (engines without Wasm SIMD).
//
// The same hybrid scanning as kernel-simd.ts, two columns at a time: for the block of columns k, k+1,
// row i adds a_i * (b_(k-i), b_(k+1-i)) and q_i * (m_(k-i), m_(k+1-i)) into two u64 column sums. The
// b and m windows slide by one limb per row, so each row loads four limbs for four products. Digits
// q_k (computed from the block's own first column) read as zero in the row loop (q is zeroed on entry)
// and their term q_k*m_1 is added in scalar. Squaring uses rows 2a_i for i < k/2 plus the remaining
// cross product and square in scalar. 29-bit limbs make every product < 2^58 (2^59 for 2a rows), so
// CHUNK = 21 rows of two products stay below 2^64 before a fold into the (hi, lo) column pair.
// The final subtraction (result - m) is computed alongside the result digits and applied by mask.
// Work-area layout: params.ts (DIST, B_OFF), shared with the SIMD kernel.
//
// Both kernels also come in a lazy form without the final subtraction (r < 2m; mont.ts, montMulLazy).
//
// Leaks: only n (loop bounds). No branch, index or loop bound depends on limb values.
import { B_OFF, DIST, MASK, W } from "./params";

const CHUNK: i32 = 21;

@inline function ld(p: usize): u64 {
  return <u64>load<u32>(p);
}

/**
 * The limb DIST bytes after p, as a load offset: an i32.add before the load must wrap at 2^32, so the
 * engine cannot fold it into the address, while an offset it can.
 */
@inline function ldDist(p: usize): u64 {
  return <u64>load<u32>(p, DIST);
}

/** Copies n limbs and zeroes dst's limbs n..n+1 (window reads reach one limb past the top). */
function copyIn(dst: usize, src: usize, n: i32, shift: u32): void {
  for (let j = 0; j < n; j++) store<u32>(dst + (<usize>j << 2), load<u32>(src + (<usize>j << 2)) << shift);
  store<u64>(dst + (<usize>n << 2), 0);
}

// Row sums of the current block (columns k, k+1), value hi*2^W + lo, and the column state carried
// between blocks: carry into the next column, borrow of the fused subtraction out - m.
let s0lo: u64 = 0;
let s0hi: u64 = 0;
let s1lo: u64 = 0;
let s1hi: u64 = 0;
let carry: u64 = 0;
let borrow: u32 = 0;

/** Rows [i0, i0+cnt): px = &x_i0 (q at px + DIST), py = &y_(k-i0) (m at py + DIST). qs: include q*m. */
@inline function rows(px: usize, py: usize, cnt: i32, qs: bool, ab: bool): void {
  let y1: u64 = ld(py + 4); // y_(k+1-i)
  let v1: u64 = ldDist(py + 4);
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let s0: u64 = 0;
    let s1: u64 = 0;
    for (let i = 0; i < c; i++) {
      const y0 = ld(py);
      const v0 = ldDist(py);
      if (ab) {
        const x = ld(px);
        s0 += x * y0;
        s1 += x * y1;
      }
      if (qs) {
        const u = ldDist(px);
        s0 += u * v0;
        s1 += u * v1;
      }
      y1 = y0;
      v1 = v0;
      px += 4;
      py -= 4;
    }
    s0lo += s0 & <u64>MASK;
    s0hi += s0 >> W;
    s1lo += s1 & <u64>MASK;
    s1hi += s1 >> W;
    cnt -= c;
  }
}

/** Column c's tail: q digit (c < n) or result digit with tmp = out - m. lo/hi: its sums. */
@inline function finishColumn(
  c: i32, n: i32, minv: u32, lo: u64, hi: u64, q: usize, m: usize, out: usize, tmp: usize, full: bool,
): void {
  lo += carry;
  if (c < n) {
    const qc: u32 = (<u32>lo * minv) & MASK;
    store<u32>(q + (<usize>c << 2), qc);
    lo += <u64>qc * ld(m);
  } else if (c <= 2 * n - 1) {
    const j = <usize>(c - n) << 2;
    const top = c == 2 * n - 1; // the top digit keeps its possible extra bit (result < 2m)
    const d: u32 = top ? <u32>lo : <u32>lo & MASK;
    store<u32>(out + j, d);
    if (full) {
      const s: u32 = d - load<u32>(m + j) - borrow;
      store<u32>(tmp + j, top ? s : s & MASK);
      borrow = s >> 31;
    }
  }
  carry = hi + (lo >> W);
}

/** Finishes block k: column k, then column k+1 with the term q_k * m_1 of this block's digit. */
@inline function finishBlock(
  k: i32, n: i32, minv: u32, q: usize, m: usize, out: usize, tmp: usize, x0: u64, x1: u64, full: bool,
): void {
  finishColumn(k, n, minv, s0lo + x0, s0hi, q, m, out, tmp, full);
  let lo = s1lo + x1;
  if (k < n) lo += ld(q + (<usize>k << 2)) * ld(m + 4); // m_1 is a zero pad limb when n == 1
  finishColumn(k + 1, n, minv, lo, s1hi, q, m, out, tmp, full);
}

@inline function resetBlock(): void {
  s0lo = 0;
  s0hi = 0;
  s1lo = 0;
  s1hi = 0;
}

/** r = borrow ? out : tmp (borrow 1 when out < m), n limbs. */
function selectResult(r: usize, out: usize, tmp: usize, n: i32): void {
  const keep: u32 = 0 - borrow;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    const t = load<u32>(tmp + o);
    store<u32>(r + o, t ^ (keep & (t ^ load<u32>(out + o))));
  }
}

/**
 * full: r = a*b*R^-1 mod m, r < m (final subtraction always computed, applied by mask), for a, b < m,
 * or a, b < 2m when R > 4m. lazy (full = false): the same residue, only < 2m, for a, b < 2m when R > 4m
 * (Walter's bound), written straight to r (a and b were copied). r may alias a or b. out, tmp: n-limb
 * scratch; wa, wb: the context's work areas.
 */
@inline function mulBody(
  n: i32, minv: u32, r: usize, a: usize, b: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize,
  full: bool,
): void {
  if (!full) out = r;
  copyIn(wa, a, n, 0);
  copyIn(wb + B_OFF, b, n, 0);
  const q = wa + DIST;
  memory.fill(q, 0, <usize>(n + 2) << 2);
  const pb0 = wb + B_OFF;
  carry = 0;
  borrow = 0;
  for (let k = 0; k < 2 * n; k += 2) {
    resetBlock();
    const iLo = k - n + 1 > 0 ? k - n + 1 : 0;
    const iHi = k + 1 < n - 1 ? k + 1 : n - 1;
    if (iHi >= iLo) rows(wa + (<usize>iLo << 2), pb0 + (<usize>(k - iLo) << 2), iHi - iLo + 1, true, true);
    finishBlock(k, n, minv, q, m, out, tmp, 0, 0, full);
  }
  if (full) selectResult(r, out, tmp, n);
}

/** r = a^2*R^-1 mod m as mulBody (full or lazy): rows 2a_i for i < k/2, the rest in scalar. */
@inline function sqrBody(
  n: i32, minv: u32, r: usize, a: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize, full: bool,
): void {
  if (!full) out = r;
  copyIn(wa, a, n, 1);
  copyIn(wb + B_OFF, a, n, 0);
  const q = wa + DIST;
  memory.fill(q, 0, <usize>(n + 2) << 2);
  const pb0 = wb + B_OFF;
  carry = 0;
  borrow = 0;
  for (let k = 0; k < 2 * n; k += 2) {
    resetBlock();
    const iLo = k - n + 1 > 0 ? k - n + 1 : 0;
    const h = k >> 1; // rows i < h: i < c - i for c = k and k+1
    const qHi = k - 1 < n - 1 ? k - 1 : n - 1;
    if (h > iLo) rows(wa + (<usize>iLo << 2), pb0 + (<usize>(k - iLo) << 2), h - iLo, true, true);
    const q0 = h > iLo ? h : iLo;
    if (qHi >= q0) rows(wa + (<usize>q0 << 2), pb0 + (<usize>(k - q0) << 2), qHi - q0 + 1, true, false);
    // Column k: a_h^2; column k+1: 2*a_h*a_(h+1). Limbs past n-1 read as zero.
    const ah = ld(pb0 + (<usize>h << 2));
    const ah1 = ld(pb0 + (<usize>(h + 1) << 2));
    finishBlock(k, n, minv, q, m, out, tmp, ah * ah, (ah * ah1) << 1, full);
  }
  if (full) selectResult(r, out, tmp, n);
}

export function kernelMul(
  n: i32, minv: u32, r: usize, a: usize, b: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize,
): void {
  mulBody(n, minv, r, a, b, m, out, tmp, wa, wb, true);
}

export function kernelMulLazy(
  n: i32, minv: u32, r: usize, a: usize, b: usize, m: usize, wa: usize, wb: usize,
): void {
  mulBody(n, minv, r, a, b, m, 0, 0, wa, wb, false);
}

export function kernelSqr(
  n: i32, minv: u32, r: usize, a: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize,
): void {
  sqrBody(n, minv, r, a, m, out, tmp, wa, wb, true);
}

export function kernelSqrLazy(n: i32, minv: u32, r: usize, a: usize, m: usize, wa: usize, wb: usize): void {
  sqrBody(n, minv, r, a, m, 0, 0, wa, wb, false);
}
