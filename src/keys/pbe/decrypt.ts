// Shared steps of every decryption path: argument checks, password candidates, and "decrypt, then check
// that the result is the DER SEQUENCE we expect", so that a wrong password that happens to leave valid
// padding (about 1 in 256 tries) still gives WRONG_PASSWORD instead of a parse error deeper down.
import { ByokError } from '../../errors.js';
import { isDerSequence } from './asn1.js';
import { wrongPassword } from './cipher.js';
import { utf8ToBmp, type PasswordForms } from './password.js';
import type { PbeScheme } from './schemes.js';

/** Typed argument check (a caller bug, not bad input): INVALID_ARGUMENT. */
export function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    throw new ByokError('INVALID_ARGUMENT', `"${name}" expected Uint8Array, got ${got}`);
  }
}

/**
 * Password candidates for a UTF-8 password given as bytes. The bytes are copied (and the copies wiped by
 * the caller through wipeForms), never the caller's buffer. An empty password also gets the "absent"
 * form for the PKCS#12 KDF (see password.ts).
 */
export function formsFromUtf8(password: Uint8Array): PasswordForms[] {
  const utf8 = password.slice();
  const forms: PasswordForms[] = [{ utf8, bmp: utf8ToBmp(utf8) }];
  if (utf8.length === 0) forms.push({ utf8: new Uint8Array(0), bmp: new Uint8Array(0) });
  return forms;
}

/**
 * Tries each password candidate; returns the first plaintext that is a well-formed DER SEQUENCE.
 * Structure and support errors propagate at once (they do not depend on the password).
 */
export function decryptToDerSequence(
  scheme: PbeScheme,
  forms: readonly PasswordForms[],
  ciphertext: Uint8Array,
  accept: (plaintext: Uint8Array) => boolean = isDerSequence,
): Uint8Array {
  for (const form of forms) {
    let pt: Uint8Array;
    try {
      pt = scheme.decrypt(form, ciphertext);
    } catch (e) {
      if (e instanceof ByokError && e.code === 'WRONG_PASSWORD') continue;
      throw e;
    }
    if (accept(pt)) return pt;
    pt.fill(0);
  }
  throw wrongPassword();
}
