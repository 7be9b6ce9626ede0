// Block AES for KW/KWP: one key at a time, held in AES_SCRATCH, single-block encrypt and decrypt in place.
// The code path is chosen at compile time: the SIMD builds use vector-permute AES (vperm.ts), the scalar
// builds bitsliced AES (bitslice.ts). Both are constant time; see their headers for what may leak.
//
// Leaks: the key length (public).
import { AS_DEC, AS_ENC, AS_KEXP, AS_STATE } from "./layout";
import { bsDecrypt, bsEncrypt, bsPrepareKeys } from "./bitslice";
import { expandKey } from "./keysched";
import { vpDecrypt, vpEncrypt, vpPrepareKeys } from "./vperm";

/** aesSetKey's dirs: the directions to prepare round keys for (a wrap never decrypts, an unwrap never encrypts). */
export const AES_ENC: i32 = 1;
export const AES_DEC: i32 = 2;
export const AES_BOTH: i32 = 3;

/** Loads a key (16/24/32 bytes, checked by the caller) for the directions in dirs and returns Nr. */
export function aesSetKey(key: usize, keyLen: i32, dirs: i32 = AES_BOTH): i32 {
  const nr = expandKey(key, keyLen);
  if (ASC_FEATURE_SIMD) {
    vpPrepareKeys(AS_KEXP(), nr, AS_ENC(), AS_DEC(), dirs);
  } else {
    bsPrepareKeys(AS_KEXP(), nr, AS_ENC(), AS_DEC(), dirs);
  }
  return nr;
}

/** Encrypts the 16 bytes at blk in place with the loaded key. */
@inline export function aesEncrypt(nr: i32, blk: usize): void {
  if (ASC_FEATURE_SIMD) {
    vpEncrypt(AS_ENC(), nr, blk);
  } else {
    bsEncrypt(AS_ENC(), nr, blk, AS_STATE());
  }
}

/** Decrypts the 16 bytes at blk in place with the loaded key. */
@inline export function aesDecrypt(nr: i32, blk: usize): void {
  if (ASC_FEATURE_SIMD) {
    vpDecrypt(AS_DEC(), nr, blk);
  } else {
    bsDecrypt(AS_DEC(), nr, blk, AS_STATE());
  }
}

