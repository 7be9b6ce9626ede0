// Compile-time parameters of the bignum code. Public constants.

/**
 * Bits per limb. 29 leaves 6 bits of headroom in a u64 for summed limb products (< 2^58 each), which
 * the kernels fold every CHUNK rows; measured faster than 28 (fewer limbs) and 30 (more folds).
 */
export const W: u32 = 29;
export const MASK: u32 = 0x1fffffff;
/** Zero limbs kept after every natural, so vector loops may read past the end. Multiple of 4. */
export const PAD: i32 = 8;
/** Largest modulus: 8192 bits. */
export const MAX_MOD_BITS: i32 = 8192;
export const MIN_MOD_BITS: i32 = 1024;
/** Window of the constant-time exponentiation (table of 2^WINDOW entries, every entry read per lookup). */
export const WINDOW: i32 = 5;

// Work areas of a Montgomery context (kernel-*.ts): [a | q] and [b | m], DIST bytes apart, so the row
// loops address both arrays of a pair from one pointer with immediate offsets.
/** Byte distance between a and q, and between b and m, in a work area. */
export const DIST: usize = 1280; // >= B_OFF + (293 + 8) limbs * 4, multiple of 16
/** Offset of b_0 (and, + DIST, of m_0) in the second work area: zero limbs below for window reads. */
export const B_OFF: usize = 16;
/** Bytes of a work area: two arrays, then 64 bytes of block sums (SIMD kernel, first work area). */
export const WORK_BYTES: i32 = 2 * <i32>DIST + 64;
