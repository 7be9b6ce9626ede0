// Plain (non-modular) arithmetic on naturals, constant time: schoolbook product, multiply by a small
// word, and the "e*d == 1 mod (p-1)" test used by the private-key checks.
//
// Leaks: only the public limb counts.
import { MASK, W } from "./params";
import { limbAt, setLimb, isZeroLimbs } from "./limbs";

/** r = a*b, a of na limbs, b of nb limbs, r of na+nb limbs (normalised). r must not alias a or b. */
export function mulPlain(r: usize, a: usize, na: i32, b: usize, nb: i32): void {
  let lo: u64 = 0;
  let hi: u64 = 0;
  for (let k = 0; k < na + nb - 1; k++) {
    const i0 = k < nb ? 0 : k - nb + 1;
    const i1 = k < na ? k : na - 1;
    for (let i = i0; i <= i1; i++) {
      const p: u64 = <u64>limbAt(a, i) * <u64>limbAt(b, k - i);
      lo += p & <u64>MASK;
      hi += p >> W;
    }
    setLimb(r, k, <u32>lo & MASK);
    lo = hi + (lo >> W);
    hi = 0;
  }
  setLimb(r, na + nb - 1, <u32>lo & MASK);
}

/**
 * 1 if e*d == 1 (mod dm) else 0, in constant time, for a secret dm = p-1 (n limbs, dm > 0) and a secret
 * d <= dm, public e < 2^32. Since e*d - 1 < 2^32 * dm, 32 conditional subtractions of dm*2^j
 * (j = 31..0, public) leave the remainder. `x` and `t` hold n+2 limbs each.
 */
export function isInverseModCt(d: usize, dm: usize, n: i32, e: u32, x: usize, t: usize): u32 {
  const nx = n + 2;
  // x = e*d - 1 (e*d >= 1 whenever d >= 1; d == 0 gives the wrapped value, which the final test rejects).
  let c: u64 = 0;
  for (let i = 0; i < n; i++) {
    const p: u64 = <u64>e * <u64>limbAt(d, i) + c;
    setLimb(x, i, <u32>p & MASK);
    c = p >> W;
  }
  setLimb(x, n, <u32>c & MASK);
  setLimb(x, n + 1, <u32>(c >> W));
  let br: u32 = 1;
  for (let i = 0; i < nx; i++) {
    const v: u32 = limbAt(x, i) - br;
    setLimb(x, i, v & MASK);
    br = v >> 31;
  }
  const dZero = isZeroLimbs(d, n); // e*0 - 1 wraps: reject explicitly
  for (let j = 31; j >= 0; j--) {
    // t = x - (dm << j); keep it when no borrow.
    const ls = j / <i32>W;
    const bs = <u32>(j % <i32>W);
    let b2: u32 = 0;
    let prev: u32 = 0;
    for (let i = 0; i < nx; i++) {
      const src = i - ls;
      const cur: u32 = src >= 0 && src < n ? limbAt(dm, src) : 0;
      const sh: u32 = bs == 0 ? cur : ((cur << bs) | (prev >> (W - bs))) & MASK;
      prev = cur;
      const v: u32 = limbAt(x, i) - sh - b2;
      setLimb(t, i, v & MASK);
      b2 = v >> 31;
    }
    const keep = b2 - 1; // all-ones when no borrow
    for (let i = 0; i < nx; i++) {
      const xv = limbAt(x, i);
      setLimb(x, i, xv ^ (keep & (xv ^ limbAt(t, i))));
    }
  }
  return isZeroLimbs(x, nx) & (dZero ^ 1);
}
