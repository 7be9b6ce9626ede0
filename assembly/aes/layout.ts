// Layout of AES_SCRATCH: expanded key, round keys in the representation of the build's AES code path,
// the cipher state and the KW/KWP working block. Exports wipe AES_USED bytes on every exit path.
//
// Leaks: nothing; addresses are constants.
import { AES_SCRATCH } from "../abi";

/** Expanded key in FIPS-197 byte form: (Nr + 1) round keys of 16 bytes (at most 240 bytes). */
@inline export function AS_KEXP(): usize { return AES_SCRATCH(); }
/** Encryption round keys in the code path's representation (bitsliced: 15 x 32 bytes). */
@inline export function AS_ENC(): usize { return AES_SCRATCH() + 256; }
/** Decryption round keys where the code path needs them apart (vector permute: 15 x 16 bytes). */
@inline export function AS_DEC(): usize { return AES_SCRATCH() + 768; }
/** Cipher state (bitsliced: 8 slices of 32 bits). */
@inline export function AS_STATE(): usize { return AES_SCRATCH() + 1024; }
/** One 16-byte block: KW's A || R[i], or a SubWord input during key expansion. */
@inline export function AS_BLK(): usize { return AES_SCRATCH() + 1088; }
/** KW/KWP bookkeeping (the integrity register A during unwrap). */
@inline export function AS_A(): usize { return AES_SCRATCH() + 1120; }
/** Bytes of AES_SCRATCH ever touched. */
export const AES_USED: i32 = 1152;
