// Randomness comes from the host: crypto.getRandomValues (Node >= 20 and every browser have it).
import { ByokError } from '../errors.js';

export function randomBytes(n: number): Uint8Array {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (!c?.getRandomValues) {
    throw new ByokError('CORE_INTERNAL', 'no crypto.getRandomValues in this environment; use Node >= 20 or a current browser');
  }
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) c.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
