// The RSA primitives on loaded keys (RFC 8017 5.1): the public operation RSAEP and the CRT private
// operation RSADP with Garner's recombination and a fault check.
//
// Private operation (RFC 8017 5.1.2, step 2b, with m2 reduced mod p before the subtraction):
//   m1 = c^dp mod p, m2 = c^dq mod q, h = qi*(m1 - m2) mod p, m = m2 + h*q,
// then m^e mod n is recomputed and compared with c before anything is released: a fault in either
// half (which would otherwise let an attacker factor n from one faulty result) gives ERR_FAULT.
//
// Leaks: rsaPublic leaks the public exponent (square-and-multiply order) and sizes; the base stays
// protected by the constant-time Montgomery operations. rsaPrivate leaks sizes only, and whether the
// fault check failed.
import { ERR_FAULT, OK } from "../abi";
import { bnAlloc } from "../bn/arena";
import { mulPlain } from "../bn/arith";
import { addLimbs, addMaskedLimbs, eqLimbs, limbAt, setLimb, subLimbs } from "../bn/limbs";
import { ctxM, montMul, reduceWide } from "../bn/mont";
import { modExpCt, modExpPubVarTime } from "../bn/exp";
import {
  ctxN, ctxP, ctxQ, dpPtr, dqPtr, eVal, hLimbs, nLimbs, pBits, qBits, qPtr, qiMont,
} from "./key";

/** r = x^e mod n (x < n, nLimbs limbs). r may alias x. */
export function rsaPublic(r: usize, x: usize): void {
  modExpPubVarTime(ctxN, r, x, eVal);
}

/** m = c^d mod n by CRT (c < n, nLimbs limbs each), then the fault check. OK or ERR_FAULT. */
export function rsaPrivate(m: usize, c: usize): i32 {
  const h = hLimbs;
  const cp = bnAlloc(h);
  const cq = bnAlloc(h);
  reduceWide(ctxP, cp, c, nLimbs); // c < n < p*R_p since R_p > q
  reduceWide(ctxQ, cq, c, nLimbs);
  const m1 = bnAlloc(h);
  const m2 = bnAlloc(h);
  modExpCt(ctxP, m1, cp, dpPtr, pBits);
  modExpCt(ctxQ, m2, cq, dqPtr, qBits);
  // t = (m1 - (m2 mod p)) mod p
  const t = bnAlloc(h);
  reduceWide(ctxP, t, m2, h);
  const br = subLimbs(t, m1, t, h);
  addMaskedLimbs(t, t, ctxM(ctxP), 0 - br, h);
  // hh = qi * t mod p  (qiMont = qi*R)
  montMul(ctxP, t, qiMont, t);
  // m = m2 + hh*q < p*q
  const w = bnAlloc(2 * h);
  mulPlain(w, t, h, qPtr, h);
  const m2w = bnAlloc(2 * h);
  for (let i = 0; i < h; i++) setLimb(m2w, i, limbAt(m2, i));
  addLimbs(w, w, m2w, 2 * h);
  for (let i = 0; i < nLimbs; i++) setLimb(m, i, limbAt(w, i));
  // Fault check: m^e mod n must give c back.
  const chk = bnAlloc(nLimbs);
  rsaPublic(chk, m);
  return eqLimbs(chk, c, nLimbs) != 0 ? OK : ERR_FAULT;
}
