// Montgomery multiplication and squaring, SIMD build (compiled only when ASC_FEATURE_SIMD).
//
// Hybrid scanning: the 2n columns of a*b + q*m are computed four at a time. For a block of columns
// k..k+3, each step i adds a_i * [b_(k-i), b_(k+1-i), b_(k+2-i), b_(k+3-i)] (a broadcast limb times a
// contiguous 4-limb window of b) and likewise q_i * (a window of m), with i64x2.extmul into two i64x2
// accumulators whose four lanes are the four columns. So no horizontal sums and no reversed operands are
// needed, and each block runs one long loop instead of one short loop per column.
// Terms whose q digit is not known when the block's loop runs (q_k..q_(k+2), which depend on the block's
// own columns) are added in scalar afterwards, column by column, as the digits are computed.
//
// Layout: a per-context work area with fixed offsets, so each step needs two pointers and immediate
// offsets:
//   wa:         a copy of a                      wa + DIST:        q, the quotient digits
//   wb + B_OFF: a copy of b (zero bytes before it, as windows reach 3 limbs below b_0)
//   wb + B_OFF + DIST: m (set once by mont.ts), with zero bytes before it too
// Windows also reach 3 limbs past the top; those limbs are never written and stay zero.
//
// Column sums: each lane gains at most two products per step, < 2^58 + 2^59 (squaring multiplies by 2a,
// so one of them is < 2^59), so CHUNK = 21 steps stay below 2^64 before they are folded into per-lane
// (hi, lo) vectors (value hi*2^W + lo).
//
// Each kernel comes in two forms (compile-time `full`): with the fused final subtraction (r < m), and
// lazy, without it (r < 2m, for exponentiation loops; see mont.ts's montMulLazy for the bound).
//
// Leaks: only n (loop bounds). No branch, index or loop bound depends on limb values.
import { B_OFF, DIST, MASK, W } from "./params";


const CHUNK: i32 = 21;

@inline function n4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Copies n limbs and zeroes dst's limbs n..N4-1 (src may hold anything past n). */
export function copyLimbs4(dst: usize, src: usize, n: i32): void {
  const N4 = n4(n);
  for (let j = 0; j < N4; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  for (let j = n; j < N4; j++) store<u32>(dst + (<usize>j << 2), 0);
}

/** dst = 2*src limb by limb (each < 2^29), n limbs, zeroing dst's limbs n..N4-1. */
function copyDoubled4(dst: usize, src: usize, n: i32): void {
  const N4 = n4(n);
  for (let j = 0; j < N4; j += 4) {
    v128.store(dst + (<usize>j << 2), i32x4.shl(v128.load(src + (<usize>j << 2)), 1));
  }
  for (let j = n; j < N4; j++) store<u32>(dst + (<usize>j << 2), 0);
}

// Per-lane column accumulators of the current block, value hi*2^W + lo per lane, kept in the work
// area at ACC (v128 globals would not compile in the scalar build): lo0, hi0 (columns k, k+1), lo1, hi1
// (columns k+2, k+3).
@inline function foldInto(acc: usize, acc0: v128, acc1: v128): void {
  const m = i64x2.splat(<i64>MASK);
  v128.store(acc, i64x2.add(v128.load(acc), v128.and(acc0, m)));
  v128.store(acc, i64x2.add(v128.load(acc, 16), i64x2.shr_u(acc0, W)), 16);
  v128.store(acc, i64x2.add(v128.load(acc, 32), v128.and(acc1, m)), 32);
  v128.store(acc, i64x2.add(v128.load(acc, 48), i64x2.shr_u(acc1, W)), 48);
}

/**
 * Adds, for i in [i0, i0+cnt), x_i * window(y, k-i) and (x+DIST)_i * window(y+DIST, k-i) to the block.
 * px = &x_i0, py = &y_(k-i0).
 */
@inline function blockPair(acc: usize, px: usize, py: usize, cnt: i32): void {
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let acc0 = i64x2.splat(0);
    let acc1 = i64x2.splat(0);
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      const va = v128.load32_splat(px);
      const vq = v128.load32_splat(px, DIST);
      const vb = v128.load(py);
      const vm = v128.load(py, DIST);
      const va2 = v128.load32_splat(px, 4);
      const vq2 = v128.load32_splat(px, DIST + 4);
      const vb2 = v128.load(py - 4);
      const vm2 = v128.load(py - 4, DIST);
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb, va));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb, va));
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vm, vq));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vm, vq));
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb2, va2));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb2, va2));
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vm2, vq2));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vm2, vq2));
      px += 8;
      py -= 8;
    }
    if (i < c) {
      const va = v128.load32_splat(px);
      const vq = v128.load32_splat(px, DIST);
      const vb = v128.load(py);
      const vm = v128.load(py, DIST);
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb, va));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb, va));
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vm, vq));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vm, vq));
      px += 4;
      py -= 4;
    }
    foldInto(acc, acc0, acc1);
    cnt -= c;
  }
}

