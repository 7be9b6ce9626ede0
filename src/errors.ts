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
  | 'MALFORMED_PKCS12'
  // KEK exchange (src/kek)
  | 'MALFORMED_KEK'
  | 'KEK_NOT_RSA'
  | 'KEK_UNSUPPORTED_SIZE'
  | 'KEK_BAD_EXPONENT'
  | 'KEK_WRONG_KEY_OPS'
  | 'KEK_WRONG_KTY'
  | 'KEK_KID_MISSING'
  | 'KEK_KID_INVALID'
  | 'KEK_KID_UNVERSIONED'
  | 'KEK_KID_MISMATCH'
  // key intake (src/keys)
  | 'INVALID_ARGUMENT'
  | 'MALFORMED_KEY'
  | 'UNKNOWN_KEY_FORMAT'
  | 'FORMAT_MISMATCH'
  | 'NOT_A_PRIVATE_KEY'
  | 'UNSUPPORTED_KEY_TYPE'
  | 'UNSUPPORTED_CURVE'
  | 'EXPLICIT_CURVE_PARAMETERS'
  | 'MULTI_PRIME_RSA'
  | 'INVALID_RSA_KEY'
  | 'INVALID_EC_KEY'
  | 'UNSUPPORTED_TARGET_SIZE'
  | 'MULTIPLE_KEYS'
  | 'KEY_NOT_FOUND'
  | 'TRANSPORT_KEY_REQUIRED'
  | 'INVALID_TRANSPORT_KEY'
  | 'TRANSPORT_UNWRAP_FAILED'
  // Azure .byok transfer blobs (src/formats, src/transfer)
  | 'BYOK_MALFORMED'             // not JSON, or a field missing or of the wrong type
  | 'BYOK_UNSUPPORTED'           // schema_version / alg / enc this toolkit (and Azure) does not use
  | 'BYOK_BAD_CIPHERTEXT'        // not base64url, or a length no KEK size and KWP block explain
  | 'BYOK_BAD_KID'               // kid is not a versioned Key Vault / Managed HSM key URL
  | 'BYOK_KID_MISMATCH'          // the blob or --kid names another KEK than the one given
  | 'BYOK_KEK_MISMATCH'          // the blob cannot have been made for this KEK (size or value)
  | 'BYOK_KEY_MISMATCH'          // the blob opens, but to another key than the one given
  | 'BYOK_BAD_OPS'               // key operations Azure does not allow for this key type
  // command line and files (src/cli)
  | 'USAGE'                      // unknown command or option, missing or conflicting arguments
  | 'FILE_NOT_FOUND'
  | 'FILE_EXISTS'                // refusing to overwrite without --force
  | 'FILE_READ_FAILED'
  | 'FILE_WRITE_FAILED'
  | 'INPUT_TOO_LARGE'
  | 'MANIFEST_INVALID'
  // core: RSA public key out of range (even modulus, bad public exponent)
  | 'INVALID_PUBLIC_KEY'
  // other clouds' wrapping keys and transfer blobs (AWS, Google Cloud, OCI, Vault: src/kek, src/formats)
  | 'KEK_WRONG_CLOUD'            // a wrapping-key file of another cloud than the one named
  | 'KEK_EXPIRED'                // the service says the wrapping key can no longer be used (GCP job EXPIRED)
  | 'KEK_NOT_READY'              // the wrapping key is not usable yet (GCP job PENDING_GENERATION)
  | 'UNSUPPORTED_CLOUD'          // a destination this toolkit does not know
  | 'ALGORITHM_REQUIRED'         // the wrapping algorithm cannot be told from the input and must be named
  | 'UNSUPPORTED_ALGORITHM'      // not a wrapping algorithm of that cloud, or not one for this target
  | 'ALGORITHM_MISMATCH'         // the algorithm named differs from the one the wrapping key was issued for
  | 'TARGET_TOO_LONG'            // direct RSA-OAEP cannot carry this key under this wrapping key
  | 'WRAPPED_KEY_MALFORMED'      // a cloud's wrapped-key file (or HSM-made parts) of the wrong shape
  // byok serve (src/serve): a refused REST request (its HTTP status and the service's code ride along),
  // a data folder that cannot be used, an audit log whose hash chain is broken
  | 'SERVE_REQUEST'
  | 'SERVE_DATA'
  | 'AUDIT_LOG_BROKEN'
  // key attestation (src/attest)
  | 'MALFORMED_ATTESTATION'      // not an attestation file, or its JSON, base64, PEM, certificate DER or gzip is damaged
  | 'ATTESTATION_UNSUPPORTED'    // an attestation version or format this toolkit does not verify
  | 'ATTESTATION_FAILED'         // the attestation was read but a check failed (wrap/kek --attestation refuse)
  // destination rules (src/formats)
  | 'BYOK_BAD_KEY_NAME'          // not a name the destination accepts for a key (Azure: 1-127 of [0-9A-Za-z-])
  | 'BYOK_NOT_IMPORTABLE'        // the destination the KEK belongs to does not import this key type (strict mode)
  // command line: interrupted by a signal (src/cli)
  | 'INTERRUPTED'
  // PKCS#11 tokens as the key source (src/pkcs11)
  | 'PKCS11_URI_INVALID'           // not an RFC 7512 URI, or one this toolkit will not act on
  | 'PKCS11_PIN_VALUE_REFUSED'     // the URI carries the PIN (pin-value)
  | 'PKCS11_UNAVAILABLE'           // the binding (pkcs11js) is missing or cannot load here
  | 'PKCS11_MODULE_NOT_FOUND'
  | 'PKCS11_MODULE_LOAD_FAILED'
  | 'PKCS11_TOKEN_NOT_FOUND'
  | 'PKCS11_TOKEN_AMBIGUOUS'       // the URI matches more than one token
  | 'PKCS11_OBJECT_NOT_FOUND'
  | 'PKCS11_OBJECT_AMBIGUOUS'      // the URI matches more than one key
  | 'PKCS11_PIN_REQUIRED'
  | 'PKCS11_PIN_INCORRECT'
  | 'PKCS11_PIN_LOCKED'
  | 'PKCS11_KEY_NOT_EXTRACTABLE'   // CKA_EXTRACTABLE is false: the token will not wrap it out
  | 'PKCS11_KEY_WRAP_WITH_TRUSTED' // CKA_WRAP_WITH_TRUSTED: only a CKA_TRUSTED key may wrap it
  | 'PKCS11_UNSUPPORTED_KEY'       // a key type or size no destination imports
  | 'PKCS11_MECHANISM_MISSING'     // the token lacks a mechanism (or parameter) the scheme needs
  | 'PKCS11_KAT_FAILED'            // the token's padded AES key wrap is not RFC 5649, or OAEP ignores its hash
  | 'PKCS11_ERROR';                // any other CKR_* from the token, named in the message

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
