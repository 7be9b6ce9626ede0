// Block AES for KW/KWP: one key at a time, held in AES_SCRATCH, single-block encrypt and decrypt in place.
// The code path is chosen at compile time: the SIMD builds use vector-permute AES (vperm.ts), the scalar
// builds bitsliced AES (bitslice.ts). Both are constant time; see their headers for what may leak.
//
// Leaks: the key length (public).
import { AS_ENC, AS_KEXP, AS_STATE } from "./layout";
import { bsDecrypt, bsEncrypt, bsPrepareKeys } from "./bitslice";
import { expandKey } from "./keysched";

/** Loads a key (16/24/32 bytes, checked by the caller) and returns Nr. */
export function aesSetKey(key: usize, keyLen: i32): i32 {
  const nr = expandKey(key, keyLen);
  bsPrepareKeys(AS_KEXP(), nr, AS_ENC());
  return nr;
}

/** Encrypts the 16 bytes at blk in place with the loaded key. */
@inline export function aesEncrypt(nr: i32, blk: usize): void {
  bsEncrypt(AS_ENC(), nr, blk, AS_STATE());
}

/** Decrypts the 16 bytes at blk in place with the loaded key. */
@inline export function aesDecrypt(nr: i32, blk: usize): void {
  bsDecrypt(AS_ENC(), nr, blk, AS_STATE());
}

