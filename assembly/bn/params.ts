// Compile-time parameters of the bignum code. Public constants.

/** Bits per limb. 28 leaves 8 bits of headroom in a u64 for 256 summed limb products. */
export const W: u32 = 28;
export const MASK: u32 = 0x0fffffff;
/** Zero limbs kept after every natural, so vector loops may read past the end. Multiple of 4. */
export const PAD: i32 = 8;
/** Largest modulus: 8192 bits. */
export const MAX_MOD_BITS: i32 = 8192;
export const MIN_MOD_BITS: i32 = 1024;
/** Window of the constant-time exponentiation (table of 2^WINDOW entries, every entry read per lookup). */
export const WINDOW: i32 = 5;
