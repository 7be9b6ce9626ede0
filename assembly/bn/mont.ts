// Montgomery arithmetic modulo an odd m of n W-bit limbs, R = 2^(Wn): context set-up, multiplication
// and squaring with the always-computed final subtraction, their lazy forms without it (results in
// [0, 2m), for exponentiation loops), conversions, R^2 mod m (constant time for secret moduli, VarTime
// for public ones), and reduction of wide values mod m.
//
// A context is a small header in the BN arena (see the CTX_* offsets) pointing at its own buffers:
// the modulus, its reversed copy (SIMD layout), R^2 mod m, and the kernel's scratch. Naturals passed to
// a context's functions have exactly n limbs and are < m unless stated otherwise.
//
// Leaks: n, the bit length of m (both treated as public: they follow from the key size) and, in the
// functions named ...VarTime, the modulus itself (use them for public moduli only).
import { bnAlloc } from "./arena";
import { B_OFF, DIST, MASK, W, WORK_BYTES } from "./params";
import {
  condSubLimbs, copyLimbs, dblMod, limbAt, setLimb, zeroLimbs,
} from "./limbs";
import * as scalar from "./kernel-scalar";
import * as simd from "./kernel-simd";

const CTX_N: usize = 0;
const CTX_MINV: usize = 4;
const CTX_BITS: usize = 8;
const CTX_M: usize = 12;
const CTX_WA: usize = 16;
const CTX_RR: usize = 20;
const CTX_OUT: usize = 24;
const CTX_Q: usize = 28;
const CTX_WB: usize = 32;
const CTX_TMP: usize = 36;
const CTX_ONE: usize = 40;

@inline export function ctxN(ctx: usize): i32 { return load<i32>(ctx + CTX_N); }
@inline export function ctxM(ctx: usize): usize { return <usize>load<u32>(ctx + CTX_M); }
@inline export function ctxRR(ctx: usize): usize { return <usize>load<u32>(ctx + CTX_RR); }
@inline export function ctxBits(ctx: usize): i32 { return load<i32>(ctx + CTX_BITS); }
@inline function ctxTmp(ctx: usize): usize { return <usize>load<u32>(ctx + CTX_TMP); }
@inline export function ctxOne(ctx: usize): usize { return <usize>load<u32>(ctx + CTX_ONE); }

/** -m^-1 mod 2^W for odd m0 (Newton iteration; each step doubles the correct low bits). */
function negInv(m0: u32): u32 {
  let x: u32 = m0; // correct to 3 bits for odd m0
  x *= 2 - m0 * x;
  x *= 2 - m0 * x;
  x *= 2 - m0 * x;
  x *= 2 - m0 * x;
  return (0 - x) & MASK;
}

/**
 * Creates a context for the odd modulus at `m` (n limbs, `bits` significant bits, public). The modulus is
 * copied. R^2 is not computed here: call rrCt or rrVarTime. Returns 0 when the arena is full.
 */
export function ctxNew(m: usize, n: i32, bits: i32): usize {
  const ctx = bnAlloc(8);
  const mm = bnAlloc(n);
  const rr = bnAlloc(n);
  const out = bnAlloc(n);
  const q = bnAlloc(n);
  const tmp = bnAlloc(n);
  const one = bnAlloc(n);
  // Kernel work areas: [a | q] and [b | m], DIST bytes apart (params.ts).
  const wa = bnAlloc(WORK_BYTES >> 2);
  const wb = bnAlloc(WORK_BYTES >> 2);
  if (wb == 0) return 0;
  store<i32>(ctx + CTX_N, n);
  store<i32>(ctx + CTX_BITS, bits);
  store<u32>(ctx + CTX_M, <u32>mm);
  store<u32>(ctx + CTX_WA, <u32>wa);
  store<u32>(ctx + CTX_RR, <u32>rr);
  store<u32>(ctx + CTX_OUT, <u32>out);
  store<u32>(ctx + CTX_Q, <u32>q);
  store<u32>(ctx + CTX_WB, <u32>wb);
  store<u32>(ctx + CTX_TMP, <u32>tmp);
  store<u32>(ctx + CTX_ONE, <u32>one);
  copyLimbs(mm, m, n);
  setLimb(one, 0, 1);
  store<u32>(ctx + CTX_MINV, negInv(limbAt(mm, 0)));
  copyLimbs(wb + B_OFF + DIST, mm, n);
  return ctx;
}