/** Adds x_i * window(y, k-i) for i in [i0, i0+cnt). */
@inline function blockOne(acc: usize, px: usize, py: usize, cnt: i32): void {
  while (cnt > 0) {
    const c = cnt < CHUNK ? cnt : CHUNK;
    let acc0 = i64x2.splat(0);
    let acc1 = i64x2.splat(0);
    let i = 0;
    for (; i + 2 <= c; i += 2) {
      const va = v128.load32_splat(px);
      const vb = v128.load(py);
      const va2 = v128.load32_splat(px, 4);
      const vb2 = v128.load(py - 4);
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb, va));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb, va));
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb2, va2));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb2, va2));
      px += 8;
      py -= 8;
    }
    if (i < c) {
      const va = v128.load32_splat(px);
      const vb = v128.load(py);
      acc0 = i64x2.add(acc0, i64x2.extmul_low_i32x4_u(vb, va));
      acc1 = i64x2.add(acc1, i64x2.extmul_high_i32x4_u(vb, va));
      px += 4;
      py -= 4;
    }
    foldInto(acc, acc0, acc1);
    cnt -= c;
  }
}

@inline function ld(p: usize): u64 {
  return <u64>load<u32>(p);
}

// Scalar column state shared by the block finishers: carry into the next column, and the running
// borrow of the fused final subtraction out - m.
let carry: u64 = 0;
let borrow: u32 = 0;

/**
 * Finishes column c of the block: lo/hi are its lane sums; extra is the scalar part; emits q_c (c < n)
 * or the result digit out[c-n] together with tmp = out - m (fused final subtraction).
 */
@inline function finishColumn(
  c: i32, n: i32, minv: u32, lo: u64, hi: u64, extra: u64, q: usize, m: usize, out: usize, tmp: usize,
  full: bool,
): void {
  lo += carry + extra;
  if (c < n) {
    const qc: u32 = (<u32>lo * minv) & MASK;
    store<u32>(q + (<usize>c << 2), qc);
    lo += <u64>qc * ld(m);
    carry = hi + (lo >> W);
  } else if (c < 2 * n - 1) {
    const j = c - n;
    const d: u32 = <u32>lo & MASK;
    store<u32>(out + (<usize>j << 2), d);
    if (full) {
      const s: u32 = d - load<u32>(m + (<usize>j << 2)) - borrow;
      store<u32>(tmp + (<usize>j << 2), s & MASK);
      borrow = s >> 31;
    }
    carry = hi + (lo >> W);
  } else if (c == 2 * n - 1) {
    // The top limb: up to 29 bits, since the result is < 2m.
    const d: u32 = <u32>lo;
    store<u32>(out + (<usize>(n - 1) << 2), d);
    if (full) {
      const s: u32 = d - load<u32>(m + (<usize>(n - 1) << 2)) - borrow;
      store<u32>(tmp + (<usize>(n - 1) << 2), s);
      borrow = s >> 31; // 1 when out < m: keep out
    }
  }
}

/** r = borrow ? out : tmp over N4 limbs (borrow from the fused subtraction: 1 when out < m). */
@inline function selectResult(r: usize, out: usize, tmp: usize, n: i32): void {
  const keep = i32x4.splat(<i32>(0 - borrow));
  const N4 = n4(n);
  for (let j = 0; j < N4; j += 4) {
    const o = <usize>j << 2;
    v128.store(r + o, v128.bitselect(v128.load(out + o), v128.load(tmp + o), keep));
  }
}

/** Scalar terms q_i*m_(c-i) of column c for the digits computed in this block (i >= k). */
@inline function qFixup(c: i32, k: i32, n: i32, q: usize, m: usize): u64 {
  let s: u64 = 0;
  const lo = k > c - n + 1 ? k : c - n + 1;
  const hi = c - 1 < n - 1 ? c - 1 : n - 1;
  for (let i = lo; i <= hi; i++) s += ld(q + (<usize>i << 2)) * ld(m + (<usize>(c - i) << 2));
  return s;
}

/** Finishes the four columns of block k. */
@inline function finishBlock(
  acc: usize, k: i32, n: i32, minv: u32, q: usize, m: usize, out: usize, tmp: usize, sqr: bool, a: usize,
  triEnd: i32, full: bool,
): void {
  for (let t = 0; t < 4; t++) {
    const c = k + t;
    if (c > 2 * n - 1) break;
    let extra: u64 = c > k ? qFixup(c, k, n, q, m) : 0;
    if (sqr) extra += sqrFixup(c, n, a, triEnd);
    // lanes: lo of column k+t at acc + 32*(t>>1) + 8*(t&1), hi 16 bytes further
    const p = acc + (<usize>(t >> 1) << 5) + (<usize>(t & 1) << 3);
    finishColumn(c, n, minv, load<u64>(p), load<u64>(p, 16), extra, q, m, out, tmp, full);
  }
}

