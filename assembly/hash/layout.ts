// Layout of HASH_SCRATCH and of a hashing context (the state of one incremental SHA computation).
//
// A context is CTX_SIZE bytes: the chaining value H (eight u32 or u64 words, native order), a partial
// block buffer, the number of buffered bytes, the algorithm id and the total length in bytes. The one-shot
// functions keep their context at HASH_SCRATCH; the incremental exports keep it in the I/O region (the host
// wipes it with its frame). The message schedule W always lives in HASH_SCRATCH.
//
// Leaks: nothing; addresses are constants.
import { HASH_SCRATCH } from "../abi";

export const CTX_H: usize = 0; // 64 bytes
export const CTX_BUF: usize = 64; // 128 bytes
export const CTX_BUFLEN: usize = 192; // u32
export const CTX_ALG: usize = 196; // u32
export const CTX_TOTAL: usize = 200; // u64, total bytes absorbed
/** Bytes of one context. */
export const CTX_SIZE: i32 = 208;

/** The one-shot context of hashInto/hash2Into. */
@inline export function HS_CTX(): usize { return HASH_SCRATCH(); }
/** Message schedule W: 80 u64 words at most (SHA-384/512), 80 u32 words for SHA-1. */
@inline export function HS_W(): usize { return HASH_SCRATCH() + 256; }
/** Bytes of HASH_SCRATCH ever touched; exports wipe exactly these. */
export const HS_USED: i32 = 256 + 640;
