// Exports of the RSA core: RSAES-OAEP and CKM_RSA_AES_KEY_WRAP. i32 only; every pointer lies in the I/O
// region. Each export checks the self-test gate first and wipes every scratch region it may have touched
// (BN: the used part; RSA: the used part; HASH and AES: whole) on every exit path.
//
// Hash identifiers are abi.ts's HASH_*. `hashes` packs the OAEP hash (bits 0..7) and the MGF1 hash
// (bits 8..15). Integers are big-endian; leading zero bytes are allowed. The private key is passed as a
// descriptor of 13 i32 words in the I/O region (rsa/key.ts):
//   n ptr, n len, p ptr, p len, q ptr, q len, dp ptr, dp len, dq ptr, dq len, qi ptr, qi len, e.
import {
  AES_SCRATCH, AES_SCRATCH_SIZE, ERR_SELFTEST, HASH_SCRATCH, HASH_SCRATCH_SIZE, RSA_SCRATCH, ready,
} from "../abi";
import { wipe } from "../ct";
import { bnWipe } from "../bn/arena";
import { montRR, oaepDecrypt, oaepEncrypt, rsaAesUnwrap, rsaAesWrap } from "../rsa/ops";
import { RS_USED } from "../rsa/scratch";
import { W } from "../bn/params";

function wipeRsa(aes: bool): i32 {
  bnWipe();
  wipe(RSA_SCRATCH(), RS_USED);
  wipe(HASH_SCRATCH(), HASH_SCRATCH_SIZE);
  if (aes) wipe(AES_SCRATCH(), AES_SCRATCH_SIZE);
  return 0;
}

/**
 * R^2 mod n (public) for the `rr` argument of the encrypting exports, written at out (outLen bytes
 * available). Returns its length in bytes, ERR_ARG or ERR_SELFTEST.
 */
export function rsaMontRR(n: usize, nLen: i32, out: usize, outLen: i32): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = montRR(n, nLen, out, outLen);
  wipeRsa(false);
  return r;
}

/**
 * RSAES-OAEP encryption of msg under (n, e) with the host's random seed (hLen bytes of the OAEP hash).
 * rr: 0, or R^2 mod n from rsaMontRR for this n. Writes k bytes at out. Returns k, ERR_ARG,
 * ERR_MSG_TOO_LONG or ERR_SELFTEST.
 */
export function rsaOaepEncrypt(
  n: usize, nLen: i32, e: u32, msg: usize, msgLen: i32, label: usize, labelLen: i32, seed: usize,
  hashes: i32, out: usize, rr: usize,
): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = oaepEncrypt(n, nLen, e, msg, msgLen, label, labelLen, seed, hashes, out, rr);
  wipeRsa(false);
  return r;
}

/**
 * RSAES-OAEP decryption of ct (k bytes) with the private key described at keyDesc. out holds k bytes;
 * the message is written at its start. Returns the message length, ERR_DECRYPT (one status for every
 * decoding failure), ERR_KEY, ERR_FAULT, ERR_ARG or ERR_SELFTEST.
 */
export function rsaOaepDecrypt(
  keyDesc: usize, ct: usize, ctLen: i32, label: usize, labelLen: i32, hashes: i32, out: usize,
): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = oaepDecrypt(keyDesc, ct, ctLen, label, labelLen, hashes, out);
  wipeRsa(false);
  return r;
}

/**
 * CKM_RSA_AES_KEY_WRAP: OAEP(hash, MGF1(hash), empty label) of the ephemeral AES key (16/24/32 bytes,
 * from the host's CSPRNG), then AES-KWP of the target under it. out holds k + 8*ceil(targetLen/8) + 8
 * bytes; rr as for rsaOaepEncrypt. Returns the blob length or a status.
 */
export function rsaAesKeyWrap(
  n: usize, nLen: i32, e: u32, target: usize, targetLen: i32, eph: usize, ephLen: i32, seed: usize,
  hash: i32, out: usize, rr: usize,
): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = rsaAesWrap(n, nLen, e, target, targetLen, eph, ephLen, seed, hash, out, rr);
  wipeRsa(true);
  return r;
}

/**
 * Inverse of rsaAesKeyWrap with an ephemeral key of ephLen bytes. out holds blobLen - k - 8 bytes.
 * Returns the target length, ERR_DECRYPT for every failure of either half, ERR_KEY, ERR_FAULT, ERR_ARG
 * or ERR_SELFTEST.
 */
export function rsaAesKeyUnwrap(
  keyDesc: usize, blob: usize, blobLen: i32, hash: i32, ephLen: i32, out: usize,
): i32 {
  if (!ready()) return ERR_SELFTEST;
  const r = rsaAesUnwrap(keyDesc, blob, blobLen, hash, ephLen, out);
  wipeRsa(true);
  return r;
}

/** Bits per limb of the bignum code (public; tests use it to look for key material in limb form). */
export function limbBits(): i32 {
  return <i32>W;
}
