// ABI of the byok-toolkit core: memory map, status codes and the self-test gate.
//
// Every export takes and returns i32 only. Inputs and outputs live in one fixed I/O region; each module
// owns a fixed scratch region. Nothing is allocated after start and memory never grows (asconfig sets
// initialMemory = maximumMemory). Addresses below are compile-time constants derived from __heap_base,
// which the stub runtime leaves unused because the core never allocates.
//
// Leaks: nothing here touches secrets.

export const MEMORY_PAGES: i32 = 32; // keep equal to asconfig.json initialMemory/maximumMemory

// Status codes. Negative values are errors; non-negative values are lengths or OK.
export const OK: i32 = 0;
/** An argument is out of range (length, size, pointer outside the I/O region). Public information. */
export const ERR_ARG: i32 = -1;
/** One generic failure for every decryption and integrity check (OAEP decode, KW/KWP unwrap). */
export const ERR_DECRYPT: i32 = -2;
/** A private key failed its consistency checks at load (p*q != n, d/e mismatch, ...). */
export const ERR_KEY: i32 = -3;
/** The message does not fit the OAEP capacity of the modulus. */
export const ERR_MSG_TOO_LONG: i32 = -4;
/** The known-answer self-tests failed when the module was instantiated: every call refuses. */
export const ERR_SELFTEST: i32 = -5;
/** A private operation failed its recomputation check (fault): nothing was released. */
export const ERR_FAULT: i32 = -6;

// Hash algorithm identifiers (also used for the OAEP hash and the MGF1 hash).
export const HASH_SHA1: i32 = 1;
export const HASH_SHA256: i32 = 2;
export const HASH_SHA384: i32 = 3;
export const HASH_SHA512: i32 = 4;

// ---- memory map --------------------------------------------------------------------------------
// [0, __heap_base)            static data: public constants only (round constants, KAT vectors)
// [ARENA_BASE, +IO_SIZE)      I/O region: the host writes inputs and reads outputs here
// then one scratch region per module, each wiped by the export that used it before it returns.

@inline export function ARENA_BASE(): usize { return (__heap_base + 63) & ~(<usize>63); }

export const IO_SIZE: i32 = 0x108000; // 1 MiB + 32 KiB: KW/KWP data up to MAX_KW_DATA in and out
export const MAX_KW_DATA: i32 = 0x80000; // 512 KiB

export const HASH_SCRATCH_SIZE: i32 = 0x1000; // 4 KiB
export const AES_SCRATCH_SIZE: i32 = 0x4000; // 16 KiB
export const RSA_SCRATCH_SIZE: i32 = 0x8000; // 32 KiB: OAEP encoding, MGF1, key material staging
export const BN_SCRATCH_SIZE: i32 = 0x80000; // 512 KiB: naturals, Montgomery constants, window tables

@inline export function IO_BASE(): usize { return ARENA_BASE(); }
@inline export function HASH_SCRATCH(): usize { return IO_BASE() + <usize>IO_SIZE; }
@inline export function AES_SCRATCH(): usize { return HASH_SCRATCH() + <usize>HASH_SCRATCH_SIZE; }
@inline export function RSA_SCRATCH(): usize { return AES_SCRATCH() + <usize>AES_SCRATCH_SIZE; }
@inline export function BN_SCRATCH(): usize { return RSA_SCRATCH() + <usize>RSA_SCRATCH_SIZE; }
@inline export function ARENA_END(): usize { return BN_SCRATCH() + <usize>BN_SCRATCH_SIZE; }

/** 1 when [ptr, ptr+len) lies inside the I/O region. Pointers and lengths are public. */
export function ioRangeOk(ptr: usize, len: i32): bool {
  if (len < 0) return false;
  const lo = IO_BASE();
  const hi = lo + <usize>IO_SIZE;
  return ptr >= lo && ptr <= hi && <usize>len <= hi - ptr;
}

// ---- self-test gate ----------------------------------------------------------------------------
// 0 = not run, 1 = passed, ERR_SELFTEST = failed. Set once by the start function in index.ts.
let selfTestState: i32 = 0;

export function setSelfTestState(passed: bool): void {
  selfTestState = passed ? 1 : ERR_SELFTEST;
}

/** True once the known-answer tests passed; every export checks it first. */
@inline export function ready(): bool {
  return selfTestState == 1;
}

export function getSelfTestState(): i32 {
  return selfTestState;
}
