// RSAES-OAEP encoding and constant-time decoding (RFC 8017 section 7.1, EME-OAEP; MGF1 from appendix
// B.2.1). The OAEP hash (lHash) and the MGF1 hash are chosen independently.
//
// Decoding follows RFC 8017 7.1.2 step 3 with the note after it: every check (Y == 0, lHash' == lHash,
// the PS zero run and the 0x01 separator) is folded into one 0/1 verdict without early exit, and the
// message is moved to its output position with a logarithmic shifter whose steps are chosen by masks,
// so no branch or memory index depends on the decrypted block. Only the final status (a length or
// ERR_DECRYPT) is revealed, after validity is known (Manger, CRYPTO 2001).
//
// Leaks: k, hLen, the label length and the message length when encoding (all public). Decoding leaks
// nothing but the returned status.
import { ERR_DECRYPT } from "../abi";
import { eq, isZero, memEq } from "../ct";
import { hashInto, hash2Into, hashLen } from "../hash/sha";
import { RS_CTR, RS_HASH, RS_LHASH } from "./scratch";

/** dst[0..dstLen) ^= MGF1(hashAlg, seed[0..seedLen)). seed and dst must not overlap. */
export function mgf1Xor(alg: i32, seed: usize, seedLen: i32, dst: usize, dstLen: i32): void {
  const h = hashLen(alg);
  let counter: u32 = 0;
  for (let off = 0; off < dstLen; off += h) {
    store<u32>(RS_CTR(), bswap<u32>(counter)); // I2OSP(counter, 4)
    hash2Into(alg, seed, seedLen, RS_CTR(), 4, RS_HASH());
    const take = dstLen - off < h ? dstLen - off : h;
    for (let i = 0; i < take; i++) {
      const p = dst + <usize>(off + i);
      store<u8>(p, load<u8>(p) ^ load<u8>(RS_HASH() + <usize>i));
    }
    counter++;
  }
}

/**
 * EM = 0x00 || maskedSeed || maskedDB for message msg and label, into em (k bytes). The seed (hLen
 * bytes) comes from the host's CSPRNG. The caller has checked mLen <= k - 2hLen - 2 and that em does not
 * overlap the inputs.
 */
export function oaepEncode(
  alg: i32, mgfAlg: i32, em: usize, k: i32,
  msg: usize, mLen: i32, label: usize, labelLen: i32, seed: usize,
): void {
  const h = hashLen(alg);
  const db = em + 1 + <usize>h;
  const dbLen = k - h - 1;
  // DB = lHash || PS || 0x01 || M
  memory.fill(em, 0, <usize>k);
  hashInto(alg, label, labelLen, db);
  store<u8>(db + <usize>(dbLen - mLen - 1), 1);
  memory.copy(db + <usize>(dbLen - mLen), msg, <usize>mLen);
  memory.copy(em + 1, seed, <usize>h);
  mgf1Xor(mgfAlg, em + 1, h, db, dbLen); // maskedDB
  mgf1Xor(mgfAlg, db, dbLen, em + 1, h); // maskedSeed
}

/**
 * Decodes EM (k bytes, modified in place) for the given label. On success writes the message to the
 * first mLen bytes of out (which holds k - 2hLen - 2 bytes; the rest is zeroed) and returns mLen;
 * otherwise zeroes out and returns ERR_DECRYPT. Constant time in the contents of EM.
 * `expectLen` >= 0 additionally requires mLen == expectLen (the composite unwrap's key length).
 */
export function oaepDecode(
  alg: i32, mgfAlg: i32, em: usize, k: i32, label: usize, labelLen: i32, out: usize, expectLen: i32,
): i32 {
  const h = hashLen(alg);
  const seed = em + 1;
  const db = em + 1 + <usize>h;
  const dbLen = k - h - 1;
  mgf1Xor(mgfAlg, db, dbLen, seed, h); // seed = maskedSeed ^ MGF(maskedDB)
  mgf1Xor(mgfAlg, seed, h, db, dbLen); // DB = maskedDB ^ MGF(seed)
  hashInto(alg, label, labelLen, RS_LHASH());

  let good: u32 = isZero(<u32>load<u8>(em)) & memEq(db, RS_LHASH(), h);
  // Find the 0x01 after the zero run PS: `looking` stays 1 until it is seen; any other nonzero byte
  // before it is an error. idx is the separator's index in DB.
  let looking: u32 = 1;
  let bad: u32 = 0;
  let idx: u32 = 0;
  for (let i = h; i < dbLen; i++) {
    const b = <u32>load<u8>(db + <usize>i);
    const is1 = eq(b, 1);
    const is0 = isZero(b);
    const hit = looking & is1;
    idx ^= (0 - hit) & (idx ^ <u32>i);
    bad |= looking & (is0 ^ 1) & (is1 ^ 1);
    looking &= is1 ^ 1;
  }
  good &= (looking ^ 1) & (bad ^ 1);
  const mLen: u32 = <u32>dbLen - idx - 1;
  if (expectLen >= 0) good &= eq(mLen, <u32>expectLen);

  // out = DB[h+1 ..) shifted left by s = idx - h (0 <= s <= region), one masked pass per bit of s.
  const region = dbLen - h - 1; // = k - 2h - 2, the largest message
  memory.copy(out, db + <usize>(h + 1), <usize>region);
  const s: u32 = idx - <u32>h;
  for (let step = 1; step <= region; step <<= 1) {
    const take: u32 = 0 - ((s >> <u32>ctz(step)) & 1);
    for (let i = 0; i < region; i++) {
      const cur = <u32>load<u8>(out + <usize>i);
      const nxt: u32 = i + step < region ? <u32>load<u8>(out + <usize>(i + step)) : 0;
      store<u8>(out + <usize>i, <u8>(cur ^ (take & (cur ^ nxt))));
    }
  }
  // Bytes past the message are zero after the shift except when invalid; clear everything then.
  const gm: u32 = 0 - good;
  for (let i = 0; i < region; i++) {
    const p = out + <usize>i;
    store<u8>(p, <u8>(<u32>load<u8>(p) & gm));
  }
  return <i32>((gm & mLen) | (~gm & <u32>ERR_DECRYPT));
}
