// Raw symmetric keys as binary, hex or base64 — AES keys (16, 24 or 32 octets) by default, HMAC / generic
// secret keys (14 to 1024 octets) when the caller says so (keyType 'hmac') — and how we tell them apart.
//
// The ambiguity, and the rule we apply (documented in the README):
//   1. Input whose every byte is printable ASCII or whitespace is read as TEXT: hex first (an optional
//      "0x", whitespace anywhere, 32/48/64 digits), then base64 (standard or URL alphabet, padded or
//      not) decoding to 16/24/32 octets. Hex wins over base64 because 32 hex digits (a 16-byte key) are
//      also valid base64 (of 24 bytes): "00112233…" is far more often hex. Text that is neither is an
//      error, never silently taken as binary: a mistyped hex key must not become a different key.
//   2. Anything else is BINARY and must be exactly 16, 24 or 32 octets.
// A random binary key is all-printable with probability about (95/256)^16 ≈ 1.3e-7 for 16 bytes, so a
// binary key can be misread as text only if it is not random. `rawEncoding` overrides the rule.
//
// HMAC lengths: intake knows no cloud, so it takes any length a cloud might (AWS 28–64, Google 20–64,
// Vault 32–512 octets) within sane bounds: at least 112 bits (NIST SP 800-131A Rev. 2 §7, the smallest HMAC
// key strength still approved) and at most 1024 octets. Which cloud takes which length is formats/' job.
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';
import type { SymmetricKeyType } from './private-key.js';

export type RawEncoding = 'binary' | 'hex' | 'base64';

const AES_LENGTHS = [16, 24, 32];
export const HMAC_MIN_BYTES = 14;
export const HMAC_MAX_BYTES = 1024;

/** Whether `len` octets make a key of this type. */
export function symmetricLengthOk(len: number, keyType: SymmetricKeyType): boolean {
  return keyType === 'aes' ? AES_LENGTHS.includes(len) : len >= HMAC_MIN_BYTES && len <= HMAC_MAX_BYTES;
}

/** The refusal for a symmetric key of the wrong length, with the way out for an HMAC key read as AES. */
export function symmetricSizeError(len: number, what: string, keyType: SymmetricKeyType, path = 'raw'): ByokError {
  const rule = keyType === 'aes'
    ? 'an AES key must be 16, 24 or 32 bytes (128, 192 or 256 bits); for an HMAC or other secret key, give keyType "hmac" (--key-type hmac)'
    : `an HMAC key must be ${HMAC_MIN_BYTES} to ${HMAC_MAX_BYTES} bytes`;
  return new ByokError('UNSUPPORTED_TARGET_SIZE', `${what} is ${len} bytes (${len * 8} bits); ${rule}`, { path });
}

export function isPrintableText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (!((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d)) return false;
  }
  return true;
}

/** Hex text -> bytes (fresh), or undefined when it is not hex. */
export function decodeHexText(text: string): Uint8Array | undefined {
  let t = text.replace(/\s+/g, '');
  if (/^0x/i.test(t)) t = t.slice(2);
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Base64 / base64url text (padded or not) -> bytes (fresh), or undefined. */
export function decodeBase64Text(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length === 0) return undefined;
  for (const coder of [base64, base64nopad, base64url, base64urlnopad]) {
    try {
      return coder.decode(t);
    } catch {
      // try the next alphabet / padding variant
    }
  }
  return undefined;
}

/** Decodes a raw symmetric key of `keyType` (default AES); the result is a fresh buffer the caller wipes. */
export function decodeRawKey(bytes: Uint8Array, encoding?: RawEncoding, keyType: SymmetricKeyType = 'aes'): Uint8Array {
  const ok = (len: number): boolean => symmetricLengthOk(len, keyType);
  const sizeError = (len: number, what: string): ByokError => symmetricSizeError(len, what, keyType);
  const enc = encoding ?? (isPrintableText(bytes) ? undefined : 'binary');
  if (enc === 'binary') {
    if (!ok(bytes.length)) throw sizeError(bytes.length, 'the binary key');
    return bytes.slice();
  }
  const text = new TextDecoder().decode(bytes);
  const hex = enc === 'base64' ? undefined : decodeHexText(text);
  if (hex !== undefined && ok(hex.length)) return hex;
  const hexLen = hex?.length;
  hex?.fill(0);
  const digits = keyType === 'aes' ? '32, 48 or 64 hex digits' : `${2 * HMAC_MIN_BYTES} to ${2 * HMAC_MAX_BYTES} hex digits`;
  if (enc === 'hex') {
    if (hexLen !== undefined) throw sizeError(hexLen, 'the hex key');
    throw new ByokError('MALFORMED_KEY', `raw: the key text is not hexadecimal; give ${digits}`, { path: 'raw' });
  }
  const b64 = decodeBase64Text(text);
  if (b64 !== undefined && ok(b64.length)) return b64;
  const b64Len = b64?.length;
  b64?.fill(0);
  if (hexLen !== undefined) throw sizeError(hexLen, 'the hex key');
  if (b64Len !== undefined) throw sizeError(b64Len, 'the base64 key');
  const sizes = keyType === 'aes' ? '16/24/32 bytes' : `${HMAC_MIN_BYTES} to ${HMAC_MAX_BYTES} bytes`;
  throw new ByokError(
    'MALFORMED_KEY',
    `raw: the key text is neither hex (${digits}) nor base64 of ${sizes}; if the file really is a binary key whose bytes are all printable, pass rawEncoding "binary"`,
    { path: 'raw' },
  );
}
