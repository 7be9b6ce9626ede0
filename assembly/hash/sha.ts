// SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4): one-shot and incremental hashing over a context.
//
// Internal interface (docs/ARCHITECTURE.md): hashLen, hashInto, hash2Into. They use only HASH_SCRATCH and
// wipe it before returning. The ctx* functions work on a context anywhere in memory; the incremental
// exports put it in the I/O region so the host can hash inputs larger than the region, chunk by chunk.
//
// Leaks: the input length and the algorithm (both public). Padding (FIPS 180-4 5.1) branches on the
// buffered length only, which is a function of the public input length.
import { HASH_SHA1, HASH_SHA256, HASH_SHA384, HASH_SHA512 } from "../abi";
import { wipe } from "../ct";
import { CTX_ALG, CTX_BUF, CTX_BUFLEN, CTX_H, CTX_TOTAL, HS_CTX, HS_USED, HS_W } from "./layout";
import { compress1, init1 } from "./sha1";
import { compress256, init256 } from "./sha256";
import { compress512, init384, init512 } from "./sha512";

/** Digest length in bytes: 20/32/48/64, or 0 for an unknown algorithm id. */
export function hashLen(alg: i32): i32 {
  if (alg == HASH_SHA1) return 20;
  if (alg == HASH_SHA256) return 32;
  if (alg == HASH_SHA384) return 48;
  if (alg == HASH_SHA512) return 64;
  return 0;
}

/** Block length in bytes: 64 or 128 (0 for an unknown id). */
export function blockLen(alg: i32): i32 {
  if (alg == HASH_SHA1 || alg == HASH_SHA256) return 64;
  if (alg == HASH_SHA384 || alg == HASH_SHA512) return 128;
  return 0;
}

@inline function compress(alg: i32, st: usize, p: usize, n: i32): void {
  if (alg == HASH_SHA1) compress1(st, p, n, HS_W());
  else if (alg == HASH_SHA256) compress256(st, p, n, HS_W());
  else compress512(st, p, n, HS_W());
}

/** Starts a computation of `alg` in the context at ctx. The caller checked hashLen(alg) != 0. */
export function ctxInit(alg: i32, ctx: usize): void {
  wipe(ctx + CTX_BUF, 128);
  if (alg == HASH_SHA1) init1(ctx + CTX_H);
  else if (alg == HASH_SHA256) init256(ctx + CTX_H);
  else if (alg == HASH_SHA384) init384(ctx + CTX_H);
  else init512(ctx + CTX_H);
  store<u32>(ctx + CTX_BUFLEN, 0);
  store<u32>(ctx + CTX_ALG, <u32>alg);
  store<u64>(ctx + CTX_TOTAL, 0);
}

/** 1 when the context at ctx is one ctxInit could have produced (its public fields are in range). */
export function ctxValid(ctx: usize): bool {
  const alg = <i32>load<u32>(ctx + CTX_ALG);
  const bl = blockLen(alg);
  return bl != 0 && load<u32>(ctx + CTX_BUFLEN) < <u32>bl;
}

/** Absorbs len bytes at p. Whole blocks are compressed straight from the input. */
export function ctxUpdate(ctx: usize, p: usize, len: i32): void {
  const alg = <i32>load<u32>(ctx + CTX_ALG);
  const bl = blockLen(alg);
  let fill = <i32>load<u32>(ctx + CTX_BUFLEN);
  store<u64>(ctx + CTX_TOTAL, load<u64>(ctx + CTX_TOTAL) + <u64>len);
  if (fill > 0) {
    const take = min(bl - fill, len);
    memory.copy(ctx + CTX_BUF + <usize>fill, p, <usize>take);
    fill += take;
    p += <usize>take;
    len -= take;
    if (fill < bl) {
      store<u32>(ctx + CTX_BUFLEN, <u32>fill);
      return;
    }
    compress(alg, ctx + CTX_H, ctx + CTX_BUF, 1);
    fill = 0;
  }
  const nb = len / bl;
  if (nb > 0) compress(alg, ctx + CTX_H, p, nb);
  const rest = len - nb * bl;
  memory.copy(ctx + CTX_BUF, p + <usize>(nb * bl), <usize>rest);
  store<u32>(ctx + CTX_BUFLEN, <u32>rest);
}

/** Pads (FIPS 180-4 5.1), writes the digest to out and returns its length. out may overlap the input. */
export function ctxFinal(ctx: usize, out: usize): i32 {
  const alg = <i32>load<u32>(ctx + CTX_ALG);
  const bl = blockLen(alg);
  const buf = ctx + CTX_BUF;
  let fill = <i32>load<u32>(ctx + CTX_BUFLEN);
  const bits: u64 = load<u64>(ctx + CTX_TOTAL) << 3;
  store<u8>(buf + <usize>fill, 0x80);
  fill++;
  // The length field is 8 bytes (SHA-1/256) or 16 bytes (SHA-384/512; its top half is zero here).
  const lenField = bl == 64 ? 8 : 16;
  if (fill > bl - lenField) {
    memory.fill(buf + <usize>fill, 0, <usize>(bl - fill));
    compress(alg, ctx + CTX_H, buf, 1);
    fill = 0;
  }
  memory.fill(buf + <usize>fill, 0, <usize>(bl - 8 - fill));
  store<u64>(buf + <usize>(bl - 8), bswap<u64>(bits));
  compress(alg, ctx + CTX_H, buf, 1);
  const hl = hashLen(alg);
  if (bl == 64) {
    for (let i = 0; i < hl; i += 4) {
      store<u32>(out + <usize>i, bswap<u32>(load<u32>(ctx + CTX_H + <usize>i)));
    }
  } else {
    for (let i = 0; i < hl; i += 8) {
      store<u64>(out + <usize>i, bswap<u64>(load<u64>(ctx + CTX_H + <usize>i)));
    }
  }
  return hl;
}

/** out = Hash_alg(in[0..inLen)). Uses and wipes HASH_SCRATCH. The caller checked hashLen(alg) != 0. */
export function hashInto(alg: i32, inPtr: usize, inLen: i32, outPtr: usize): void {
  const ctx = HS_CTX();
  ctxInit(alg, ctx);
  ctxUpdate(ctx, inPtr, inLen);
  ctxFinal(ctx, outPtr);
  wipe(ctx, HS_USED);
}

/** out = Hash_alg(a || b), for MGF1's seed || counter. Uses and wipes HASH_SCRATCH. */
export function hash2Into(alg: i32, aPtr: usize, aLen: i32, bPtr: usize, bLen: i32, outPtr: usize): void {
  const ctx = HS_CTX();
  ctxInit(alg, ctx);
  ctxUpdate(ctx, aPtr, aLen);
  ctxUpdate(ctx, bPtr, bLen);
  ctxFinal(ctx, outPtr);
  wipe(ctx, HS_USED);
}

/** Wipes the message schedule (exports that ran ctx* functions on an I/O context call this). */
export function wipeHashScratch(): void {
  wipe(HS_CTX(), HS_USED);
}
