// AES Key Wrap (RFC 3394 section 2.2, the index-based form) and AES Key Wrap with Padding (RFC 5649
// sections 3 and 4.1-4.2, including the one-block case: a padded plaintext of 8 bytes is one AES-ECB block).
//
// Internal interface (docs/ARCHITECTURE.md): kwWrapInto, kwUnwrapInto, kwpWrapInto, kwpUnwrapInto return
// the output length or a negative status: ERR_ARG for public length problems, ERR_DECRYPT for every
// integrity failure. They use only AES_SCRATCH and wipe it before returning. `out` may overlap `in` (the
// key is expanded first and inputs are moved with memmove semantics before any output is written).
//
// Unwrap integrity checks (the IV for KW; the 32-bit constant, the MLI range and the zero padding for KWP)
// are accumulated into one 0/1 verdict without branches; the output buffer is cleared by mask when the
// verdict is 0, and the plaintext length (the MLI) is returned only through a masked select.
//
// Leaks: the key length and the input length (public). Nothing about the verdict leaks before the
// function returns it; the verdict itself is the function's result.
import { AES_SCRATCH, ERR_ARG, ERR_DECRYPT, MAX_KW_DATA } from "../abi";
import { eq, ge, isZero, lt, maskOf, sel, wipe } from "../ct";
import { AES_DEC, AES_ENC, aesDecrypt, aesEncrypt, aesSetKey } from "./aes";
import { roundsFor } from "./keysched";
import { AES_USED, AS_BLK, AS_DEC, AS_ENC } from "./layout";
import { vpDecryptV, vpWrapRounds } from "./vperm";

/** RFC 3394 2.2.3.1 default IV (eight bytes 0xA6; its value does not depend on byte order). */
const KW_IV: u64 = 0xa6a6a6a6a6a6a6a6;
/** RFC 5649 3: the first 32 bits of the alternative IV, A6 59 59 A6 (a palindrome: any byte order). */
const KWP_ICV2: u32 = 0xa65959a6;

// ---- lengths (public) ----------------------------------------------------------------------------

/** Length of the KW output for inLen bytes of key data, or ERR_ARG. */
export function kwWrappedLen(inLen: i32): i32 {
  return (inLen >= 16 && inLen <= MAX_KW_DATA && (inLen & 7) == 0) ? inLen + 8 : ERR_ARG;
}

/** Length of the KWP output for inLen bytes, or ERR_ARG. */
export function kwpWrappedLen(inLen: i32): i32 {
  return (inLen >= 1 && inLen <= MAX_KW_DATA) ? ((inLen + 7) & ~7) + 8 : ERR_ARG;
}

/** Bytes an unwrap writes for inLen bytes of wrapped data (KW: >= 24; KWP: >= 16), or ERR_ARG. */
export function kwUnwrapSpace(inLen: i32, padded: bool): i32 {
  const min = padded ? 16 : 24;
  return (inLen >= min && inLen - 8 <= MAX_KW_DATA && (inLen & 7) == 0) ? inLen - 8 : ERR_ARG;
}

// ---- the wrapping function W and its inverse (RFC 3394 2.2.1, 2.2.2) --------------------------------

/** W: A in blk[0..8), R[1..n] at r; 6n AES encryptions, each on the previous result. */
function wrapRounds(nr: i32, r: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    wrapRoundsV(nr, r, n);
    return;
  }
  const blk = AS_BLK();
  for (let j = 0; j < 6; j++) {
    for (let i = 1; i <= n; i++) {
      const ri = r + (<usize>(i - 1) << 3);
      store<u64>(blk, load<u64>(ri), 8);
      aesEncrypt(nr, blk);
      // A = MSB64(B) ^ t, t = n*j + i as a 64-bit big-endian integer.
      store<u64>(blk, load<u64>(blk) ^ bswap<u64>(<u64>(n * j + i)));
      store<u64>(ri, load<u64>(blk, 8));
    }
  }
}

/** W^-1: A in blk[0..8), R[1..n] at r, both replaced by their unwrapped values. */
function unwrapRounds(nr: i32, r: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    unwrapRoundsV(nr, r, n);
    return;
  }
  const blk = AS_BLK();
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      const ri = r + (<usize>(i - 1) << 3);
      store<u64>(blk, load<u64>(blk) ^ bswap<u64>(<u64>(n * j + i)));
      store<u64>(blk, load<u64>(ri), 8);
      aesDecrypt(nr, blk);
      store<u64>(ri, load<u64>(blk, 8));
    }
  }
}

// SIMD builds keep A || R[i] in a register: no round trip through memory between the AES calls.

function wrapRoundsV(nr: i32, r: usize, n: i32): void {
  vpWrapRounds(AS_ENC(), nr, r, n, AS_BLK());
}

function unwrapRoundsV(nr: i32, r: usize, n: i32): void {
  let a = v128.load64_zero(AS_BLK());
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      const ri = r + (<usize>(i - 1) << 3);
      const x = v128.xor(a, i64x2.replace_lane(i64x2.splat(0), 0, bswap<u64>(<u64>(n * j + i))));
      a = vpDecryptV(AS_DEC(), nr, v128.load64_lane(ri, x, 1));
      v128.store64_lane(ri, a, 1);
    }
  }
  v128.store64_lane(AS_BLK(), a, 0);
}

