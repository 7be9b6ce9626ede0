// base64url (RFC 4648 §5) for transfer blobs, and the standard alphabet with padding (§4) for OCI and Vault. Hand-written rather than taken from a library because
// readers need to know *how* an input was encoded (padded or not, standard alphabet by mistake) to give
// a precise message, and because the browser tool has neither Buffer nor Uint8Array.toBase64 everywhere.
// Operates on public data only (ciphertexts, JSON files): table lookups on the input are fine here.

import { expectBytes, expectString } from '../arguments.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const DECODE: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** RFC 4648 §4, the standard alphabet (OCI keyMaterial, Vault ciphertext). */
const STANDARD_CODES = Uint8Array.from(ALPHABET.slice(0, 62) + '+/', (c) => c.charCodeAt(0));
const ASCII = new TextDecoder('latin1'); // identical to ASCII on 0x00-0x7f, and native

function encodeAscii(bytes: Uint8Array, codes: Uint8Array, pad: boolean): Uint8Array {
  const full = Math.floor(bytes.length / 3) * 3;
  const rest = bytes.length - full;
  const out = new Uint8Array((full / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1));
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[v >>> 18]!;
    out[o++] = codes[(v >>> 12) & 63]!;
    out[o++] = codes[(v >>> 6) & 63]!;
    out[o++] = codes[v & 63]!;
  }
  if (rest > 0) {
    const v = (bytes[full]! << 16) | (rest === 2 ? bytes[full + 1]! << 8 : 0);
    out[o++] = codes[v >>> 18]!;
    out[o++] = codes[(v >>> 12) & 63]!;
    if (rest === 2) out[o++] = codes[(v >>> 6) & 63]!;
    while (o < out.length) out[o++] = 0x3d; // '='
  }
  return out;
}

/** Unpadded base64url as ASCII bytes: what a .byok file holds, without an intermediate string. */
export function base64urlEncodeAscii(bytes: Uint8Array): Uint8Array {
  return encodeAscii(bytes, ALPHABET_CODES, false);
}

/** Unpadded base64url, as RFC 7515 and Azure's own clients write it. */
export function base64urlEncode(bytes: Uint8Array): string {
  expectBytes('base64urlEncode', 'bytes', bytes);
  return ASCII.decode(base64urlEncodeAscii(bytes));
}

/** Standard base64 with padding (RFC 4648 §4), as ASCII bytes: a batch encodes one per key. */
export function base64EncodeAscii(bytes: Uint8Array): Uint8Array {
  return encodeAscii(bytes, STANDARD_CODES, true);
}

export function base64Encode(bytes: Uint8Array): string {
  return ASCII.decode(base64EncodeAscii(bytes));
}

export type Base64urlProblem =
  | 'standard-alphabet'   // contains '+' or '/': standard base64, not base64url
  | 'bad-character'
  | 'bad-length'          // a length no base64 encoding has (4k+1), or padding in the wrong place
  | 'non-canonical';      // unused low bits of the last character are not zero

export type Base64urlResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly padded: boolean }
  | { readonly ok: false; readonly problem: Base64urlProblem };

/**
 * Decodes base64url with or without '=' padding (both are found in .byok files from listed vendors).
 * Strict otherwise: no whitespace, no standard-alphabet characters, canonical final character, so one
 * blob has exactly one accepted spelling apart from padding.
 */
export function base64urlDecode(text: string): Base64urlResult {
  expectString('base64urlDecode', 'text', text);
  let body = text;
  let padded = false;
  const firstPad = text.indexOf('=');
  if (firstPad >= 0) {
    const pad = text.length - firstPad;
    if (pad > 2 || text.length % 4 !== 0 || !/^=+$/.test(text.slice(firstPad))) return { ok: false, problem: 'bad-length' };
    body = text.slice(0, firstPad);
    padded = true;
  }
  // Characters first: "standard base64" or "whitespace" is a more useful diagnosis than "bad length".
  const values = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) return { ok: false, problem: c === 0x2b || c === 0x2f ? 'standard-alphabet' : 'bad-character' };
    values[i] = v;
  }
  const rem = body.length % 4;
  if (rem === 1) return { ok: false, problem: 'bad-length' };
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= body.length; i += 4) {
    const v = (values[i]! << 18) | (values[i + 1]! << 12) | (values[i + 2]! << 6) | values[i + 3]!;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    if ((values[i + 1]! & 15) !== 0) return { ok: false, problem: 'non-canonical' };
    out[o++] = (values[i]! << 2) | (values[i + 1]! >>> 4);
  } else if (rem === 3) {
    if ((values[i + 2]! & 3) !== 0) return { ok: false, problem: 'non-canonical' };
    const v = (values[i]! << 12) | (values[i + 1]! << 6) | values[i + 2]!;
    out[o++] = v >>> 10;
    out[o++] = (v >>> 2) & 255;
  }
  return { ok: true, bytes: out, padded };
}
