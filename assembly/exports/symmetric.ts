// Exports of the symmetric core: SHA-1/SHA-2 (one-shot and incremental), AES-KW (RFC 3394) and AES-KWP
// (RFC 5649). Every export checks ready() and every pointer with ioRangeOk, and wipes the scratch regions
// it touched on every exit path. Results: a length (>= 0) or a negative status from abi.ts.
//
// Leaks: lengths and algorithm ids (public). See hash/sha.ts and aes/*.ts for the primitives.
import { ERR_ARG, ERR_SELFTEST, OK, ioRangeOk, ready } from "../abi";
import { wipe } from "../ct";
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
