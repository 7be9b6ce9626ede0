// Test entry: exposes the bignum functions to the BigInt-oracle tests (test/core/bignum.test.ts), which
// compile this file with the same options as the shipped builds (debug/release, scalar/SIMD), so the
// tests exercise the code the release build runs. Not part of the shipped core.
import * as arena from "./arena";
import * as limbs from "./limbs";
import * as mont from "./mont";
import * as exp from "./exp";
import * as arith from "./arith";
import { BN_SCRATCH } from "../abi";
import { W } from "./params";

export function bnAlloc(n: i32): usize { return arena.bnAlloc(n); }
export function bnWipe(): void { arena.bnWipe(); }
export function bnUsed(): usize { return arena.bnUsed(); }
export function bnBase(): usize { return BN_SCRATCH(); }
export function limbBits(): i32 { return <i32>W; }
export function ctxNew(m: usize, n: i32, bits: i32): usize { return mont.ctxNew(m, n, bits); }
export function ctxRR(ctx: usize): usize { return mont.ctxRR(ctx); }
export function rrCt(ctx: usize, t: usize): void { mont.rrCt(ctx, t); }
export function rrVarTime(ctx: usize, u: usize, v: usize): void { mont.rrVarTime(ctx, u, v); }
export function pow2ModVarTime(ctx: usize, e: i32, dst: usize, u: usize, v: usize): void { mont.pow2ModVarTime(ctx, e, dst, u, v); }
export function montMul(ctx: usize, r: usize, a: usize, b: usize): void { mont.montMul(ctx, r, a, b); }
export function montSqr(ctx: usize, r: usize, a: usize): void { mont.montSqr(ctx, r, a); }
export function montMulLazy(ctx: usize, r: usize, a: usize, b: usize): void { mont.montMulLazy(ctx, r, a, b); }
export function montSqrLazy(ctx: usize, r: usize, a: usize): void { mont.montSqrLazy(ctx, r, a); }
export function lazyOk(ctx: usize): i32 { return mont.lazyOk(ctx) ? 1 : 0; }
export function reduceWide(ctx: usize, r: usize, x: usize, xl: i32): void { mont.reduceWide(ctx, r, x, xl); }
export function modExpCt(ctx: usize, r: usize, b: usize, e: usize, ebits: i32): void { exp.modExpCt(ctx, r, b, e, ebits); }
export function modExpPub(ctx: usize, r: usize, b: usize, e: u32): void { exp.modExpPubVarTime(ctx, r, b, e); }
export function mulPlain(r: usize, a: usize, na: i32, b: usize, nb: i32): void { arith.mulPlain(r, a, na, b, nb); }
export function isInverseModCt(d: usize, dm: usize, n: i32, e: u32, x: usize, t: usize): u32 {
  return arith.isInverseModCt(d, dm, n, e, x, t);
}
export function fromBytes(dst: usize, n: i32, src: usize, len: i32): void { limbs.fromBytes(dst, n, src, len); }
export function toBytes(dst: usize, len: i32, src: usize, n: i32): void { limbs.toBytes(dst, len, src, n); }
export function condSub(r: usize, x: usize, m: usize, t: usize, n: i32): void { limbs.condSubLimbs(r, x, m, t, n); }
export function ltLimbs(a: usize, b: usize, n: i32): u32 { return limbs.ltLimbs(a, b, n); }

/** Benchmark helper: `iters` Montgomery multiplications (op 0), squarings (1), lazy ones (3, 2) in place. */
export function benchMont(ctx: usize, a: usize, b: usize, iters: i32, op: i32): void {
  for (let i = 0; i < iters; i++) {
    if (op == 1) mont.montSqr(ctx, a, a);
    else if (op == 0) mont.montMul(ctx, a, a, b);
    else if (op == 2) mont.montSqrLazy(ctx, a, a);
    else mont.montMulLazy(ctx, a, a, b);
  }
}