/**
 * Squaring's scalar terms of column c not covered by the block's vector loop: cross products
 * 2*a_i*a_(c-i) for triEnd <= i < c-i, and the square a_(c/2)^2 for even c.
 */
@inline function sqrFixup(c: i32, n: i32, a: usize, triEnd: i32): u64 {
  let s: u64 = 0;
  const lo = triEnd > c - n + 1 ? triEnd : c - n + 1;
  for (let i = lo; 2 * i < c; i++) s += ld(a + (<usize>i << 2)) * ld(a + (<usize>(c - i) << 2));
  s <<= 1;
  if ((c & 1) == 0 && (c >> 1) < n) {
    const d = ld(a + (<usize>(c >> 1) << 2));
    s += d * d;
  }
  return s;
}

/**
 * Finishes a block whose four columns are all < n: computes q_k..q_(k+3). x0..x3 are scalar extras
 * (squaring's remaining cross products and squares). The q_i*m_j terms between the block's own digits
 * are added here, in straight-line code.
 */
@inline function finishLow(
  acc: usize, k: i32, minv: u32, q: usize, m: usize, x0: u64, x1: u64, x2: u64, x3: u64,
): void {
  const m0 = ld(m);
  const m1 = ld(m + 4);
  const m2 = ld(m + 8);
  const m3 = ld(m + 12);
  let lo: u64 = load<u64>(acc) + carry + x0;
  const q0: u64 = <u64>((<u32>lo * minv) & MASK);
  lo += q0 * m0;
  let c: u64 = load<u64>(acc, 16) + (lo >> W);
  lo = load<u64>(acc, 8) + c + x1 + q0 * m1;
  const q1: u64 = <u64>((<u32>lo * minv) & MASK);
  lo += q1 * m0;
  c = load<u64>(acc, 24) + (lo >> W);
  lo = load<u64>(acc, 32) + c + x2 + q0 * m2 + q1 * m1;
  const q2: u64 = <u64>((<u32>lo * minv) & MASK);
  lo += q2 * m0;
  c = load<u64>(acc, 48) + (lo >> W);
  lo = load<u64>(acc, 40) + c + x3 + q0 * m3 + q1 * m2 + q2 * m1;
  const q3: u64 = <u64>((<u32>lo * minv) & MASK);
  lo += q3 * m0;
  carry = load<u64>(acc, 56) + (lo >> W);
  const qp = q + (<usize>k << 2);
  store<u32>(qp, <u32>q0);
  store<u32>(qp, <u32>q1, 4);
  store<u32>(qp, <u32>q2, 8);
  store<u32>(qp, <u32>q3, 12);
}

/** One result digit j with the fused final subtraction tmp = out - m. Returns lo's carry part. */
@inline function emitDigit(j: usize, lo: u64, out: usize, tmp: usize, m: usize, full: bool): void {
  const d: u32 = <u32>lo & MASK;
  store<u32>(out + j, d);
  if (full) {
    const s: u32 = d - load<u32>(m + j) - borrow;
    store<u32>(tmp + j, s & MASK);
    borrow = s >> 31;
  }
}

/** Finishes a block whose four columns are in [n, 2n-2]: emits out[k-n..k-n+3]. */
@inline function finishHigh(
  acc: usize, k: i32, n: i32, m: usize, out: usize, tmp: usize, x0: u64, x1: u64, x2: u64, x3: u64,
  full: bool,
): void {
  const j = <usize>(k - n) << 2;
  let lo: u64 = load<u64>(acc) + carry + x0;
  emitDigit(j, lo, out, tmp, m, full);
  lo = load<u64>(acc, 8) + load<u64>(acc, 16) + (lo >> W) + x1;
  emitDigit(j + 4, lo, out, tmp, m, full);
  lo = load<u64>(acc, 32) + load<u64>(acc, 24) + (lo >> W) + x2;
  emitDigit(j + 8, lo, out, tmp, m, full);
  lo = load<u64>(acc, 40) + load<u64>(acc, 48) + (lo >> W) + x3;
  emitDigit(j + 12, lo, out, tmp, m, full);
  carry = load<u64>(acc, 56) + (lo >> W);
}

@inline function resetBlock(acc: usize): void {
  const z = i64x2.splat(0);
  v128.store(acc, z);
  v128.store(acc, z, 16);
  v128.store(acc, z, 32);
  v128.store(acc, z, 48);
}

