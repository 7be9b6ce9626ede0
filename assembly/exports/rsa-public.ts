// The raw RSA public operation RSAVP1 (RFC 8017 5.2.2): m = s^e mod n, for checking signatures whose
// encoding the host verifies byte by byte itself. A Marvell key attestation signed by Azure's HSM
// firmware 2.x is PKCS#1 v1.5 type-1 padding over the bare SHA-256 (no DigestInfo), which WebCrypto
// cannot check; certificates are checked the same way (EMSA-PKCS1-v1_5 re-encoded and compared in full,
// RFC 8017 8.2.2 step 3-4). Everything here is public: the key, the signature and the result.
//
// Kept apart from exports/rsa.ts (OAEP and key wrap) so the attestation verifier's one primitive can be
// reviewed on its own. Leaks: the public exponent and sizes (rsa/prim.ts rsaPublic), nothing secret.
import { ERR_ARG, ERR_SELFTEST, OK, ioRangeOk, ready } from "../abi";
import { bnAlloc, bnWipe } from "../bn/arena";
import { fromBytes, ltLimbs, toBytes } from "../bn/limbs";
import { kBytes, loadPublic, nLimbs, nPtr } from "../rsa/key";
import { rsaPublic } from "../rsa/prim";

function verifyPrimitive(n: usize, nLen: i32, e: u32, sig: usize, sigLen: i32, out: usize, rr: usize): i32 {
  if (!ioRangeOk(sig, sigLen)) return ERR_ARG;
  const st = loadPublic(n, nLen, e, rr);
  if (st != OK) return st;
  const k = kBytes;
  // RFC 8017 8.2.2 step 1: the signature is exactly k octets; 5.2.2 step 1: s < n.
  if (sigLen != k || !ioRangeOk(out, k)) return ERR_ARG;
  const s = bnAlloc(nLimbs);
  fromBytes(s, nLimbs, sig, k);
  if (ltLimbs(s, nPtr, nLimbs) == 0) return ERR_ARG;
  rsaPublic(s, s);
  toBytes(out, k, s, nLimbs);
  return k;
}

/**
 * out = sig^e mod n as k big-endian bytes (k = the modulus length without leading zeros). sig must be
 * exactly k bytes and below n. rr: 0, or R^2 mod n from rsaMontRR. Returns k, ERR_ARG or ERR_SELFTEST.
 */
export function rsaPublicRaw(n: usize, nLen: i32, e: u32, sig: usize, sigLen: i32, out: usize, rr: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = verifyPrimitive(n, nLen, e, sig, sigLen, out, rr);
  bnWipe(); // the only scratch region it touches (naturals, Montgomery context)
  return r;
}
