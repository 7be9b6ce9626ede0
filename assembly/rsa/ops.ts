// RSAES-OAEP encryption/decryption (RFC 8017 7.1.1, 7.1.2) and CKM_RSA_AES_KEY_WRAP (PKCS#11 3.0,
// section 2.1.21, the layout Microsoft's BYOK specification uses for the .byok ciphertext):
//   wrap   = RSAES-OAEP(kek, K_eph; H, MGF1(H), label "") || AES-KWP(K_eph, target)
//   unwrap = split at k bytes; every failure of either half gives the one ERR_DECRYPT.
//
// Arguments are validated here (public lengths, I/O ranges); the exports (exports/rsa.ts) add the
// self-test gate and the wipe of every scratch region.
//
// Leaks: public lengths and sizes. Decryption and unwrap reveal only their final status: the unwrap
// runs the KWP half even when the OAEP half failed (with an all-zero key then), so the time taken does
// not tell which half failed.
import {
  ERR_ARG, ERR_DECRYPT, ERR_MSG_TOO_LONG, MAX_KW_DATA, OK, ioRangeOk,
} from "../abi";
import { hashLen } from "../hash/sha";
import { kwpUnwrapInto, kwpWrapInto } from "../aes/kw";
import { bnAlloc } from "../bn/arena";
import { fromBytes, ltLimbs, toBytes } from "../bn/limbs";
import { kBytes, loadPrivate, loadPublic, nLimbs, nPtr, rrBytes, storeRR } from "./key";
import { oaepDecode, oaepEncode } from "./oaep";
import { rsaPrivate, rsaPublic } from "./prim";
import { RS_EM, RS_EPH, RS_MSG } from "./scratch";

/** The OAEP hash in bits 0..7 of `hashes`, the MGF1 hash in bits 8..15; 0 when either is unknown. */
@inline function hashesOk(hashes: i32): bool {
  return hashLen(hashes & 0xff) != 0 && hashLen((hashes >> 8) & 0xff) != 0 && (hashes >>> 16) == 0;
}

/** R^2 mod n for loadPublic's `rr`, into out. Returns its length in bytes or ERR_ARG. */
export function montRR(n: usize, nLen: i32, out: usize, outLen: i32): i32 {
  const st = loadPublic(n, nLen, 65537);
  if (st != OK) return st;
  const len = rrBytes();
  if (outLen < len || !ioRangeOk(out, len)) return ERR_ARG;
  storeRR(out);
  return len;
}

/** RSAES-OAEP-ENCRYPT into out (k bytes). Returns k or a status. rr: see loadPublic (0: compute it). */
export function oaepEncrypt(
  n: usize, nLen: i32, e: u32, msg: usize, mLen: i32, label: usize, labelLen: i32, seed: usize,
  hashes: i32, out: usize, rr: usize = 0,
): i32 {
  if (!hashesOk(hashes)) return ERR_ARG;
  const alg = hashes & 0xff;
  const h = hashLen(alg);
  if (!ioRangeOk(msg, mLen) || !ioRangeOk(label, labelLen) || !ioRangeOk(seed, h)) return ERR_ARG;
  const st = loadPublic(n, nLen, e, rr);
  if (st != OK) return st;
  const k = kBytes;
  if (!ioRangeOk(out, k)) return ERR_ARG;
  if (mLen > k - 2 * h - 2) return ERR_MSG_TOO_LONG;
  return encryptLoaded(alg, (hashes >> 8) & 0xff, msg, mLen, label, labelLen, seed, out);
}

/** OAEP-encrypts with the loaded public key; arguments already validated. Returns k. */
function encryptLoaded(
  alg: i32, mgf: i32, msg: usize, mLen: i32, label: usize, labelLen: i32, seed: usize, out: usize,
): i32 {
  const k = kBytes;
  oaepEncode(alg, mgf, RS_EM(), k, msg, mLen, label, labelLen, seed);
  const x = bnAlloc(nLimbs);
  fromBytes(x, nLimbs, RS_EM(), k);
  rsaPublic(x, x);
  toBytes(out, k, x, nLimbs);
  return k;
}

/**
 * c = OS2IP(ct), RSADP with the loaded private key, EM = I2OSP(m, k) into RS_EM.
 * OK, ERR_DECRYPT (c >= n) or ERR_FAULT.
 */
function decryptToEm(ct: usize): i32 {
  // RFC 8017 5.1.2 step 1: c < n. The k bytes carry up to 7 bits above n's bit length, which need one limb
  // more than n has whenever 8k > W*nLimbs (2030-bit keys, for one); all of them enter the comparison, so
  // c + 2^(W*nLimbs) is refused rather than read as c. n's zero PAD limbs (bn/arena.ts) give its limb nLimbs.
  // Constant time over every limb; the verdict is public (c is the ciphertext).
  const c = bnAlloc(nLimbs + 1);
  fromBytes(c, nLimbs + 1, ct, kBytes);
  if (ltLimbs(c, nPtr, nLimbs + 1) == 0) return ERR_DECRYPT;
  const m = bnAlloc(nLimbs);
  const st = rsaPrivate(m, c);
  if (st != OK) return st;
  toBytes(RS_EM(), kBytes, m, nLimbs);
  return OK;
}

