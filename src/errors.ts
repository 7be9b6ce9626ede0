// The one error type of byok-toolkit. `code` is stable (scripts may switch on it); `message` is one line
// naming the problem and the fix. Messages never contain key bytes or passwords.

/**
 * Stable error codes, grouped by area. New codes are appended; existing ones never change meaning.
 */
export type ByokErrorCode =
  // core (Wasm crypto)
  | 'CORE_NOT_INITIALIZED'
  | 'CORE_SELFTEST_FAILED'
  | 'CORE_BAD_ARGUMENT'
  | 'CORE_INTERNAL'
  | 'DECRYPT_FAILED'
  | 'INVALID_PRIVATE_KEY'
  | 'MESSAGE_TOO_LONG'
  | 'FAULT_DETECTED'
  | 'UNSUPPORTED_HASH'
  | 'UNSUPPORTED_KEY_SIZE'
  | 'BAD_KEY_LENGTH'
  | 'BAD_DATA_LENGTH'
  // password-based decryption (src/keys/pbe)
  | 'WRONG_PASSWORD'
  | 'PASSWORD_REQUIRED'
  | 'UNSUPPORTED_ENCRYPTION'
  | 'KDF_LIMIT_EXCEEDED'
  | 'INVALID_PBE_PARAMETERS'
  | 'MALFORMED_ENCRYPTED_KEY'
  | 'MALFORMED_PKCS12';

export class ByokError extends Error {
  override readonly name = 'ByokError';
  readonly code: ByokErrorCode;
  /** Where in a structure the problem was found (for parse errors), e.g. "PrivateKeyInfo.privateKey". */
  readonly path: string | undefined;

  constructor(code: ByokErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options?.path;
  }
}

/** True when `e` is a ByokError, optionally with the given code. */
export function isByokError(e: unknown, code?: ByokErrorCode): e is ByokError {
  return e instanceof ByokError && (code === undefined || e.code === code);
}
