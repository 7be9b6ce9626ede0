// AES key expansion (FIPS-197 section 5.2) into the byte-form round keys at AS_KEXP. SubWord runs the
// S-box of the build's code path (the bitsliced circuit, or the vector-permute S-box layer in the SIMD
// builds), so the schedule has no table lookups; both code paths share it and then turn the byte-form
// keys into their own representation.
//
// Leaks: the key length (public). The round constants and word indices depend on it only.
import { AS_BLK, AS_KEXP, AS_STATE } from "./layout";
import { bsLoad, bsStore, bsSubBytes } from "./bitslice";
import { vpSubWord } from "./vperm";

/** Rounds for a key of keyLen bytes: 10/12/14, or 0 when keyLen is not 16/24/32. */
export function roundsFor(keyLen: i32): i32 {
  if (keyLen == 16) return 10;
  if (keyLen == 24) return 12;
  if (keyLen == 32) return 14;
  return 0;
}

/** SubWord(RotWord(w)) for a word held in FIPS-197 byte order (byte 0 in the low bits). */
function subRotWord(w: u32): u32 {
  if (ASC_FEATURE_SIMD) return vpSubWord(rotr<u32>(w, 8));
  const blk = AS_BLK();
  const st = AS_STATE();
  store<u64>(blk, 0);
  store<u64>(blk, 0, 8);
  store<u32>(blk, rotr<u32>(w, 8));
  bsLoad(st, blk);
  bsSubBytes(st);
  bsStore(st, blk);
  return load<u32>(blk);
}

@inline function subWord(w: u32): u32 {
  return subRotWord(rotl<u32>(w, 8));
}

/** Expands the key at key (keyLen bytes) into AS_KEXP; returns Nr (the caller checked keyLen). */
export function expandKey(key: usize, keyLen: i32): i32 {
  const nr = roundsFor(keyLen);
  const nk = keyLen >> 2;
  const w = AS_KEXP();
  memory.copy(w, key, <usize>keyLen);
  const total = (nr + 1) << 2;
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let t = load<u32>(w + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      t = subRotWord(t) ^ rcon;
      rcon = (rcon << 1) ^ (0x11b & (0 - (rcon >> 7)));
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(w + (<usize>i << 2), load<u32>(w + (<usize>(i - nk) << 2)) ^ t);
  }
  return nr;
}
