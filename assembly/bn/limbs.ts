// Fixed-width natural numbers in W-bit limbs (W = 29, params.ts): layout, byte conversion and
// constant-time limb-array
// helpers (add, subtract, compare, select, doubling mod m).
//
// Representation: a natural of n limbs is n little-endian u32 words at a 16-byte aligned address, each
// holding W bits (the bits above are zero). W-bit limbs leave headroom in a 64-bit accumulator, so the
// Montgomery kernels can add several limb products before they must normalise (see kernel-*.ts).
// Every buffer comes from the BN arena (arena.ts) with PAD zero limbs after its n limbs; functions here
// write exactly n limbs, so the padding stays zero (the SIMD kernel reads up to PAD limbs past the end).
//
// Leaks: only the public limb counts and byte lengths (loop bounds). No branch or memory index depends
// on a limb value; carries, borrows and selections are computed with masks.
import { MASK, W } from "./params";

/** Limbs needed for a natural of `bits` bits. Public. */
@inline export function limbsFor(bits: i32): i32 {
  return (bits + <i32>W - 1) / <i32>W;
}

@inline export function limbAt(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}

@inline export function setLimb(p: usize, i: i32, v: u32): void {
  store<u32>(p + (<usize>i << 2), v);
}

/**
 * Reads `len` big-endian bytes at `src` into n limbs at `dst` (I2OSP's inverse, OS2IP). The caller has
 * checked that 8*len <= W*n or that the bytes above limb n are zero (they are then ignored).
 */
export function fromBytes(dst: usize, n: i32, src: usize, len: i32): void {
  let acc: u64 = 0;
  let have: u32 = 0;
  let k = 0;
  for (let i = len - 1; i >= 0 && k < n; i--) {
    acc |= <u64>load<u8>(src + <usize>i) << have;
    have += 8;
    if (have >= W) {
      setLimb(dst, k++, <u32>acc & MASK);
      acc >>= W;
      have -= W;
    }
  }
  if (k < n) setLimb(dst, k++, <u32>acc & MASK);
  for (; k < n; k++) setLimb(dst, k, 0);
}

/** Writes the n-limb natural at `src` as exactly `len` big-endian bytes (I2OSP; higher bits dropped). */
export function toBytes(dst: usize, len: i32, src: usize, n: i32): void {
  let acc: u64 = 0;
  let have: u32 = 0;
  let k = 0;
  for (let i = len - 1; i >= 0; i--) {
    if (have < 8) {
      const limb: u64 = k < n ? <u64>limbAt(src, k) : 0;
      acc |= limb << have;
      have += W;
      k++;
    }
    store<u8>(dst + <usize>i, <u8>acc);
    acc >>= 8;
    have -= 8;
  }
}

export function copyLimbs(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

export function zeroLimbs(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/** r = a + b over n limbs; returns the carry (0/1). r may alias a or b. */
export function addLimbs(r: usize, a: usize, b: usize, n: i32): u32 {
  let c: u32 = 0;
  for (let i = 0; i < n; i++) {
    const s: u32 = limbAt(a, i) + limbAt(b, i) + c;
    setLimb(r, i, s & MASK);
    c = s >> W;
  }
  return c;
}

/** r = a - b over n limbs; returns the borrow (0/1). r may alias a or b. */
export function subLimbs(r: usize, a: usize, b: usize, n: i32): u32 {
  let br: u32 = 0;
  for (let i = 0; i < n; i++) {
    const d: u32 = limbAt(a, i) - limbAt(b, i) - br;
    setLimb(r, i, d & MASK);
    br = d >> 31;
  }
  return br;
}

/** 1 if a < b (n limbs each), else 0. Reads every limb. */
export function ltLimbs(a: usize, b: usize, n: i32): u32 {
  let br: u32 = 0;
  for (let i = 0; i < n; i++) {
    const d: u32 = limbAt(a, i) - limbAt(b, i) - br;
    br = d >> 31;
  }
  return br;
}

/** 1 if a == b (n limbs each), else 0. */
export function eqLimbs(a: usize, b: usize, n: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < n; i++) acc |= limbAt(a, i) ^ limbAt(b, i);
  return ((acc | (0 - acc)) >> 31) ^ 1;
}

/** 1 if the n limbs at a are all zero, else 0. */
export function isZeroLimbs(a: usize, n: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < n; i++) acc |= limbAt(a, i);
  return ((acc | (0 - acc)) >> 31) ^ 1;
}

/** 1 if the n-limb value at a equals the small value v (< 2^W), else 0. */
export function eqSmall(a: usize, n: i32, v: u32): u32 {
  let acc: u32 = limbAt(a, 0) ^ v;
  for (let i = 1; i < n; i++) acc |= limbAt(a, i);
  return ((acc | (0 - acc)) >> 31) ^ 1;
}

/** dst = mask ? src : dst for n limbs (mask is 0 or all-ones). */
export function selectLimbs(mask: u32, dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const d = limbAt(dst, i);
    setLimb(dst, i, d ^ (mask & (d ^ limbAt(src, i))));
  }
}

/**
 * r = x - m when that does not borrow (x >= m), else r = x. x has n limbs whose top limb may carry one
 * extra bit (x < 2m < 2^(28n+1)); r is fully reduced. `tmp` holds n limbs. r may alias x.
 */
export function condSubLimbs(r: usize, x: usize, m: usize, tmp: usize, n: i32): void {
  let br: u32 = 0;
  for (let i = 0; i < n - 1; i++) {
    const d: u32 = limbAt(x, i) - limbAt(m, i) - br;
    setLimb(tmp, i, d & MASK);
    br = d >> 31;
  }
  const top: u32 = limbAt(x, n - 1) - limbAt(m, n - 1) - br;
  setLimb(tmp, n - 1, top);
  const keep: u32 = 0 - (top >> 31); // all-ones when x < m: keep x
  for (let i = 0; i < n; i++) {
    const t = limbAt(tmp, i);
    setLimb(r, i, t ^ (keep & (t ^ limbAt(x, i))));
  }
}

/** r = 2a mod m for a < m (n limbs). `tmp` holds n limbs. r may alias a. */
export function dblMod(r: usize, a: usize, m: usize, tmp: usize, n: i32): void {
  // 2a < 2m: the doubled top limb may carry one extra bit, which condSubLimbs expects.
  let c: u32 = 0;
  for (let i = 0; i < n - 1; i++) {
    const s: u32 = (limbAt(a, i) << 1) | c;
    setLimb(r, i, s & MASK);
    c = s >> W;
  }
  setLimb(r, n - 1, (limbAt(a, n - 1) << 1) | c);
  condSubLimbs(r, r, m, tmp, n);
}

/** Number of significant bits of the n-limb value (variable time: public values only). */
export function bitLengthVarTime(a: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const v = limbAt(a, i);
    if (v != 0) return i * <i32>W + (32 - <i32>clz(v));
  }
  return 0;
}

/** Bit i of the n-limb value (i public, value may be secret: no branch on it). */
@inline export function bitAt(a: usize, i: i32): u32 {
  return (limbAt(a, i / <i32>W) >> (<u32>(i % <i32>W))) & 1;
}

/** r = a + (b & mask) over n limbs (mask 0 or all-ones); returns the carry. r may alias a. */
export function addMaskedLimbs(r: usize, a: usize, b: usize, mask: u32, n: i32): u32 {
  let c: u32 = 0;
  for (let i = 0; i < n; i++) {
    const s: u32 = limbAt(a, i) + (limbAt(b, i) & mask) + c;
    setLimb(r, i, s & MASK);
    c = s >> W;
  }
  return c;
}
