// PEM framing (RFC 7468 textual encodings; RFC 1421 §4.4 encapsulated headers for OpenSSL's legacy
// "Proc-Type: 4,ENCRYPTED" / "DEK-Info:" blocks).
//
// Strict where it protects the user, lenient where real files differ harmlessly:
//   - the BEGIN and END labels must match exactly and be one of the labels the caller knows;
//   - the body is base64 with its padding (RFC 4648 §4), any whitespace between characters ignored;
//   - explanatory text before, between and after blocks is skipped (RFC 7468 §2; GnuTLS and pyca samples
//     print an ASN.1 dump before the block).
import { base64 } from '@scure/base';
import { derError, type DerCode } from './der.js';

export interface PemBlock {
  readonly label: string;
  /** Encapsulated headers (RFC 1421), e.g. { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,…' }. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded body; may hold key material: the caller wipes it when done. */
  readonly der: Uint8Array;
}

const BEGIN = /-----BEGIN ([^\r\n-]*)-----/g;

/** True when the text holds at least one PEM BEGIN line. */
export function hasPemBlock(text: string): boolean {
  BEGIN.lastIndex = 0;
  return BEGIN.test(text);
}

/**
 * Every PEM block in `text`, in order. Throws a structure error (path "PEM" or "PEM block N") for a
 * block without its END line, mismatched labels, malformed headers or bad base64.
 */
export function parsePem(text: string, code: DerCode): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m !== null; m = BEGIN.exec(text)) {
    const label = m[1] as string;
    const path = blocks.length === 0 ? 'PEM' : `PEM block ${blocks.length + 1}`;
    const endLine = `-----END ${label}-----`;
    const bodyStart = m.index + m[0].length;
    const endAt = text.indexOf(endLine, bodyStart);
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (endAt < 0 || (nextBegin >= 0 && nextBegin < endAt)) {
      throw derError(code, path, `"-----BEGIN ${label}-----" has no matching "${endLine}" line`);
    }
    const { headers, body } = splitHeaders(text.slice(bodyStart, endAt), code, path);
    blocks.push({ label, headers, der: decodeBase64Body(body, code, path) });
    BEGIN.lastIndex = endAt + endLine.length;
  }
  return blocks;
}

function splitHeaders(inner: string, code: DerCode, path: string): { headers: Record<string, string>; body: string } {
  const lines = inner.split(/\r?\n/);
  const headers: Record<string, string> = {};
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === '') i++;
  if (i < lines.length && /^[A-Za-z0-9-]+:/.test(lines[i] as string)) {
    for (; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') break;
      const c = line.indexOf(':');
      if (c < 0) {
        if (/^\s/.test(line) && Object.keys(headers).length > 0) continue; // RFC 1421 folded continuation
        throw derError(code, `${path} headers`, 'expected "Name: value" header lines followed by an empty line');
      }
      headers[line.slice(0, c).trim()] = line.slice(c + 1).trim();
    }
  }
  return { headers, body: lines.slice(i).join('') };
}

function decodeBase64Body(body: string, code: DerCode, path: string): Uint8Array {
  const compact = body.replace(/[ \t\r\n]/g, '');
  if (compact.length === 0) throw derError(code, path, 'empty PEM body');
  try {
    return base64.decode(compact);
  } catch {
    throw derError(code, path, 'the PEM body is not valid base64 (RFC 4648, with padding)');
  }
}

/** Bytes as text for PEM/JSON parsing (UTF-8). */
export function bytesToText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
}

/** The input without a leading UTF-8 byte-order mark (Windows editors add one to PEM and JSON files). */
export function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
