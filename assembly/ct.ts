// Constant-time building blocks (after Go's bigmod "choice" type and BearSSL's status words).
//
// A "choice" is a u32 that is 0 or 1; a "mask" is 0 or 0xFFFFFFFF. Secret-dependent decisions are made
// with these and never with `if`, ternaries, `&&`/`||`, `select`, early exits, loop bounds or memory
// indices. Lengths passed to these helpers are public. Review the release .wat after compiler upgrades:
// the optimizer must not turn these expressions into branches or `select`.
//
// Leaks: only the public lengths.

/** 0/1 choice -> 0/all-ones mask. */
@inline export function maskOf(c: u32): u32 {
  return 0 - c;
}

/** 1 if x == 0 else 0. */
@inline export function isZero(x: u32): u32 {
  return (~x & (x - 1)) >> 31;
}

/** 1 if x != 0 else 0. */
@inline export function nonZero(x: u32): u32 {
  return (x | (0 - x)) >> 31;
}

/** 1 if a == b else 0. */
@inline export function eq(a: u32, b: u32): u32 {
  return isZero(a ^ b);
}

/** 1 if a < b (unsigned) else 0. */
@inline export function lt(a: u32, b: u32): u32 {
  const d: u64 = <u64>a - <u64>b;
  return <u32>(d >> 63);
}

/** 1 if a >= b (unsigned) else 0. */
@inline export function ge(a: u32, b: u32): u32 {
  return 1 ^ lt(a, b);
}

/** mask ? a : b, without a branch. */
@inline export function sel(mask: u32, a: u32, b: u32): u32 {
  return b ^ (mask & (a ^ b));
}

/** 64-bit mask ? a : b. */
@inline export function sel64(mask: u64, a: u64, b: u64): u64 {
  return b ^ (mask & (a ^ b));
}

/** 1 if the len bytes at a and b are equal. Every byte is read; the verdict is taken once. */
export function memEq(a: usize, b: usize, len: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < len; i++) {
    acc |= <u32>load<u8>(a + <usize>i) ^ <u32>load<u8>(b + <usize>i);
  }
  return isZero(acc);
}

/** OR of all len bytes (0 iff all zero). */
export function memOr(a: usize, len: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < len; i++) acc |= <u32>load<u8>(a + <usize>i);
  return acc;
}

/** dst = mask ? src : dst for len bytes; every byte is read and written. */
export function condCopy(mask: u32, dst: usize, src: usize, len: i32): void {
  const m8 = mask & 0xff;
  for (let i = 0; i < len; i++) {
    const d = <u32>load<u8>(dst + <usize>i);
    const s = <u32>load<u8>(src + <usize>i);
    store<u8>(dst + <usize>i, <u8>(d ^ (m8 & (d ^ s))));
  }
}

/** Zero len bytes at ptr. Called on every exit path of every export for the regions it touched. */
export function wipe(ptr: usize, len: i32): void {
  memory.fill(ptr, 0, <usize>len);
}
