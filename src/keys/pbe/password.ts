// Password encodings, per spec:
// - PBKDF1/PBKDF2/scrypt and the DEK-Info KDF take the password's UTF-8 bytes (RFC 8018 §3 leaves the
//   encoding to the application; UTF-8 is what OpenSSL, pyca and the RFC 8018 successor text use).
// - The PKCS#12 KDF (RFC 7292 App. B.1) takes a BMPString: UTF-16 big-endian code units followed by two
//   zero bytes. An empty password is those two zero bytes; an *absent* password is the empty string.
//   OpenSSL draws the same line (PKCS12_key_gen_utf8: NULL pass -> 0 bytes, "" -> 00 00), and files made
//   without a password by some tools need one form, by other tools the other, so callers try both.
// The password is handled as bytes throughout (no JS string copies we could not wipe) where the input
// allows it; readPkcs12 receives a JS string by contract.

/** The two encodings a password-based scheme may need, for one password candidate. */
export interface PasswordForms {
  /** UTF-8 bytes (PBKDF1, PBKDF2, scrypt, EVP_BytesToKey). */
  readonly utf8: Uint8Array;
  /** BMPString with two trailing zero bytes, or empty for an absent password (PKCS#12 KDF). */
  readonly bmp: Uint8Array;
}

/**
 * UTF-8 bytes to BMPString + 00 00 (code points above U+FFFF as surrogate pairs, as OpenSSL's
 * OPENSSL_utf82uni does). Bytes that are not valid UTF-8 are taken one byte per character (Latin-1), which
 * is OpenSSL's documented fallback, so the same files open.
 */
export function utf8ToBmp(utf8: Uint8Array): Uint8Array {
  const units = decodeUtf8ToUnits(utf8);
  const out = new Uint8Array((units === null ? utf8.length : units.length) * 2 + 2);
  if (units === null) {
    for (let i = 0; i < utf8.length; i++) out[2 * i + 1] = utf8[i] as number;
  } else {
    for (let i = 0; i < units.length; i++) {
      const u = units[i] as number;
      out[2 * i] = u >>> 8;
      out[2 * i + 1] = u & 0xff;
    }
    units.fill(0);
  }
  return out;
}

/** JS string (UTF-16 code units) to BMPString + 00 00. */
export function stringToBmp(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2 + 2);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[2 * i] = u >>> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}

/**
 * OpenSSL before 1.1.0 encoded a non-ASCII PKCS#12 password byte by byte (each UTF-8 byte one BMP unit).
 * OpenSSL's own `pkcs12` command still retries with this form ("using broken algorithm"); so do we, for
 * the MAC only, so that such files open while the correct form is always tried first.
 */
export function legacyOpenSslBmp(utf8: Uint8Array): Uint8Array {
  const out = new Uint8Array(utf8.length * 2 + 2);
  for (let i = 0; i < utf8.length; i++) out[2 * i + 1] = utf8[i] as number;
  return out;
}

/** Strict UTF-8 decoding (RFC 3629: no overlongs, no surrogates, max U+10FFFF) to UTF-16 code units. */
function decodeUtf8ToUnits(b: Uint8Array): Uint16Array | null {
  const units = new Uint16Array(b.length * 2);
  let n = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let cp: number;
    let need: number;
    if (c < 0x80) {
      cp = c;
      need = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      cp = c & 0x1f;
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      cp = c & 0x0f;
      need = 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      cp = c & 0x07;
      need = 3;
    } else {
      units.fill(0);
      return null;
    }
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) {
        units.fill(0);
        return null;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : need === 3 ? 0x10000 : 0;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      units.fill(0);
      return null;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units[n++] = 0xd800 + (v >>> 10);
      units[n++] = 0xdc00 + (v & 0x3ff);
    } else {
      units[n++] = cp;
    }
    i += need + 1;
  }
  const out = units.slice(0, n);
  units.fill(0);
  return out;
}

/** Zero every buffer of a set of password forms. */
export function wipeForms(forms: readonly PasswordForms[]): void {
  for (const f of forms) {
    f.utf8.fill(0);
    f.bmp.fill(0);
  }
}
