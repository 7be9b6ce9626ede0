// Reading the command line's key inputs: a KEK file, a target key file (asking for its password when
// needed), a transport key. Key file bytes are wiped as soon as intake has parsed them.
import { ByokError, isByokError, type ByokErrorCode } from '../errors.js';
import { readKek, type Kek } from '../kek/index.js';
import { readTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import type { PasswordSource } from './password.js';
import { readInputFile } from './files.js';

/** The same error, its message prefixed with the file it is about (unless it names it already). */
export function aboutFile(e: unknown, what: string, path: string): unknown {
  if (!(e instanceof ByokError) || e.message.includes(JSON.stringify(path))) return e;
  return new ByokError(e.code, `${what} ${JSON.stringify(path)}: ${e.message}`, { ...(e.path === undefined ? {} : { path: e.path }), cause: e });
}

/**
 * The same error with the command-line option that fixes it named at the end: the library's messages
 * speak of its options ("by index"), a user of `byok` needs the flag.
 */
export function withOptionHint(e: unknown, hints: Partial<Record<ByokErrorCode, string>>): unknown {
  if (!(e instanceof ByokError)) return e;
  const hint = hints[e.code];
  if (hint === undefined || e.message.includes(hint)) return e;
  return new ByokError(e.code, `${e.message} (${hint})`, { ...(e.path === undefined ? {} : { path: e.path }), cause: e });
}

/** What fixes a key file error, as `byok wrap` and `byok verify` spell it. */
export const KEY_FILE_HINTS: Partial<Record<ByokErrorCode, string>> = {
  MULTIPLE_KEYS: 'choose one with --key-index N or --friendly-name NAME',
  KEY_NOT_FOUND: '--key-index counts from 0; --friendly-name takes the name as the file shows it',
  TRANSPORT_KEY_REQUIRED: 'give it with --transport-key FILE',
  TRANSPORT_UNWRAP_FAILED: 'check --transport-key, or give --transport-wrap kw or kwp',
};

export function readKekFile(path: string, kid: string | undefined): Kek {
  const bytes = readInputFile(path, 'KEK file', 1024 * 1024);
  try {
    return readKek(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), kid === undefined ? undefined : { kid });
  } catch (e) {
    throw aboutFile(e, 'KEK file', path);
  }
}

const MAX_PROMPTS = 3;

/**
 * Reads a key file with intake. A password comes from `pw` (file or BYOK_PASSWORD); when none was given
 * and the file needs one, the user is asked on the terminal (up to three tries when it is wrong).
 */
export async function readKeyFile(path: string, what: string, opts: ReadTargetKeyOptions, pw: PasswordSource): Promise<TargetKey> {
  const bytes = readInputFile(path, what);
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let password = pw.given();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return readTargetKey(input, password === undefined ? opts : { ...opts, password });
      } catch (e) {
        const needs = isByokError(e, 'PASSWORD_REQUIRED');
        const wrong = isByokError(e, 'WRONG_PASSWORD');
        if (!needs && !wrong) throw aboutFile(withOptionHint(e, KEY_FILE_HINTS), what, path);
        if (wrong && pw.origin !== 'none' && attempt === 0) {
          throw new ByokError('WRONG_PASSWORD', `wrong password for ${what} ${JSON.stringify(path)} (from ${pw.origin === 'file' ? '--password-file' : 'BYOK_PASSWORD'}): check it`);
        }
        if (!pw.canPrompt) {
          if (wrong) throw e;
          throw new ByokError('PASSWORD_REQUIRED', `${what} ${JSON.stringify(path)} is encrypted: give its password with --password-file FILE or BYOK_PASSWORD`);
        }
        if (attempt >= MAX_PROMPTS) throw e;
        password?.fill(0);
        password = await pw.prompt(`${attempt === 0 || needs ? 'Password' : 'Wrong password, try again'} for ${path}: `);
      }
    }
  } finally {
    password?.fill(0);
    bytes.fill(0);
  }
}

/** A raw AES transport key file (binary, hex or base64 of 16/24/32 bytes). The caller wipes it. */
export function readTransportKeyFile(path: string): Uint8Array {
  const bytes = readInputFile(path, 'transport key file', 64 * 1024);
  try {
    const t = readTargetKey(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { format: 'raw' });
    return t.material;
  } finally {
    bytes.fill(0);
  }
}
