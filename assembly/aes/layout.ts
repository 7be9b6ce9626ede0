// Layout of AES_SCRATCH: expanded key, round keys in the representation of the build's AES code path,
// the cipher state and the KW/KWP working block. Exports wipe AES_USED bytes on every exit path.
//
// Leaks: nothing; addresses are constants.
import { AES_SCRATCH } from "../abi";

/** Expanded key in FIPS-197 byte form: (Nr + 1) round keys of 16 bytes (at most 240 bytes). */
@inline export function AS_KEXP(): usize { return AES_SCRATCH(); }
/** Encryption round keys in the code path's representation (bitsliced: 15 x 32 bytes; vperm: 14 x 32 + 16). */
@inline export function AS_ENC(): usize { return AES_SCRATCH() + 256; }
/** Decryption round keys (bitsliced: 15 x 32 bytes; vector permute: 15 x 16 bytes). */
@inline export function AS_DEC(): usize { return AES_SCRATCH() + 768; }
/** Cipher state (bitsliced: 8 slices of 32 bits). */
@inline export function AS_STATE(): usize { return AES_SCRATCH() + 1280; }
/** One 16-byte block: KW's A || R[i], or a SubWord input during key expansion. */
@inline export function AS_BLK(): usize { return AES_SCRATCH() + 1344; }
/** Bytes of AES_SCRATCH ever touched. */
export const AES_USED: i32 = 1408;