/** r = a*b*R^-1 mod m, r < m, for a, b < m (or < 2m when lazyOk). r may alias a or b. */
export function montMul(ctx: usize, r: usize, a: usize, b: usize): void {
  const n = ctxN(ctx);
  const out = <usize>load<u32>(ctx + CTX_OUT);
  const m = ctxM(ctx);
  // The final subtraction is always computed and applied by mask (the kernel's result is < 2m).
  if (ASC_FEATURE_SIMD) {
    simd.kernelMul(n, load<u32>(ctx + CTX_MINV), r, a, b, m, out, ctxTmp(ctx),
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  } else {
    scalar.kernelMul(n, load<u32>(ctx + CTX_MINV), r, a, b, m, out, ctxTmp(ctx),
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  }
}

/** r = a^2*R^-1 mod m, r < m, for a < m (or < 2m when lazyOk). r may alias a. */
export function montSqr(ctx: usize, r: usize, a: usize): void {
  const n = ctxN(ctx);
  const out = <usize>load<u32>(ctx + CTX_OUT);
  const m = ctxM(ctx);
  if (ASC_FEATURE_SIMD) {
    simd.kernelSqr(n, load<u32>(ctx + CTX_MINV), r, a, m, out, ctxTmp(ctx),
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  } else {
    scalar.kernelSqr(n, load<u32>(ctx + CTX_MINV), r, a, m, out, ctxTmp(ctx),
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  }
}

/**
 * 1 when R >= 4m (at least two bits between the modulus and W*n), so the lazy operations below may
 * keep values in [0, 2m). Depends on the public sizes only.
 */
@inline export function lazyOk(ctx: usize): bool {
  return <i32>W * ctxN(ctx) - ctxBits(ctx) >= 2;
}

/**
 * r = a*b*R^-1 mod m up to one m: r < 2m and congruent, for a, b < 2m (Walter's bound, needs R >= 4m;
 * without that headroom this is montMul). Skips the final subtraction inside exponentiations; a full
 * montMul or fromMont at the end brings the result below m. r may alias a or b.
 */
export function montMulLazy(ctx: usize, r: usize, a: usize, b: usize): void {
  if (!lazyOk(ctx)) {
    montMul(ctx, r, a, b);
    return;
  }
  const n = ctxN(ctx);
  const m = ctxM(ctx);
  if (ASC_FEATURE_SIMD) {
    simd.kernelMulLazy(n, load<u32>(ctx + CTX_MINV), r, a, b, m,
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  } else {
    scalar.kernelMulLazy(n, load<u32>(ctx + CTX_MINV), r, a, b, m,
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  }
}

/** r = a^2*R^-1 mod m up to one m (as montMulLazy). r may alias a. */
export function montSqrLazy(ctx: usize, r: usize, a: usize): void {
  if (!lazyOk(ctx)) {
    montSqr(ctx, r, a);
    return;
  }
  const n = ctxN(ctx);
  const m = ctxM(ctx);
  if (ASC_FEATURE_SIMD) {
    simd.kernelSqrLazy(n, load<u32>(ctx + CTX_MINV), r, a, m,
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  } else {
    scalar.kernelSqrLazy(n, load<u32>(ctx + CTX_MINV), r, a, m,
      <usize>load<u32>(ctx + CTX_WA), <usize>load<u32>(ctx + CTX_WB));
  }
}

/** r = a*R mod m (into Montgomery form). Needs R^2. */
@inline export function toMont(ctx: usize, r: usize, a: usize): void {
  montMul(ctx, r, a, ctxRR(ctx));
}

/** r = a*R^-1 mod m (out of Montgomery form). */
@inline export function fromMont(ctx: usize, r: usize, a: usize): void {
  montMul(ctx, r, a, ctxOne(ctx));
}

/** r = 2^(bits-1) * 2^j mod m by j doublings (constant time in m; bits and j public). */
function powerOfTwoByDoubling(ctx: usize, r: usize, j: i32): void {
  const n = ctxN(ctx);
  const bits = ctxBits(ctx);
  zeroLimbs(r, n);
  // 2^(bits-1) < m since m has exactly `bits` bits and is odd (> 2^(bits-1)).
  setLimb(r, (bits - 1) / <i32>W, <u32>1 << <u32>((bits - 1) % <i32>W));
  const m = ctxM(ctx);
  const tmp = ctxTmp(ctx);
  for (let i = 0; i < j; i++) dblMod(r, r, m, tmp, n);
}

/**
 * R^2 mod m in constant time (m may be secret): R mod m by doublings from 2^(bits-1), then the Montgomery
 * form of 2 raised to the public power Wn with Montgomery squarings and multiplications, since
 * (2^Wn in Montgomery form) = 2^Wn * R = R^2. `t` holds n limbs.
 */
export function rrCt(ctx: usize, t: usize): void {
  const n = ctxN(ctx);
  const rr = ctxRR(ctx);
  const e = <i32>W * n;
  // t = 2R mod m, the Montgomery form of 2.
  powerOfTwoByDoubling(ctx, t, e - ctxBits(ctx) + 2);
  copyLimbs(rr, t, n);
  // Left-to-right over the bits of e (public) below the top bit.
  for (let i = 30 - <i32>clz(<u32>e); i >= 0; i--) {
    montSqr(ctx, rr, rr);
    if (((e >> i) & 1) != 0) montMul(ctx, rr, rr, t);
  }
}

/**
 * R^2 mod m for a public modulus (2^(2Wn) mod m, see pow2ModVarTime). `u` holds 2n+2 limbs, `v` n limbs.
 */
export function rrVarTime(ctx: usize, u: usize, v: usize): void {
  pow2ModVarTime(ctx, 2 * <i32>W * ctxN(ctx), ctxRR(ctx), u, v);
}

/**
 * dst = 2^e mod m for a public modulus and a public e (a multiple of W, e >= Wn), by long division
 * (Knuth, TAOCP vol. 2, 4.3.1, Algorithm D, in base 2^W). Variable time: m must be public.
 * `u` holds e/W + 2 limbs, `v` n limbs.
 */
export function pow2ModVarTime(ctx: usize, e: i32, dst: usize, u: usize, v: usize): void {
  const n = ctxN(ctx);
  const m = ctxM(ctx);
  // Normalise: shift m left so its top limb has its top bit (W-1) set.
  const topBits = ctxBits(ctx) - (n - 1) * <i32>W;
  const s = <u32>(<i32>W - topBits);
  let c: u32 = 0;
  for (let i = 0; i < n; i++) {
    const x = limbAt(m, i);
    setLimb(v, i, ((x << s) | c) & MASK);
    c = s == 0 ? 0 : x >> (W - s);
  }
  // u = 2^e << s: limb e/W holds 2^s.
  const top = e / <i32>W;
  zeroLimbs(u, top + 2);
  setLimb(u, top, <u32>1 << s);
  const vTop = <u64>limbAt(v, n - 1);
  const vNext = n > 1 ? <u64>limbAt(v, n - 2) : 0;
  const B: u64 = <u64>1 << W;
  for (let j = top - n; j >= 0; j--) {
    const num: u64 = (<u64>limbAt(u, j + n) << W) | <u64>limbAt(u, j + n - 1);
    let qhat: u64 = num / vTop;
    let rhat: u64 = num % vTop;
    const u2: u64 = j + n >= 2 ? <u64>limbAt(u, j + n - 2) : 0;
    while (qhat >= B || qhat * vNext > ((rhat << W) | u2)) {
      qhat--;
      rhat += vTop;
      if (rhat >= B) break;
    }
    // u[j..j+n] -= qhat * v. The products do not depend on the carry, so the signed carry chain
    // advances two limbs per step: x = (u_i - lo0) + (u_(i+1) - lo1 - hi0) * 2^W is formed off the
    // chain (|x| < 2^60), then t = x + c gives both limbs and the next carry.
    let c: i64 = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const p0: u64 = qhat * <u64>limbAt(v, i);
      const p1: u64 = qhat * <u64>limbAt(v, i + 1);
      const x: i64 = (<i64>limbAt(u, i + j) - <i64>(p0 & <u64>MASK)) +
        ((<i64>limbAt(u, i + j + 1) - <i64>(p1 & <u64>MASK) - <i64>(p0 >> W)) << W);
      const t: i64 = x + c;
      setLimb(u, i + j, <u32>t & MASK);
      setLimb(u, i + j + 1, <u32>(t >> W) & MASK);
      c = (t >> (2 * W)) - <i64>(p1 >> W);
    }
    if (i < n) {
      const p: u64 = qhat * <u64>limbAt(v, i);
      const t: i64 = <i64>limbAt(u, i + j) - <i64>(p & <u64>MASK) + c;
      setLimb(u, i + j, <u32>t & MASK);
      c = (t >> W) - <i64>(p >> W);
    }
    const dt: i64 = <i64>limbAt(u, j + n) + c;
    setLimb(u, j + n, <u32>dt & MASK);
    if (dt < 0) {
      // qhat was one too large: add v back.
      let c2: u32 = 0;
      for (let i = 0; i < n; i++) {
        const sum: u32 = limbAt(u, i + j) + limbAt(v, i) + c2;
        setLimb(u, i + j, sum & MASK);
        c2 = sum >> W;
      }
      setLimb(u, j + n, (limbAt(u, j + n) + c2) & MASK);
    }
  }
  // Remainder = u[0..n) >> s.
  for (let i = 0; i < n; i++) {
    const lo2 = limbAt(u, i) >> s;
    const hi2 = s == 0 ? 0 : (limbAt(u, i + 1) << (W - s)) & MASK;
    setLimb(dst, i, i + 1 < n ? lo2 | hi2 : lo2);
  }
}

/**
 * r = x * R^-1 mod m for a wide x of xl <= 2n limbs with x < m*R (Montgomery reduction, REDC),
 * constant time. r < m. Scalar product scanning; used a few times per private operation only.
 */
export function redcWide(ctx: usize, r: usize, x: usize, xl: i32): void {
  const n = ctxN(ctx);
  const m = ctxM(ctx);
  const q = <usize>load<u32>(ctx + CTX_Q);
  const out = <usize>load<u32>(ctx + CTX_OUT);
  const minv = load<u32>(ctx + CTX_MINV);
  let lo: u64 = 0;
  let hi: u64 = 0;
  for (let k = 0; k < 2 * n; k++) {
    if (k < xl) lo += <u64>limbAt(x, k);
    const i0 = k < n ? 0 : k - n + 1;
    const i1 = k < n ? k : n; // exclusive
    for (let i = i0; i < i1; i++) {
      const p: u64 = <u64>limbAt(q, i) * <u64>limbAt(m, k - i);
      lo += p & <u64>MASK;
      hi += p >> W;
    }
    if (k < n) {
      const qk: u32 = (<u32>lo * minv) & MASK;
      setLimb(q, k, qk);
      lo += <u64>qk * <u64>limbAt(m, 0);
    } else {
      setLimb(out, k - n, <u32>lo & MASK);
    }
    lo = hi + (lo >> W);
    hi = 0;
  }
  // (x + q*m) / R < 2m; the carry out of the last column is the extra top bit.
  setLimb(out, n - 1, limbAt(out, n - 1) | (<u32>lo << W));
  condSubLimbs(r, out, m, ctxTmp(ctx), n);
}

/** r = x mod m for x of xl <= 2n limbs with x < m*R: REDC(x) * R^2 * R^-1. Constant time. Needs R^2. */
export function reduceWide(ctx: usize, r: usize, x: usize, xl: i32): void {
  redcWide(ctx, r, x, xl);
  montMul(ctx, r, r, ctxRR(ctx));
}
