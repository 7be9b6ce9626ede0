// Argument checks for the library's public functions (src/index.ts): a wrong argument is a ByokError
// (INVALID_ARGUMENT) naming the function, the argument, what it takes and what it got — never a TypeError
// from deep inside (issue 10). Values are described by type and size, never echoed: they may be keys.
import { ByokError } from './errors.js';
import type { TargetKey } from './keys/index.js';

/** "null", "a string", "Uint8Array of length 3", "an array", … */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Uint8Array) return `Uint8Array of length ${v.length}`;
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return v === '' ? 'an empty string' : 'a string';
    case 'number':
      return Number.isFinite(v) ? 'a number' : String(v);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

export function invalid(fn: string, name: string, expected: string, got: unknown): ByokError {
  return new ByokError('INVALID_ARGUMENT', `${fn}: "${name}" expected ${expected}, got ${describeValue(got)}`);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function expectRecord(fn: string, name: string, v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw invalid(fn, name, 'an object', v);
  return v;
}

/** An options argument: an object, or undefined for none. */
export function optionsArg(fn: string, name: string, v: unknown): Record<string, unknown> {
  return v === undefined ? {} : expectRecord(fn, name, v);
}

export function expectString(fn: string, name: string, v: unknown): string {
  if (typeof v !== 'string') throw invalid(fn, name, 'a string', v);
  return v;
}

export function optionalString(fn: string, name: string, v: unknown): string | undefined {
  return v === undefined ? undefined : expectString(fn, name, v);
}

export function optionalBoolean(fn: string, name: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') throw invalid(fn, name, 'a boolean', v);
  return v;
}

export function expectStringList(fn: string, name: string, v: unknown): readonly string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(fn, name, 'an array of strings', v);
  return v as string[];
}

/**
 * Bytes as a plain Uint8Array over the same memory. A Node Buffer's slice() is a view, not a copy: the
 * readers copy with slice() and wipe what they copied, which on a Buffer zeroed the caller's bytes and the
 * copy alike (a raw AES key came out all zero). A plain view makes every slice() a copy.
 */
export function plainBytes(v: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(v) === Uint8Array.prototype ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function expectBytes(fn: string, name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw invalid(fn, name, 'a Uint8Array', v);
  return plainBytes(v);
}

/** What a key file argument takes, for messages. */
export const KEY_FILE = "the key file's bytes (Uint8Array) or its PEM or JSON text (string)";

/**
 * A key file given as bytes or as its text. `owned` is true when the bytes were made here (from a string):
 * the caller wipes them after use; bytes the caller passed are the caller's.
 */
export function keyFileArg(fn: string, name: string, v: unknown, expected = KEY_FILE): { bytes: Uint8Array; owned: boolean } {
  if (typeof v === 'string') return { bytes: new TextEncoder().encode(v), owned: true };
  if (v instanceof Uint8Array) return { bytes: plainBytes(v), owned: false };
  throw invalid(fn, name, expected, v);
}

/** Checks that `v` is a key file (bytes or text) without copying it; the reader it goes to encodes it once. */
export function expectKeyFile(fn: string, name: string, v: unknown, expected = KEY_FILE): void {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw invalid(fn, name, expected, v);
}

/** What a target argument takes, for messages. */
export const TARGET = `a TargetKey (as readTargetKey returns it), ${KEY_FILE}`;

/** A TargetKey as readTargetKey returns it (checked by shape: kind, bits and material). */
export function isTargetKey(v: unknown): v is TargetKey {
  if (!isRecord(v)) return false;
  return (v['kind'] === 'rsa' || v['kind'] === 'ec' || v['kind'] === 'oct' || v['kind'] === 'ed25519') && typeof v['bits'] === 'number'
    && v['material'] instanceof Uint8Array && isRecord(v['source']);
}

export function expectTargetKey(fn: string, name: string, v: unknown): TargetKey {
  if (!isTargetKey(v)) throw invalid(fn, name, 'a TargetKey (as readTargetKey returns it)', v);
  return v;
}
