// Test entry: the whole core plus one raw AES block in either direction, for the FIPS-197 known-answer
// and cross-implementation tests of the block cipher of every build (test/core/aes.test.ts compiles this
// file with the options of each asconfig.json target). Not part of the shipped core: a raw ECB export in
// a key-wrapping core would let any caller use its key schedule as an ECB oracle, so the shipped builds
// reach AES only through KW, KWP and CBC decryption.
import { AES_SCRATCH, ERR_ARG, ERR_SELFTEST, ioRangeOk, ready } from "../abi";
import { wipe } from "../ct";
import { aesDecrypt, aesEncrypt, aesSetKey } from "./aes";
import { roundsFor } from "./keysched";
import { AES_USED, AS_BLK } from "./layout";

export * from "../index";

/** One AES block: dir 0 encrypts, 1 decrypts; returns 16. */
export function aesBlockForTest(keyPtr: usize, keyLen: i32, inPtr: usize, outPtr: usize, dir: i32): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (roundsFor(keyLen) == 0 || (dir != 0 && dir != 1)) return ERR_ARG;
  if (!ioRangeOk(keyPtr, keyLen) || !ioRangeOk(inPtr, 16) || !ioRangeOk(outPtr, 16)) return ERR_ARG;
  const nr = aesSetKey(keyPtr, keyLen);
  memory.copy(AS_BLK(), inPtr, 16);
  if (dir == 0) aesEncrypt(nr, AS_BLK());
  else aesDecrypt(nr, AS_BLK());
  memory.copy(outPtr, AS_BLK(), 16);
  wipe(AES_SCRATCH(), AES_USED);
  return 16;
}