/** RSAES-OAEP-DECRYPT; out holds k bytes. Returns the message length or a status. */
export function oaepDecrypt(
  desc: usize, ct: usize, ctLen: i32, label: usize, labelLen: i32, hashes: i32, out: usize,
): i32 {
  if (!hashesOk(hashes)) return ERR_ARG;
  if (!ioRangeOk(ct, ctLen) || !ioRangeOk(label, labelLen)) return ERR_ARG;
  const st = loadPrivate(desc);
  if (st != OK) return st;
  const k = kBytes;
  if (ctLen != k || !ioRangeOk(out, k)) return ERR_ARG;
  const alg = hashes & 0xff;
  const h = hashLen(alg);
  if (k < 2 * h + 2) return ERR_DECRYPT; // RFC 8017 7.1.2 step 1c
  const st2 = decryptToEm(ct);
  if (st2 != OK) return st2;
  return oaepDecode(alg, (hashes >> 8) & 0xff, RS_EM(), k, label, labelLen, out, -1);
}

@inline function kwpLen(len: i32): i32 {
  return ((len + 7) & ~7) + 8;
}

/** CKM_RSA_AES_KEY_WRAP. eph: the ephemeral AES key (16/24/32 bytes), seed: hLen bytes, rr: see loadPublic. */
export function rsaAesWrap(
  n: usize, nLen: i32, e: u32, target: usize, tLen: i32, eph: usize, ephLen: i32, seed: usize,
  hash: i32, out: usize, rr: usize = 0,
): i32 {
  if (hashLen(hash) == 0 || (ephLen != 16 && ephLen != 24 && ephLen != 32)) return ERR_ARG;
  if (tLen < 1 || tLen > MAX_KW_DATA) return ERR_ARG;
  if (!ioRangeOk(target, tLen) || !ioRangeOk(eph, ephLen) || !ioRangeOk(seed, hashLen(hash))) return ERR_ARG;
  const st = loadPublic(n, nLen, e, rr);
  if (st != OK) return st;
  const k = kBytes;
  if (!ioRangeOk(out, k + kwpLen(tLen))) return ERR_ARG;
  if (ephLen > k - 2 * hashLen(hash) - 2) return ERR_MSG_TOO_LONG;
  encryptLoaded(hash, hash, eph, ephLen, RS_EPH(), 0, seed, out);
  const w = kwpWrapInto(eph, ephLen, target, tLen, out + <usize>k);
  if (w < 0) return w;
  return k + w;
}

/** Inverse of rsaAesWrap; out holds blobLen - k - 8 bytes. Returns the target length or ERR_DECRYPT. */
export function rsaAesUnwrap(
  desc: usize, blob: usize, blobLen: i32, hash: i32, ephLen: i32, out: usize,
): i32 {
  if (hashLen(hash) == 0 || (ephLen != 16 && ephLen != 24 && ephLen != 32)) return ERR_ARG;
  if (!ioRangeOk(blob, blobLen)) return ERR_ARG;
  const st = loadPrivate(desc);
  if (st != OK) return st;
  const k = kBytes;
  const wl = blobLen - k;
  // Public length checks: the KWP half is at least 16 bytes and a multiple of 8.
  if (wl < 16 || (wl & 7) != 0 || wl - 8 > MAX_KW_DATA) return ERR_DECRYPT;
  if (!ioRangeOk(out, wl - 8)) return ERR_ARG;
  if (k < 2 * hashLen(hash) + 2) return ERR_DECRYPT;
  const st2 = decryptToEm(blob);
  if (st2 != OK) return st2;
  // OAEP half: the key lands in RS_MSG (all zero when invalid). The KWP half runs either way.
  const r1 = oaepDecode(hash, hash, RS_EM(), k, RS_EPH(), 0, RS_MSG(), ephLen);
  const r2 = kwpUnwrapInto(RS_MSG(), ephLen, blob + <usize>k, wl, out);
  const good1: u32 = <u32>(r1 ^ ERR_DECRYPT); // nonzero iff r1 == ephLen (r1 is ephLen or ERR_DECRYPT)
  const ok1: u32 = (good1 | (0 - good1)) >> 31;
  const ok2: u32 = 1 ^ (<u32>r2 >> 31);
  const gm: u32 = 0 - (ok1 & ok2);
  for (let i = 0; i < wl - 8; i++) {
    const p = out + <usize>i;
    store<u8>(p, <u8>(<u32>load<u8>(p) & gm));
  }
  return <i32>((gm & <u32>r2) | (~gm & <u32>ERR_DECRYPT));
}
