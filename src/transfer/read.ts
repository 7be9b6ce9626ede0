// readByok: validate a `.byok` file; matchByokToKek: could it have been made for this KEK?
import { invalid, isRecord } from '../arguments.js';
import { ByokError } from '../errors.js';
import { parseByok, readingForKek, type CiphertextReading, type ParsedByok } from '../formats/azure.js';
import type { Kek } from '../kek/index.js';
import { toKek, type KekInput } from './kek-input.js';

/**
 * Parses and validates a `.byok` file (schema, alg, enc, versioned kid, base64url ciphertext — padded or
 * not — whose length fits a 2048/3072/4096-bit KEK and an AES-KWP block). Throws a ByokError otherwise.
 */
export function readByok(input: Uint8Array | string): ParsedByok {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw invalid('readByok', 'input', "the .byok file's bytes (Uint8Array) or text (string)", input);
  return parseByok(input);
}

/** A `.byok` argument: readByok's result, or the file's bytes or text (read here). */
export function byokArg(fn: string, v: unknown): ParsedByok {
  if (typeof v === 'string' || v instanceof Uint8Array) return parseByok(v);
  if (isRecord(v) && v['ciphertext'] instanceof Uint8Array && isRecord(v['kid']) && isRecord(v['file']) && Array.isArray(v['readings'])) return v as unknown as ParsedByok;
  throw invalid(fn, 'byok', "readByok's result, or the .byok file's bytes (Uint8Array) or text (string)", v);
}

/**
 * Checks, without any secret, that `byok` can have been made for `kek`: same kid (when the KEK names
 * one), a ciphertext length that fits the KEK size, and an OAEP block numerically below the modulus.
 * Returns the ciphertext reading for this KEK.
 */
export function matchByokToKek(byok: ParsedByok | Uint8Array | string, kekInput: KekInput): CiphertextReading {
  byok = byokArg('matchByokToKek', byok);
  const kek: Kek = toKek(kekInput);
  if (kek.kid !== undefined && kek.kid !== byok.kid.kid) {
    throw new ByokError('BYOK_KID_MISMATCH', `the .byok is for KEK ${byok.kid.kid}, not for ${kek.kid}: use the file made for this KEK, or wrap again`);
  }
  const reading = readingForKek(byok, kek.bits);
  const oaep = byok.ciphertext.subarray(0, reading.oaepLength);
  if (compareVarTime(oaep, kek.n) >= 0) {
    throw new ByokError('BYOK_KEK_MISMATCH', 'the .byok cannot have been made for this KEK (its RSA block is not below the modulus): check that you have the KEK named by its kid');
  }
  return reading;
}

/** Compares big-endian magnitudes (public values: a ciphertext block and a modulus). */
function compareVarTime(a: Uint8Array, b: Uint8Array): number {
  const strip = (x: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    return x.subarray(i);
  };
  const x = strip(a);
  const y = strip(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
