// Raw AES keys (16, 24 or 32 octets) as binary, hex or base64 — and how we tell them apart.
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
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';

export type RawEncoding = 'binary' | 'hex' | 'base64';

const AES_LENGTHS = [16, 24, 32];

export function isPrintableText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (!((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d)) return false;
  }
  return true;
}

function sizeError(len: number, what: string): ByokError {
  return new ByokError(
    'UNSUPPORTED_TARGET_SIZE',
    `${what} is ${len} bytes (${len * 8} bits); an AES key must be 16, 24 or 32 bytes (128, 192 or 256 bits)`,
    { path: 'raw' },
  );
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

/** Decodes a raw AES key; the result is a fresh buffer the caller wipes. */
export function decodeRawKey(bytes: Uint8Array, encoding?: RawEncoding): Uint8Array {
  const enc = encoding ?? (isPrintableText(bytes) ? undefined : 'binary');
  if (enc === 'binary') {
    if (!AES_LENGTHS.includes(bytes.length)) throw sizeError(bytes.length, 'the binary key');
    return bytes.slice();
  }
  const text = new TextDecoder().decode(bytes);
  const hex = enc === 'base64' ? undefined : decodeHexText(text);
  if (hex !== undefined && AES_LENGTHS.includes(hex.length)) return hex;
  const hexLen = hex?.length;
  hex?.fill(0);
  if (enc === 'hex') {
    if (hexLen !== undefined) throw sizeError(hexLen, 'the hex key');
    throw new ByokError('MALFORMED_KEY', 'raw: the key text is not hexadecimal; give 32, 48 or 64 hex digits', { path: 'raw' });
  }
  const b64 = decodeBase64Text(text);
  if (b64 !== undefined && AES_LENGTHS.includes(b64.length)) return b64;
  const b64Len = b64?.length;
  b64?.fill(0);
  if (hexLen !== undefined) throw sizeError(hexLen, 'the hex key');
  if (b64Len !== undefined) throw sizeError(b64Len, 'the base64 key');
  throw new ByokError(
    'MALFORMED_KEY',
    'raw: the key text is neither hex (32/48/64 digits) nor base64 of 16/24/32 bytes; if the file really is a binary key whose bytes are all printable, pass rawEncoding "binary"',
    { path: 'raw' },
  );
}
