// Loading RSA keys into the BN arena, and the private key's consistency checks.
//
// Public key: n (1024..8192 bits, odd) and e (odd, 3 <= e < 2^32). Both public: checks may branch.
// Private key (CRT form): n, e, p, q, dp, dq, qi. d is not used (the private operation is CRT only) and
// is not passed to the core. Checks, all folded into one verdict (ERR_KEY), in constant time:
//   p and q odd; p*q == n; dp < p, dq < q, qi < p;
//   e*dp == 1 (mod p-1) and e*dq == 1 (mod q-1)  (so the CRT exponents invert e);
//   qi*q == 1 (mod p)                           (the CRT coefficient).
// Together they make the CRT result correct for every ciphertext when p and q are prime (primality is
// not tested: too expensive, and a bad key fails the fault check of every private operation).
//
// Leaks: the byte lengths of all inputs, the bit lengths of n, p and q (their top byte's position), and the
// number of leading zero bytes of each integer, which strip() skips in variable time. The first two follow
// from the key size and are treated as public. The zero-byte counts of dp, dq and qi are not, but every
// encoding a key arrives in already shows them: DER INTEGERs are minimal (RFC 8017 A.1.2 keys in PKCS#1
// and PKCS#8), and JWK members are unpadded big-endian octets (RFC 7518 6.3.2). Nothing else about p, q,
// dp, dq or qi.
import { ERR_ARG, ERR_KEY, OK, ioRangeOk } from "../abi";
import { bnAlloc } from "../bn/arena";
import { isInverseModCt, mulPlain } from "../bn/arith";
import { copyLimbs, eqLimbs, eqSmall, fromBytes, limbAt, limbsFor, ltLimbs, setLimb } from "../bn/limbs";
import { ctxNew, ctxRR, montMul, pow2ModVarTime, redcWide, reduceWide, rrVarTime, toMont } from "../bn/mont";
import { MASK, MAX_MOD_BITS, MIN_MOD_BITS, W } from "../bn/params";

// ---- the loaded key (addresses and public sizes only) --------------------------------------------
/** Montgomery context of n. */
export let ctxN: usize = 0;
export let nLimbs: i32 = 0;
export let nBits: i32 = 0;
/** Modulus length in bytes (the ciphertext length). */
export let kBytes: i32 = 0;
export let eVal: u32 = 0;
/** n's limbs (n limbs). */
export let nPtr: usize = 0;

export let ctxP: usize = 0;
export let ctxQ: usize = 0;
/** Limbs of each CRT half: max(limbs(p), limbs(q)) with two bits to spare, so that R_p > q, R_q > p. */
export let hLimbs: i32 = 0;
export let pPtr: usize = 0;
export let qPtr: usize = 0;
export let dpPtr: usize = 0;
export let dqPtr: usize = 0;
/** qi * R mod p (Montgomery form, ready for Garner's step). */
export let qiMont: usize = 0;
export let pBits: i32 = 0;
export let qBits: i32 = 0;

/** Counts leading zero bytes, in variable time (see the header: the key's encoding shows them already). */
function strip(ptr: usize, len: i32): i32 {
  let i = 0;
  while (i < len && load<u8>(ptr + <usize>i) == 0) i++;
  return i;
}

/** Bit length of a big-endian integer whose first byte is nonzero (reveals only the bit length). */
@inline function bitLen(ptr: usize, len: i32): i32 {
  return len == 0 ? 0 : (len - 1) * 8 + (32 - <i32>clz(<u32>load<u8>(ptr)));
}

/**
 * Loads the public key. ERR_ARG when n or e is out of range. `rr` is 0, or the address of R^2 mod n as
 * limbs (rrBytes() bytes, from rsaMontRR for the same n), which saves the long division: the host keeps
 * it for the KEK it wraps under, as OpenSSL keeps a key's Montgomery context. It is public; the limbs
 * are checked to be W-bit and below n, so the Montgomery operations' preconditions hold whatever it holds.
 */
export function loadPublic(n: usize, nLen: i32, e: u32, rr: usize = 0): i32 {
  if (!ioRangeOk(n, nLen)) return ERR_ARG;
  const z = strip(n, nLen);
  n += <usize>z;
  nLen -= z;
  const bits = bitLen(n, nLen);
  if (bits < MIN_MOD_BITS || bits > MAX_MOD_BITS) return ERR_ARG;
  if ((load<u8>(n + <usize>(nLen - 1)) & 1) == 0) return ERR_ARG;
  if (e < 3 || (e & 1) == 0) return ERR_ARG;
  nBits = bits;
  kBytes = nLen;
  eVal = e;
  nLimbs = limbsFor(bits);
  nPtr = bnAlloc(nLimbs);
  fromBytes(nPtr, nLimbs, n, nLen);
  ctxN = ctxNew(nPtr, nLimbs, bits);
  if (rr == 0) {
    rrVarTime(ctxN, bnAlloc(2 * nLimbs + 2), bnAlloc(nLimbs));
    return OK;
  }
  if (!ioRangeOk(rr, rrBytes())) return ERR_ARG;
  const dst = ctxRR(ctxN);
  let high: u32 = 0;
  for (let i = 0; i < nLimbs; i++) {
    const v = load<u32>(rr + (<usize>i << 2));
    high |= v & ~MASK;
    setLimb(dst, i, v);
  }
  if (high != 0 || ltLimbs(dst, nPtr, nLimbs) == 0) return ERR_ARG;
  return OK;
}

/** Bytes of R^2 mod n for the loaded modulus, as passed to loadPublic: nLimbs little-endian u32 words. */
export function rrBytes(): i32 {
  return nLimbs << 2;
}

/** Writes R^2 mod n of the loaded public key at out (rrBytes() bytes, checked by the caller). */
export function storeRR(out: usize): void {
  copyLimbs(out, ctxRR(ctxN), nLimbs);
}