/**
 * full: r = a*b*R^-1 mod m, r < m (the final subtraction is always computed, then applied by mask), for
 * a, b < 2m when R > 4m, or a, b < m.
 * lazy (full = false): r = a*b*R^-1 + q*m/R, congruent to that and < 2m, for a, b < 2m when R > 4m
 * (Walter's bound: (4m^2 + R*m) / R < 2m); the digits go straight to r, since a and b were copied.
 * r may alias a or b. out, tmp: n-limb scratch. wa, wb: the context's work areas.
 */
@inline function mulBody(
  n: i32, minv: u32, r: usize, a: usize, b: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize,
  full: bool,
): void {
  if (!full) out = r;
  copyLimbs4(wa, a, n);
  copyLimbs4(wb + B_OFF, b, n);
  const q = wa + DIST;
  memory.fill(q, 0, <usize>n << 2);
  const pb0 = wb + B_OFF;
  const acc = wa + 2 * DIST;
  carry = 0;
  borrow = 0;
  for (let k = 0; k < 2 * n; k += 4) {
    resetBlock(acc);
    const iLo = k - n + 1 > 0 ? k - n + 1 : 0;
    const jEnd = k - 1 < n - 1 ? k - 1 : n - 1; // q_i known for i <= k-1
    const abEnd = k + 3 < n - 1 ? k + 3 : n - 1;
    // q rows >= k are still zero (q is cleared on entry), so one loop covers both streams.
    if (abEnd >= iLo) blockPair(acc, wa + (<usize>iLo << 2), pb0 + (<usize>(k - iLo) << 2), abEnd - iLo + 1);
    if (k + 3 < n) finishLow(acc, k, minv, q, m, 0, 0, 0, 0);
    else if (k >= n && k + 3 <= 2 * n - 2) finishHigh(acc, k, n, m, out, tmp, 0, 0, 0, 0, full);
    else finishBlock(acc, k, n, minv, q, m, out, tmp, false, 0, 0, full);
  }
  if (full) selectResult(r, out, tmp, n);
}

/** r = a^2*R^-1 mod m as mulBody (full or lazy); cross products once, doubled. r may alias a. */
@inline function sqrBody(
  n: i32, minv: u32, r: usize, a: usize, m: usize, out: usize, tmp: usize, wa: usize, wb: usize, full: bool,
): void {
  if (!full) out = r;
  // Rows are 2a (so the cross products come out doubled), windows are a.
  copyDoubled4(wa, a, n);
  copyLimbs4(wb + B_OFF, a, n);
  const q = wa + DIST;
  const pb0 = wb + B_OFF;
  const acc = wa + 2 * DIST;
  carry = 0;
  borrow = 0;
  for (let k = 0; k < 2 * n; k += 4) {
    resetBlock(acc);
    const iLo = k - n + 1 > 0 ? k - n + 1 : 0;
    // Cross products a_i*a_(c-i), i < c-i, for all four columns c = k..k+3: i < k/2.
    const triEnd = k >> 1;
    const jEnd = k - 1 < n - 1 ? k - 1 : n - 1;
    // Rows [iLo, triEnd) carry both streams (2a_i * a-window and q_i * m-window); the rest only q*m.
    const joint = triEnd - iLo;
    if (joint > 0) blockPair(acc, wa + (<usize>iLo << 2), pb0 + (<usize>(k - iLo) << 2), joint);
    const q0 = joint > 0 ? triEnd : iLo;
    if (jEnd >= q0) {
      blockOne(acc, wa + DIST + (<usize>q0 << 2), pb0 + DIST + (<usize>(k - q0) << 2), jEnd - q0 + 1);
    }
    if (k + 3 < n || (k >= n && k + 3 <= 2 * n - 2)) {
      // The rest of the squaring terms, h = k/2: limbs past n-1 are zero, so these need no bounds.
      const ph = pb0 + (<usize>triEnd << 2);
      const a0 = ld(ph);
      const a1 = ld(ph + 4);
      const a2 = ld(ph + 8);
      const a3 = ld(ph + 12);
      const x0 = a0 * a0;
      const x1 = (a0 * a1) << 1;
      const x2 = ((a0 * a2) << 1) + a1 * a1;
      const x3 = (a0 * a3 + a1 * a2) << 1;
      if (k + 3 < n) finishLow(acc, k, minv, q, m, x0, x1, x2, x3);
      else finishHigh(acc, k, n, m, out, tmp, x0, x1, x2, x3, full);
    } else {
      finishBlock(acc, k, n, minv, q, m, out, tmp, true, pb0, triEnd > iLo ? triEnd : iLo, full);
    }
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
