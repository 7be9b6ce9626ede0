// OpenSSL "traditional" PEM encryption (RFC 1421 §4.6.1.3 header syntax as OpenSSL uses it):
//   Proc-Type: 4,ENCRYPTED
//   DEK-Info: AES-256-CBC,<IV as hex>
// Key = EVP_BytesToKey(MD5, password, salt = first 8 bytes of the IV, 1 iteration) (OpenSSL PEM_do_header);
// the body is CBC with PKCS#7 padding. Supported: AES-128/192/256-CBC, DES-EDE3-CBC, DES-EDE-CBC, DES-CBC;
// everything else OpenSSL can write there (RC2, Camellia, SEED, ARIA, ...) is refused by name.
import { ByokError } from '../../errors.js';
import { isDerSequence, structError } from './asn1.js';
import { aesCbc, cbc64, cbcDecrypt, wrongPassword, type CbcCipher } from './cipher.js';
import { requireBytes } from './decrypt.js';
import { desDecryptor } from './des.js';
import { evpBytesToKey } from './kdf.js';

const CODE = 'MALFORMED_ENCRYPTED_KEY';
const PATH = 'DEK-Info';

const CIPHERS: Readonly<Record<string, () => CbcCipher>> = {
  'AES-128-CBC': () => aesCbc(16),
  'AES-192-CBC': () => aesCbc(24),
  'AES-256-CBC': () => aesCbc(32),
  'DES-EDE3-CBC': () => cbc64('DES-EDE3-CBC', 24, desDecryptor),
  'DES-EDE-CBC': () => cbc64('DES-EDE-CBC', 16, desDecryptor),
  'DES-CBC': () => cbc64('DES-CBC', 8, desDecryptor),
};

/**
 * Decrypts the body of a legacy encrypted PEM block. `dekInfo` is the DEK-Info header value
 * ("AES-256-CBC,0123…"; a leading "DEK-Info:" is tolerated); `body` is the base64-decoded PEM body;
 * `password` is UTF-8 bytes. Returns the inner DER (RSAPrivateKey, ECPrivateKey, …), a fresh buffer.
 */
export function decryptLegacyPem(dekInfo: string, body: Uint8Array, password: Uint8Array): Uint8Array {
  if (typeof dekInfo !== 'string') throw new ByokError('INVALID_ARGUMENT', `"dekInfo" expected string, got ${typeof dekInfo}`);
  requireBytes(body, 'body');
  requireBytes(password, 'password');
  const value = dekInfo.replace(/^\s*DEK-Info\s*:/i, '').trim();
  const m = /^([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]*)$/.exec(value);
  if (m === null) {
    throw structError(CODE, PATH, 'expected "<cipher>,<IV in hex>" (e.g. "AES-256-CBC,9F2E…")');
  }
  const name = (m[1] as string).toUpperCase();
  const make = CIPHERS[name];
  if (make === undefined) {
    throw new ByokError(
      'UNSUPPORTED_ENCRYPTION',
      `${PATH}: PEM encryption ${name} is not supported (AES-128/192/256-CBC, DES-EDE3-CBC, DES-EDE-CBC, DES-CBC are); re-encrypt the key, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc`,
      { path: PATH },
    );
  }
  const cipher = make();
  const ivHex = m[2] as string;
  if (ivHex.length !== cipher.blockLen * 2) {
    throw structError(CODE, PATH, `${name} needs a ${cipher.blockLen}-byte IV (${cipher.blockLen * 2} hex digits), found ${ivHex.length} digits`);
  }
  const iv = new Uint8Array(cipher.blockLen);
  for (let i = 0; i < iv.length; i++) iv[i] = parseInt(ivHex.slice(2 * i, 2 * i + 2), 16);
  const key = evpBytesToKey(password, iv.subarray(0, 8), cipher.keyLen);
  let pt: Uint8Array;
  try {
    pt = cbcDecrypt(cipher, key, iv, body, CODE, 'PEM body');
  } finally {
    key.fill(0);
  }
  if (!isDerSequence(pt)) {
    pt.fill(0);
    throw wrongPassword();
  }
  return pt;
}
