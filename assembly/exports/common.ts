// Exports that describe the memory map and the self-test verdict to the host, and the arena reset the host
// calls after an export was interrupted. Public values only.
import {
  ARENA_END, IO_BASE, IO_SIZE, MAX_KW_DATA, MEMORY_PAGES, getSelfTestState,
} from "../abi";
import { bnWipe } from "../bn/arena";

/** Address of the I/O region. */
export function ioBase(): usize { return IO_BASE(); }
/** Size of the I/O region in bytes. */
export function ioSize(): i32 { return IO_SIZE; }
/** Start of the arena: everything below holds public constants only. */
export function arenaBase(): usize { return IO_BASE(); }
/** End of the arena (exclusive). */
export function arenaEnd(): usize { return ARENA_END(); }
/** Largest KW/KWP payload the core accepts, in bytes. */
export function maxKwData(): i32 { return MAX_KW_DATA; }
/** Pages of linear memory the core was built for (initial = maximum). */
export function memoryPages(): i32 { return MEMORY_PAGES; }
/** 1 when the known-answer self-tests passed, a negative status when they failed. */
export function selfTestStatus(): i32 { return getSelfTestState(); }

/**
 * Zeroes the whole arena and resets the scratch allocator. Every export wipes what it touched before it
 * returns; when an exception escapes from inside one instead (a trap, a stack overflow, a debug build's
 * assertion), those wipes never ran, so the host calls this before the core is used again.
 */
export function arenaReset(): void {
  bnWipe();
  memory.fill(IO_BASE(), 0, ARENA_END() - IO_BASE());
}
