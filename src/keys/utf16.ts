// UTF-16 text files with a byte order mark: what Windows PowerShell 5.1 writes for `az … > kek.json` or
// `"secret" > pass.txt` (its default encoding for `>` and Out-File). Key, KEK, password and manifest
// readers take them as the text they hold, transcoded to UTF-8 without an intermediate string (the text
// may be a key or a password: the result is a buffer the caller can wipe).
import { ByokError, type ByokErrorCode } from '../errors.js';

/** True when the bytes start with a UTF-16 byte order mark (FF FE little-endian, FE FF big-endian). */
export function hasUtf16Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/**
 * The UTF-8 encoding of BOM-marked UTF-16 text, or undefined when `bytes` has no UTF-16 BOM or is not
 * well-formed UTF-16 (odd length, an unpaired surrogate). The caller wipes the result.
 */
export function utf16ToUtf8(bytes: Uint8Array): Uint8Array | undefined {
  if (!hasUtf16Bom(bytes) || bytes.length % 2 !== 0) return undefined;
  const le = bytes[0] === 0xff;
  const unit = (i: number): number => (le ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!);
  const out = new Uint8Array(((bytes.length - 2) / 2) * 3); // at most 3 UTF-8 bytes per UTF-16 unit
  let o = 0;
  for (let i = 2; i < bytes.length; i += 2) {
    let c = unit(i);
    if (c >= 0xdc00 && c <= 0xdfff) return fail(out);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 2 < bytes.length ? unit(i + 2) : 0;
      if (d < 0xdc00 || d > 0xdfff) return fail(out);
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i += 2;
    }
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  const result = out.slice(0, o);
  out.fill(0);
  return result;
}

function fail(scratch: Uint8Array): undefined {
  scratch.fill(0);
  return undefined;
}

/** The one message for a BOM-marked UTF-16 file that is not text the reader takes. */
export function utf16Refusal(code: ByokErrorCode, what: string): ByokError {
  return new ByokError(
    code,
    `this ${what} is UTF-16 (it starts with a UTF-16 byte order mark, as Windows PowerShell 5.1 writes for \`>\`) but not text this tool reads: save it as UTF-8 (Out-File -Encoding utf8, or az … --file) and try again`,
  );
}