// Private key descriptor in the I/O region: 13 i32 words.
//   [0,1] n ptr/len   [2,3] p   [4,5] q   [6,7] dp   [8,9] dq   [10,11] qi   [12] e
export const KEY_DESC_BYTES: i32 = 52;

@inline function word(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

/** Loads a big-endian integer of the descriptor into `limbs` limbs; 0 when it does not fit (public). */
function loadInt(desc: usize, slot: i32, limbs: i32): usize {
  let ptr = <usize>word(desc, 2 * slot);
  let len = word(desc, 2 * slot + 1);
  const z = strip(ptr, len);
  ptr += <usize>z;
  len -= z;
  if (bitLen(ptr, len) > limbs * <i32>W) return 0;
  const dst = bnAlloc(limbs);
  fromBytes(dst, limbs, ptr, len);
  return dst;
}

/**
 * Loads and checks a private key from the descriptor at desc. ERR_ARG for malformed descriptors or sizes
 * out of range, ERR_KEY when the key is inconsistent.
 */
export function loadPrivate(desc: usize): i32 {
  if (!ioRangeOk(desc, KEY_DESC_BYTES)) return ERR_ARG;
  for (let i = 0; i < 6; i++) {
    if (!ioRangeOk(<usize>word(desc, 2 * i), word(desc, 2 * i + 1))) return ERR_ARG;
  }
  const st = loadPublic(<usize>word(desc, 0), word(desc, 1), <u32>word(desc, 12));
  if (st != OK) return st;

  // Public sizes of p and q.
  let pp = <usize>word(desc, 2);
  let pl = word(desc, 3);
  let z = strip(pp, pl);
  pBits = bitLen(pp + <usize>z, pl - z);
  let qp = <usize>word(desc, 4);
  let ql = word(desc, 5);
  z = strip(qp, ql);
  qBits = bitLen(qp + <usize>z, ql - z);
  if (pBits < 64 || qBits < 64 || pBits + qBits < nBits || pBits + qBits > nBits + 1) return ERR_KEY;
  // Two bits of headroom over the larger prime (R_p >= 4p), so the exponentiations may use the lazy
  // Montgomery operations (bn/mont.ts); this adds a limb only when a prime nearly fills its limbs, as
  // 1536-bit primes (RSA-3072) fill 53.
  const lp = limbsFor(pBits + 2);
  const lq = limbsFor(qBits + 2);
  hLimbs = lp > lq ? lp : lq;
  const h = hLimbs;

  pPtr = loadInt(desc, 1, h);
  qPtr = loadInt(desc, 2, h);
  dpPtr = loadInt(desc, 3, h);
  dqPtr = loadInt(desc, 4, h);
  const qi = loadInt(desc, 5, h);
  if (pPtr == 0 || qPtr == 0 || dpPtr == 0 || dqPtr == 0 || qi == 0) return ERR_KEY;

  let ok: u32 = limbAt(pPtr, 0) & limbAt(qPtr, 0) & 1;
  // p*q == n
  const pq = bnAlloc(2 * h);
  mulPlain(pq, pPtr, h, qPtr, h);
  const nWide = bnAlloc(2 * h);
  for (let i = 0; i < nLimbs && i < 2 * h; i++) setLimb(nWide, i, limbAt(nPtr, i));
  ok &= eqLimbs(pq, nWide, 2 * h);
  ok &= ltLimbs(dpPtr, pPtr, h) & ltLimbs(dqPtr, qPtr, h) & ltLimbs(qi, pPtr, h);
  // e*dp == 1 mod p-1, e*dq == 1 mod q-1 (p, q odd, so p-1 only clears bit 0).
  const pm1 = bnAlloc(h);
  const x = bnAlloc(h + 2);
  const t = bnAlloc(h + 2);
  for (let i = 0; i < h; i++) setLimb(pm1, i, limbAt(pPtr, i));
  setLimb(pm1, 0, limbAt(pm1, 0) & ~(<u32>1));
  ok &= isInverseModCt(dpPtr, pm1, h, eVal, x, t);
  for (let i = 0; i < h; i++) setLimb(pm1, i, limbAt(qPtr, i));
  setLimb(pm1, 0, limbAt(pm1, 0) & ~(<u32>1));
  ok &= isInverseModCt(dqPtr, pm1, h, eVal, x, t);

  // Montgomery contexts of p and q (R_p = R_q = 2^(Wh)). Their R^2 without a secret-dependent
  // division: X = 2^(3Wh) mod n is public (n is), and X < n < p*R_p, so the constant-time Montgomery
  // reduction REDC_p(X) = 2^(3Wh) * 2^(-Wh) = R_p^2 mod p, and likewise for q.
  ctxP = ctxNew(pPtr, h, pBits);
  ctxQ = ctxNew(qPtr, h, qBits);
  if (ctxQ == 0) return ERR_ARG;
  const x3 = bnAlloc(nLimbs);
  pow2ModVarTime(ctxN, 3 * <i32>W * h, x3, bnAlloc(3 * h + 2), bnAlloc(nLimbs));
  redcWide(ctxP, ctxRR(ctxP), x3, nLimbs);
  redcWide(ctxQ, ctxRR(ctxQ), x3, nLimbs);
  // qi*q == 1 mod p: (qi*R) * (q mod p) * R^-1 = qi*q mod p.
  qiMont = bnAlloc(h);
  toMont(ctxP, qiMont, qi);
  const qModP = bnAlloc(h);
  reduceWide(ctxP, qModP, qPtr, h);
  montMul(ctxP, x, qiMont, qModP);
  ok &= eqSmall(x, h, 1);
  return ok != 0 ? OK : ERR_KEY;
}
