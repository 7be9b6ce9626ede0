// The shape test for intake's Kek record: library entry points take a Kek or anything readKek reads.
import type { Kek } from './types.js';

export function isKek(x: unknown): x is Kek {
  if (typeof x !== 'object' || x === null) return false;
  const k = x as Partial<Kek>;
  return k.n instanceof Uint8Array && k.e instanceof Uint8Array && k.spki instanceof Uint8Array
    && typeof k.bits === 'number' && typeof k.fingerprint === 'object' && k.fingerprint !== null
    && k.fingerprint.sha256 instanceof Uint8Array;
}