/** out[0..len) &= mask, every byte written. */
function maskBytes(out: usize, len: i32, mask: u32): void {
  const m64: u64 = <u64>mask | (<u64>mask << 32);
  let i = 0;
  for (; i + 8 <= len; i += 8) store<u64>(out + <usize>i, load<u64>(out + <usize>i) & m64);
  for (; i < len; i++) store<u8>(out + <usize>i, <u8>(<u32>load<u8>(out + <usize>i) & mask));
}

// ---- RFC 3394 ------------------------------------------------------------------------------------

export function kwWrapInto(kek: usize, kekLen: i32, inPtr: usize, inLen: i32, out: usize): i32 {
  const outLen = kwWrappedLen(inLen);
  if (roundsFor(kekLen) == 0 || outLen < 0) return ERR_ARG;
  const n = inLen >> 3;
  const nr = aesSetKey(kek, kekLen, AES_ENC);
  memory.copy(out + 8, inPtr, <usize>inLen);
  store<u64>(AS_BLK(), KW_IV);
  wrapRounds(nr, out + 8, n);
  store<u64>(out, load<u64>(AS_BLK()));
  wipe(AES_SCRATCH(), AES_USED);
  return outLen;
}

export function kwUnwrapInto(kek: usize, kekLen: i32, inPtr: usize, inLen: i32, out: usize): i32 {
  const outLen = kwUnwrapSpace(inLen, false);
  if (roundsFor(kekLen) == 0 || outLen < 0) return ERR_ARG;
  const n = outLen >> 3;
  const blk = AS_BLK();
  const nr = aesSetKey(kek, kekLen, AES_DEC);
  store<u64>(blk, load<u64>(inPtr));
  memory.copy(out, inPtr + 8, <usize>outLen);
  unwrapRounds(nr, out, n);
  const d: u64 = load<u64>(blk) ^ KW_IV;
  const ok = isZero(<u32>d | <u32>(d >> 32));
  const mask = maskOf(ok);
  maskBytes(out, outLen, mask);
  wipe(AES_SCRATCH(), AES_USED);
  return <i32>sel(mask, <u32>outLen, <u32>ERR_DECRYPT);
}

// ---- RFC 5649 ------------------------------------------------------------------------------------

export function kwpWrapInto(kek: usize, kekLen: i32, inPtr: usize, inLen: i32, out: usize): i32 {
  const outLen = kwpWrappedLen(inLen);
  if (roundsFor(kekLen) == 0 || outLen < 0) return ERR_ARG;
  const padded = outLen - 8;
  const nr = aesSetKey(kek, kekLen, AES_ENC);
  memory.copy(out + 8, inPtr, <usize>inLen);
  memory.fill(out + 8 + <usize>inLen, 0, <usize>(padded - inLen));
  const blk = AS_BLK();
  store<u32>(blk, KWP_ICV2);
  store<u32>(blk + 4, bswap<u32>(<u32>inLen));
  if (padded == 8) {
    // RFC 5649 4.1: one 64-bit block is encrypted with AES in ECB mode as AIV || P.
    store<u64>(blk, load<u64>(out + 8), 8);
    aesEncrypt(nr, blk);
    store<u64>(out, load<u64>(blk));
    store<u64>(out + 8, load<u64>(blk, 8));
  } else {
    wrapRounds(nr, out + 8, padded >> 3);
    store<u64>(out, load<u64>(blk));
  }
  wipe(AES_SCRATCH(), AES_USED);
  return outLen;
}

export function kwpUnwrapInto(kek: usize, kekLen: i32, inPtr: usize, inLen: i32, out: usize): i32 {
  const space = kwUnwrapSpace(inLen, true);
  if (roundsFor(kekLen) == 0 || space < 0) return ERR_ARG;
  const n = space >> 3;
  const blk = AS_BLK();
  const nr = aesSetKey(kek, kekLen, AES_DEC);
  if (n == 1) {
    // RFC 5649 4.2: two 64-bit blocks are decrypted with AES in ECB mode.
    store<u64>(blk, load<u64>(inPtr));
    store<u64>(blk, load<u64>(inPtr + 8), 8);
    aesDecrypt(nr, blk);
    store<u64>(out, load<u64>(blk, 8));
  } else {
    store<u64>(blk, load<u64>(inPtr));
    memory.copy(out, inPtr + 8, <usize>space);
    unwrapRounds(nr, out, n);
  }
  // RFC 5649 3: A = A65959A6 || MLI with 8(n-1) < MLI <= 8n, and the last 8n - MLI bytes zero.
  const mli = bswap<u32>(load<u32>(blk + 4));
  let ok = eq(load<u32>(blk), KWP_ICV2);
  ok &= lt(<u32>(space - 8), mli);
  ok &= ge(<u32>space, mli);
  let pad: u32 = 0;
  for (let p = space - 8; p < space; p++) {
    pad |= <u32>load<u8>(out + <usize>p) & maskOf(ge(<u32>p, mli));
  }
  ok &= isZero(pad);
  const mask = maskOf(ok);
  maskBytes(out, space, mask);
  wipe(AES_SCRATCH(), AES_USED);
  return <i32>sel(mask, mli, <u32>ERR_DECRYPT);
}
