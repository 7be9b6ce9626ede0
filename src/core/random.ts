// Randomness comes from the host: crypto.getRandomValues (Node >= 20 and every browser have it).
import { ByokError } from '../errors.js';

/** Fills `out` (which may be a view into the core's memory) from the host's CSPRNG. */
export function fillRandom(out: Uint8Array): void {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (!c?.getRandomValues) {
    throw new ByokError('CORE_INTERNAL', 'no crypto.getRandomValues in this environment; use Node >= 20 or a current browser');
  }
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < out.length; i += 65536) c.getRandomValues(out.subarray(i, Math.min(out.length, i + 65536)));
}
