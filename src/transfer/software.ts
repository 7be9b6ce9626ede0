// The software path of a wrapping scheme: the Wasm core performs RSA-OAEP and RFC 5649 KWP, the ephemeral AES
// key and the OAEP seeds never leave its memory. A PKCS#11 source produces the same parts on a token instead.
import { getCore, type HashName, type RsaPrivateKey, type RsaPublicKey } from '../core/index.js';
import { ByokError, isByokError } from '../errors.js';
import { expectBytes, invalid, isRecord } from '../arguments.js';
import { expectCount, expectScheme, kwpLength, splitParts, type OaepHash, type WrappedParts, type WrappingScheme } from '../formats/scheme.js';

function coreHash(h: OaepHash): HashName {
  if (h === 'sha224') {
    throw new ByokError('UNSUPPORTED_HASH', 'RSA-OAEP with SHA-224 is not implemented by the crypto core (SHA-1, SHA-256, SHA-384, SHA-512): choose hash_function SHA256, Vault\'s default, or SHA384/SHA512');
  }
  return h;
}

/** Wraps `material` under the RSA public key `kek` of `kekBits` with `scheme`, in the Wasm core. */
export function softwareWrap(scheme: WrappingScheme, kek: RsaPublicKey, kekBits: number, material: Uint8Array): WrappedParts {
  expectScheme('softwareWrap', 'scheme', scheme);
  if (!isRecord(kek) || !(kek['n'] instanceof Uint8Array) || !(kek['e'] instanceof Uint8Array)) throw invalid('softwareWrap', 'kek', 'an RSA public key { n, e } (big-endian Uint8Array)', kek);
  expectCount('softwareWrap', 'kekBits', kekBits, 1);
  expectBytes('softwareWrap', 'material', material);
  const hash = coreHash(scheme.oaepHash);
  const core = getCore();
  const k = Math.ceil(kekBits / 8);
  if (scheme.mechanism === 'rsa-oaep') {
    const ciphertext = core.rsaOaepEncrypt(kek, material, { hash });
    if (ciphertext.length !== k) throw new ByokError('CORE_INTERNAL', `the core returned ${ciphertext.length} bytes where ${k} were expected: please report this`);
    return { mechanism: 'rsa-oaep', ciphertext };
  }
  const blob = core.rsaAesKeyWrap(kek, material, { hash, aesKeyBits: scheme.aesKeyBits });
  if (blob.length !== k + kwpLength(material.length)) {
    throw new ByokError('CORE_INTERNAL', `the core returned ${blob.length} bytes where ${k + kwpLength(material.length)} were expected: please report this`);
  }
  return splitParts(scheme, blob, kekBits);
}

/**
 * Opens a blob made with `scheme` with the wrapping key's private half (rehearsals with a test key). Every
 * integrity failure is the one DECRYPT_FAILED error. The caller wipes the result.
 */
export function softwareUnwrap(scheme: WrappingScheme, priv: RsaPrivateKey, blob: Uint8Array, what: string): Uint8Array {
  expectScheme('softwareUnwrap', 'scheme', scheme);
  if (typeof what !== 'string') throw invalid('softwareUnwrap', 'what', 'a string naming the file, for messages', what);
  const hash = coreHash(scheme.oaepHash);
  try {
    return scheme.mechanism === 'rsa-oaep'
      ? getCore().rsaOaepDecrypt(priv, blob, { hash })
      : getCore().rsaAesKeyUnwrap(priv, blob, { hash, aesKeyBits: scheme.aesKeyBits });
  } catch (e) {
    // One message for every cause (wrong key, wrong algorithm, altered blob): no oracle.
    if (isByokError(e, 'DECRYPT_FAILED')) {
      throw new ByokError('DECRYPT_FAILED', `${what} does not open with this wrapping private key and algorithm: wrong key, wrong algorithm, or the file was altered`, { cause: e });
    }
    throw e;
  }
}
