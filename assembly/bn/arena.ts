// A bump allocator over BN_SCRATCH for the naturals of one export call, with a high-water mark so the
// export can wipe exactly what it used (wiping all 512 KiB would cost more than a public operation).
//
// Invariant: BN_SCRATCH is all zero when an export starts (every export ends with bnWipe), so buffers
// handed out are zero, including their PAD limbs.
//
// Leaks: nothing secret; sizes are public.
import { BN_SCRATCH, BN_SCRATCH_SIZE } from "../abi";
import { PAD } from "./params";

let top: usize = 0;

/** Returns a 16-byte aligned, zeroed buffer of n limbs plus PAD zero limbs, or 0 when scratch is full. */
export function bnAlloc(n: i32): usize {
  const base = BN_SCRATCH();
  const p = (base + top + 15) & ~(<usize>15);
  const next = p + (<usize>(n + PAD) << 2) - base;
  if (next > <usize>BN_SCRATCH_SIZE) return 0;
  top = next;
  return p;
}

/** Bytes of BN_SCRATCH handed out since the last wipe. */
export function bnUsed(): usize {
  return top;
}

/** Zeroes everything handed out and resets the allocator. Called on every exit path of every export. */
export function bnWipe(): void {
  memory.fill(BN_SCRATCH(), 0, top);
  top = 0;
}
