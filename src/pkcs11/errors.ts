// Turning what pkcs11js throws (Pkcs11Error: a CKR_* name and number; NativeError; TypeError) into one-line
// ByokErrors. Messages name the return value and what was being done, never a PIN or key bytes.
import { ByokError, type ByokErrorCode } from '../errors.js';

export interface Pkcs11Failure {
  readonly code: number;
  /** "CKR_PIN_INCORRECT", or "CKR_0x…" for a value without a name. */
  readonly name: string;
}

/** The CKR_* of a pkcs11js error, or undefined for anything else. */
export function asPkcs11Error(e: unknown): Pkcs11Failure | undefined {
  if (!(e instanceof Error) || e.name !== 'Pkcs11Error') return undefined;
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code !== 'number') return undefined;
  const name = /^CKR_[A-Z0-9_]+/.exec(e.message)?.[0] ?? `CKR_0x${code.toString(16)}`;
  return { code, name };
}

/** PKCS11_ERROR (or `code`) naming the return value and what was being done. */
export function pkcs11Failure(e: unknown, doing: string, code: ByokErrorCode = 'PKCS11_ERROR'): ByokError {
  if (e instanceof ByokError) return e;
  const p = asPkcs11Error(e);
  const what = p !== undefined ? `the token answered ${p.name}` : `the PKCS#11 binding failed (${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 120)})`;
  return new ByokError(code, `${what} while ${doing}`, { cause: e });
}
