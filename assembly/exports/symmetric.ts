// Exports of the symmetric core: SHA-1/SHA-2 (one-shot and incremental), AES-KW (RFC 3394) and AES-KWP
// (RFC 5649). Every export checks ready() and every pointer with ioRangeOk, and wipes the scratch regions
// it touched on every exit path. Results: a length (>= 0) or a negative status from abi.ts.
//
// Leaks: lengths and algorithm ids (public). See hash/sha.ts and aes/*.ts for the primitives.
import { AES_SCRATCH, ERR_ARG, ERR_SELFTEST, OK, ioRangeOk, ready } from "../abi";
import { wipe } from "../ct";
import { AES_DEC, AES_ENC, aesDecrypt, aesEncrypt, aesSetKey } from "../aes/aes";
import { roundsFor } from "../aes/keysched";
import {
  kwpUnwrapInto, kwpWrapInto, kwpWrappedLen, kwUnwrapInto, kwUnwrapSpace, kwWrapInto, kwWrappedLen,
} from "../aes/kw";
import { AES_USED, AS_BLK } from "../aes/layout";
import { CTX_ALG, CTX_SIZE } from "../hash/layout";
import { ctxFinal, ctxInit, ctxUpdate, ctxValid, hashInto, hashLen, wipeHashScratch } from "../hash/sha";

/** out[0..hashLen) = Hash_alg(in[0..inLen)); returns the digest length. */
export function sha(alg: i32, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  const hl = hashLen(alg);
  if (hl == 0 || !ioRangeOk(inPtr, inLen) || !ioRangeOk(outPtr, hl)) return ERR_ARG;
  hashInto(alg, inPtr, inLen, outPtr);
  return hl;
}

/** Bytes the host reserves for an incremental hashing context. */
export function shaCtxSize(): i32 {
  return CTX_SIZE;
}

/** Starts an incremental hash of `alg` in the context at ctxPtr (in the I/O region). */
export function shaInit(alg: i32, ctxPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (hashLen(alg) == 0 || !ioRangeOk(ctxPtr, CTX_SIZE)) return ERR_ARG;
  ctxInit(alg, ctxPtr);
  return OK;
}

@inline function disjoint(a: usize, aLen: i32, b: usize, bLen: i32): bool {
  return a + <usize>aLen <= b || b + <usize>bLen <= a;
}

/** Absorbs in[0..inLen) into the context. The input may not overlap the context. */
export function shaUpdate(ctxPtr: usize, inPtr: usize, inLen: i32): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!ioRangeOk(ctxPtr, CTX_SIZE) || !ioRangeOk(inPtr, inLen) || !ctxValid(ctxPtr)) return ERR_ARG;
  if (!disjoint(ctxPtr, CTX_SIZE, inPtr, inLen)) return ERR_ARG;
  ctxUpdate(ctxPtr, inPtr, inLen);
  wipeHashScratch();
  return OK;
}

/** Writes the digest to outPtr, wipes the context and returns the digest length. */
export function shaFinal(ctxPtr: usize, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!ioRangeOk(ctxPtr, CTX_SIZE) || !ctxValid(ctxPtr)) return ERR_ARG;
  const hl = hashLen(<i32>load<u32>(ctxPtr + CTX_ALG));
  if (!ioRangeOk(outPtr, hl) || !disjoint(ctxPtr, CTX_SIZE, outPtr, hl)) return ERR_ARG;
  ctxFinal(ctxPtr, outPtr);
  wipe(ctxPtr, CTX_SIZE);
  wipeHashScratch();
  return hl;
}

// ---- AES-KW (RFC 3394) and AES-KWP (RFC 5649) ----------------------------------------------------

@inline function keyWrapArgsOk(kek: usize, kekLen: i32, inPtr: usize, inLen: i32, out: usize, outLen: i32): bool {
  return outLen >= 0 && ioRangeOk(kek, kekLen) && ioRangeOk(inPtr, inLen) && ioRangeOk(out, outLen);
}

/** RFC 3394 wrap of in[0..inLen) (a multiple of 8, >= 16) under the KEK; returns inLen + 8. */
export function aesKwWrap(kekPtr: usize, kekLen: i32, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!keyWrapArgsOk(kekPtr, kekLen, inPtr, inLen, outPtr, kwWrappedLen(inLen))) return ERR_ARG;
  const r = kwWrapInto(kekPtr, kekLen, inPtr, inLen, outPtr);
  wipe(AES_SCRATCH(), AES_USED);
  return r;
}

