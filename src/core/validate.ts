// Argument checks shared by the core's public functions: uniform one-line messages, checked before any
// work is done, never echoing the bytes themselves.
import { ByokError, type ByokErrorCode } from '../errors.js';
import type { HashName } from './types.js';

export function expectBytes(
  name: string,
  value: unknown,
  lengths?: readonly number[],
  code: ByokErrorCode = 'BAD_KEY_LENGTH',
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new ByokError('CORE_BAD_ARGUMENT', `"${name}" expected Uint8Array, got ${describeValue(value)}`);
  }
  if (lengths && !lengths.includes(value.length)) {
    throw new ByokError(code, `"${name}" expected Uint8Array of length ${lengths.join('/')}, got length=${value.length}`);
  }
}

export function expectHash(name: string, value: unknown, allowed: readonly HashName[]): HashName {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as HashName;
  throw new ByokError('UNSUPPORTED_HASH', `"${name}" expected one of ${allowed.join(', ')}, got ${describeValue(value)}`);
}

/**
 * What a value is, never what it holds: a key passed where something else was expected (hex text for a
 * byte argument, bytes for an option) must not reach an error message, a log or a terminal.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string of length ${v.length}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of length ${v.byteLength}`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
