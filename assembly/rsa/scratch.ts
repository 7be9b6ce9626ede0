// Layout of RSA_SCRATCH (the RSA module's staging area). Only the first RS_USED bytes are ever touched,
// so exports wipe just those.
//
// Leaks: nothing; addresses are constants.
import { RSA_SCRATCH } from "../abi";

/** Encoded message EM (up to k = 1024 bytes for an 8192-bit modulus). */
@inline export function RS_EM(): usize { return RSA_SCRATCH(); }
/** lHash of the label during OAEP decoding. */
@inline export function RS_LHASH(): usize { return RSA_SCRATCH() + 1024; }
/** MGF1 counter block (4 bytes). */
@inline export function RS_CTR(): usize { return RSA_SCRATCH() + 1088; }
/** One MGF1 hash output (up to 64 bytes). */
@inline export function RS_HASH(): usize { return RSA_SCRATCH() + 1152; }
/** The ephemeral AES key of CKM_RSA_AES_KEY_WRAP during unwrap (up to 32 bytes). */
@inline export function RS_EPH(): usize { return RSA_SCRATCH() + 1216; }
/** Decoded OAEP message area during unwrap (up to k - 2hLen - 2 bytes). */
@inline export function RS_MSG(): usize { return RSA_SCRATCH() + 1280; }
/** Bytes of RSA_SCRATCH in use. */
export const RS_USED: i32 = 1280 + 1024;
