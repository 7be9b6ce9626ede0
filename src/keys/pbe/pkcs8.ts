// Encrypted PKCS#8: EncryptedPrivateKeyInfo (RFC 5958 §3, RFC 5208 §6) ->
// PrivateKeyInfo DER, with any scheme schemes.ts supports.
//
//   EncryptedPrivateKeyInfo ::= SEQUENCE {
//     encryptionAlgorithm  EncryptionAlgorithmIdentifier,
//     encryptedData        OCTET STRING }
import { derProblemAt, octets, parseBer, seq, structError } from './asn1.js';
import { decryptToDerSequence, formsFromUtf8, requireBytes } from './decrypt.js';
import { wipeForms } from './password.js';
import { pbeScheme } from './schemes.js';

const CODE = 'MALFORMED_ENCRYPTED_KEY';
const ROOT = 'EncryptedPrivateKeyInfo';

/**
 * Decrypts an EncryptedPrivateKeyInfo (strict DER) with a password given as UTF-8 bytes and returns the
 * PrivateKeyInfo DER (a fresh buffer the caller owns and should wipe).
 *
 * Errors: MALFORMED_ENCRYPTED_KEY (structure, with `path`), UNSUPPORTED_ENCRYPTION (scheme named),
 * INVALID_PBE_PARAMETERS (e.g. iteration count 0), KDF_LIMIT_EXCEEDED (hostile work factors),
 * WRONG_PASSWORD (wrong password or damaged ciphertext; one message for both).
 */
export function decryptPkcs8(encryptedPrivateKeyInfoDer: Uint8Array, password: Uint8Array): Uint8Array {
  requireBytes(encryptedPrivateKeyInfoDer, 'encryptedPrivateKeyInfoDer');
  requireBytes(password, 'password');
  const der = encryptedPrivateKeyInfoDer;
  const at = derProblemAt(der);
  if (at >= 0) throw structError(CODE, ROOT, `not valid DER (problem at byte ${at})`);
  const items = seq(parseBer(der, CODE, ROOT), CODE, ROOT, { min: 2, max: 2 });
  const scheme = pbeScheme(items[0], CODE, `${ROOT}.encryptionAlgorithm`);
  const ciphertext = octets(items[1], CODE, `${ROOT}.encryptedData`);
  const forms = formsFromUtf8(password);
  try {
    return decryptToDerSequence(scheme, forms, ciphertext);
  } finally {
    wipeForms(forms);
  }
}

/** The scheme name of an EncryptedPrivateKeyInfo without decrypting (for inspection and messages). */
export function describePkcs8Encryption(encryptedPrivateKeyInfoDer: Uint8Array): string {
  requireBytes(encryptedPrivateKeyInfoDer, 'encryptedPrivateKeyInfoDer');
  const items = seq(parseBer(encryptedPrivateKeyInfoDer, CODE, ROOT), CODE, ROOT, { min: 2, max: 2 });
  return pbeScheme(items[0], CODE, `${ROOT}.encryptionAlgorithm`).name;
}