/** RFC 3394 unwrap; returns inLen - 8 or ERR_DECRYPT (the output is then all zero). */
export function aesKwUnwrap(kekPtr: usize, kekLen: i32, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!keyWrapArgsOk(kekPtr, kekLen, inPtr, inLen, outPtr, kwUnwrapSpace(inLen, false))) return ERR_ARG;
  const r = kwUnwrapInto(kekPtr, kekLen, inPtr, inLen, outPtr);
  wipe(AES_SCRATCH(), AES_USED);
  return r;
}

/** RFC 5649 wrap of 1..MAX_KW_DATA bytes; returns the wrapped length (padded length + 8). */
export function aesKwpWrap(kekPtr: usize, kekLen: i32, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!keyWrapArgsOk(kekPtr, kekLen, inPtr, inLen, outPtr, kwpWrappedLen(inLen))) return ERR_ARG;
  const r = kwpWrapInto(kekPtr, kekLen, inPtr, inLen, outPtr);
  wipe(AES_SCRATCH(), AES_USED);
  return r;
}

/**
 * RFC 5649 unwrap; writes inLen - 8 bytes (the padded plaintext) and returns the plaintext length, or
 * ERR_DECRYPT (the output is then all zero).
 */
export function aesKwpUnwrap(kekPtr: usize, kekLen: i32, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (!keyWrapArgsOk(kekPtr, kekLen, inPtr, inLen, outPtr, kwUnwrapSpace(inLen, true))) return ERR_ARG;
  const r = kwpUnwrapInto(kekPtr, kekLen, inPtr, inLen, outPtr);
  wipe(AES_SCRATCH(), AES_USED);
  return r;
}

// ---- AES-CBC decryption (password-protected key files) -------------------------------------------

/**
 * AES-CBC decryption of whole blocks under a 16/24/32-byte key, for PBES2 (RFC 8018) and legacy PEM
 * encryption of the customer's key file, so that AES on key material never uses lookup tables. No padding
 * removal: the host checks PKCS#7 in constant time. out may equal in (in place) or be disjoint from it.
 * The chaining value is ciphertext (public) and lives in locals. Returns inLen.
 */
export function aesCbcDecrypt(keyPtr: usize, keyLen: i32, ivPtr: usize, inPtr: usize, inLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (roundsFor(keyLen) == 0 || inLen <= 0 || (inLen & 15) != 0) return ERR_ARG;
  if (!ioRangeOk(keyPtr, keyLen) || !ioRangeOk(ivPtr, 16) || !ioRangeOk(inPtr, inLen) || !ioRangeOk(outPtr, inLen)) return ERR_ARG;
  if (outPtr != inPtr && !disjoint(inPtr, inLen, outPtr, inLen)) return ERR_ARG;
  const nr = aesSetKey(keyPtr, keyLen, AES_DEC);
  const blk = AS_BLK();
  let p0 = load<u64>(ivPtr);
  let p1 = load<u64>(ivPtr, 8);
  for (let off: i32 = 0; off < inLen; off += 16) {
    const c = inPtr + <usize>off;
    const c0 = load<u64>(c);
    const c1 = load<u64>(c, 8);
    store<u64>(blk, c0);
    store<u64>(blk, c1, 8);
    aesDecrypt(nr, blk);
    const o = outPtr + <usize>off;
    store<u64>(o, load<u64>(blk) ^ p0);
    store<u64>(o, load<u64>(blk, 8) ^ p1, 8);
    p0 = c0;
    p1 = c1;
  }
  wipe(AES_SCRATCH(), AES_USED);
  return inLen;
}

// ---- AES key check value ---------------------------------------------------------------------------

/**
 * The key check value of an AES key: the first 3 bytes of AES-ECB(key, 0^128), what HSMs print beside a
 * key and what an AES-CBC encryption of one zero block under a zero IV begins with. The input block is
 * fixed, so this is no ECB oracle; only 3 bytes leave the core. Writes out[0..3); returns 3.
 */
export function aesKcv(keyPtr: usize, keyLen: i32, outPtr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (roundsFor(keyLen) == 0 || !ioRangeOk(keyPtr, keyLen) || !ioRangeOk(outPtr, 3)) return ERR_ARG;
  const nr = aesSetKey(keyPtr, keyLen, AES_ENC);
  const blk = AS_BLK();
  memory.fill(blk, 0, 16);
  aesEncrypt(nr, blk);
  memory.copy(outPtr, blk, 3);
  wipe(AES_SCRATCH(), AES_USED);
  return 3;
}
