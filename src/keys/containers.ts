// What a key file holds: content detection (with an explicit format override) and the list of keys in
// it — one for most files, several for a PKCS#12 file, a PEM bundle or a JWK Set. Each entry decodes
// lazily, with the password when it needs one, into a checked NormalizedKey.
//
// Detection order (decisions where formats overlap):
//   printable text -> PEM when it has a BEGIN line; JSON (JWK / JWK Set) when it starts with "{";
//                     otherwise a raw AES key in hex or base64 (raw.ts explains that rule);
//   binary         -> exactly 16/24/32 octets: a raw AES key (no DER key structure is that short);
//                     a SEQUENCE starting with INTEGER 3 then a SEQUENCE: PKCS#12 (BER allowed);
//                     else strict DER, told apart by shape (private-key.ts derShape);
//   keyType 'hmac' -> the caller says the file is a secret key: a JWK when it starts with "{", else raw
//                     (hex, base64 or binary) of any HMAC length — never DER, which a long binary secret
//                     may resemble by chance.
import { ByokError } from '../errors.js';
import { decryptLegacyPem, decryptPkcs8, readPkcs12 } from './pbe/index.js';
import { bytesToText, hasPemBlock, parsePem, withoutBom, type PemBlock } from './pem.js';
import { jwkEntries, jwkKindOf, jwkToKey, parseJsonObject } from './jwk.js';
import {
  derShape, ecFromSec1Der, pkcs8FromDer, pkcs8KindOf, rsaFromDer, type DerShape, type NormalizedKey, type SymmetricKeyType,
} from './private-key.js';
import { decodeBase64Text, decodeRawKey, isPrintableText, type RawEncoding } from './raw.js';
import type { KeyFormat } from './types.js';

export interface Passwords {
  /** UTF-8 bytes (PBES1/PBES2, DEK-Info PEM). */
  readonly utf8: Uint8Array | undefined;
  /** The string form (PKCS#12, whose KDF wants BMPString). */
  readonly text: string | undefined;
}

export interface Entry {
  readonly index: number;
  readonly friendlyName?: string;
  readonly format: KeyFormat;
  readonly encrypted: boolean;
  /** 'rsa' | 'ec' | 'ed25519' | 'oct' | 'unsupported (…)'; may need the password. */
  kind(pw: Passwords): string;
  /** Decodes and checks the key. Every buffer of the result is owned by the caller (wipe it). */
  decode(pw: Passwords): NormalizedKey;
}

export interface Opened {
  readonly format: KeyFormat;
  readonly container: string;
  readonly entries: Entry[];
  /** Wipes every decoded buffer the container still holds. */
  wipe(): void;
}

const PEM_FORMATS: Readonly<Record<string, KeyFormat>> = {
  'PRIVATE KEY': 'pkcs8',
  'ENCRYPTED PRIVATE KEY': 'pkcs8-encrypted',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
};

/** Blocks that may sit beside a private key in a PEM file and are skipped. */
const PEM_COMPANIONS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CRL', 'EC PARAMETERS', 'PUBLIC KEY', 'RSA PUBLIC KEY']);

const PUBLIC_SHAPES: Partial<Record<DerShape, string>> = {
  spki: 'a public key (SubjectPublicKeyInfo)',
  'pkcs1-public': 'an RSA public key (PKCS#1 RSAPublicKey)',
  certificate: 'an X.509 certificate',
};

const ACCEPTED =
  'PKCS#8 (PEM "PRIVATE KEY"/"ENCRYPTED PRIVATE KEY" or DER), PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PKCS#12 (.p12/.pfx), a private JWK, or a raw AES key (16/24/32 bytes, hex or base64)';

function unknownFormat(what: string): ByokError {
  return new ByokError('UNKNOWN_KEY_FORMAT', `${what}; accepted: ${ACCEPTED}`);
}

function notPrivate(what: string, path: string): ByokError {
  return new ByokError(
    'NOT_A_PRIVATE_KEY',
    `${path}: this is ${what}, not a private key; give the private key export of the key to transfer`,
    { path },
  );
}

function passwordRequired(what: string): ByokError {
  return new ByokError('PASSWORD_REQUIRED', `${what} is password-protected: give its password`);
}

function mismatch(want: KeyFormat, found: KeyFormat | string): ByokError {
  return new ByokError('FORMAT_MISMATCH', `format "${want}" was requested but the file holds ${found}; omit the format to detect it, or pass the right one`);
}

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... } — BER allowed, so by prefix. */
export function looksLikePkcs12(b: Uint8Array): boolean {
  if (b.length < 8 || b[0] !== 0x30) return false;
  let pos = 1;
  const l0 = b[pos++] as number;
  if (l0 > 0x80) pos += l0 & 0x7f;
  return b[pos] === 0x02 && b[pos + 1] === 0x01 && b[pos + 2] === 0x03 && b[pos + 3] === 0x30;
}

// ---- entries of each container ----

function derEntry(der: Uint8Array, format: KeyFormat, index: number, path: string, legacyPem?: PemBlock): Entry {
  const encrypted = format === 'pkcs8-encrypted' || legacyPem !== undefined;
  // Decrypts when needed and returns an owned plaintext DER buffer.
  const plaintext = (pw: Passwords): Uint8Array => {
    if (format === 'pkcs8-encrypted') {
      if (pw.utf8 === undefined) throw passwordRequired('this key');
      return decryptPkcs8(der, pw.utf8);
    }
    if (legacyPem !== undefined) {
      if (pw.utf8 === undefined) throw passwordRequired('this key');
      return decryptLegacyPem(legacyPem.headers['DEK-Info'] ?? '', der, pw.utf8);
    }
    return der.slice();
  };
  const decodePlain = (plain: Uint8Array): NormalizedKey => {
    if (format === 'pkcs1') return rsaFromDer(plain, 'RSAPrivateKey');
    if (format === 'sec1') return ecFromSec1Der(plain, 'ECPrivateKey');
    return pkcs8FromDer(plain);
  };
  return {
    index,
    format,
    encrypted,
    kind(pw) {
      if (format === 'pkcs1') return 'rsa';
      if (format === 'sec1') return 'ec';
      if (format === 'pkcs8') return pkcs8KindOf(der);
      const plain = plaintext(pw);
      try {
        return pkcs8KindOf(plain);
      } finally {
        plain.fill(0);
      }
    },
    decode(pw) {
      const plain = plaintext(pw);
      try {
        return copyKey(decodePlain(plain));
      } catch (e) {
        throw withPath(e, path);
      } finally {
        plain.fill(0);
      }
    },
  };
}

/** Prefixes a structure error's path with where the structure sat (PEM block, PKCS#12 bag). */
function withPath(e: unknown, prefix: string): unknown {
  if (!(e instanceof ByokError) || prefix === '' || e.path === undefined) return e;
  const path = `${prefix} > ${e.path}`;
  return new ByokError(e.code, e.message.replace(e.path, path), { path, cause: e.cause });
}

/** Detaches a key from the buffer it was parsed from (which the caller wipes right after). */
function copyKey(k: NormalizedKey): NormalizedKey {
  if (k.kind === 'rsa') {
    const r = k.rsa;
    return { kind: 'rsa', bits: k.bits, path: k.path, rsa: { n: r.n.slice(), e: r.e.slice(), d: r.d.slice(), p: r.p.slice(), q: r.q.slice(), dp: r.dp.slice(), dq: r.dq.slice(), qi: r.qi.slice() } };
  }
  return k; // EC scalars, Ed25519 seeds and oct keys are already fresh buffers
}

function openPem(text: string): Opened {
  const blocks = parsePem(text, 'MALFORMED_KEY');
  const entries: Entry[] = [];
  const others: string[] = [];
  let publicSeen: string | undefined;
  blocks.forEach((b, i) => {
    const format = PEM_FORMATS[b.label];
    const path = blocks.length === 1 ? 'PEM' : `PEM block ${i + 1}`;
    if (format === undefined) {
      if (b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY' || b.label.endsWith('CERTIFICATE')) publicSeen ??= b.label;
      if (!PEM_COMPANIONS.has(b.label)) others.push(b.label);
      b.der.fill(0);
      return;
    }
    const procType = b.headers['Proc-Type'];
    const dekInfo = b.headers['DEK-Info'];
    const legacy = procType !== undefined || dekInfo !== undefined;
    if (legacy) {
      if (format === 'pkcs8' || format === 'pkcs8-encrypted') {
        throw new ByokError('MALFORMED_KEY', `${path}: "${b.label}" blocks carry no Proc-Type/DEK-Info headers; the file is damaged`, { path });
      }
      if (procType?.replace(/\s/g, '') !== '4,ENCRYPTED' || dekInfo === undefined) {
        throw new ByokError('MALFORMED_KEY', `${path}: legacy PEM encryption needs "Proc-Type: 4,ENCRYPTED" and a "DEK-Info" header`, { path: `${path} headers` });
      }
    }
    entries.push(derEntry(b.der, format, entries.length, path, legacy ? b : undefined));
  });
  if (entries.length === 0) {
    if (others.length > 0) throw unsupportedPemLabel(others[0] as string);
    if (publicSeen !== undefined) throw notPrivate(publicSeen === 'CERTIFICATE' ? 'an X.509 certificate' : `a public key ("${publicSeen}")`, 'PEM');
    throw unknownFormat('the PEM file holds no private key block');
  }
  const first = entries[0] as Entry;
  return {
    format: first.format,
    container: 'pem',
    entries,
    wipe: () => blocks.forEach((b) => b.der.fill(0)),
  };
}

function unsupportedPemLabel(label: string): ByokError {
  const hints: Record<string, string> = {
    'OPENSSH PRIVATE KEY': 'convert it first: ssh-keygen -p -m PKCS8 -f <file> (rewrites the file as PKCS#8)',
    'DSA PRIVATE KEY': 'DSA keys cannot be imported into Azure',
    'ENCRYPTED PRIVATE KEY INFO': 'this label is not standard; the RFC 7468 label is "ENCRYPTED PRIVATE KEY"',
  };
  return new ByokError(
    'UNKNOWN_KEY_FORMAT',
    `PEM: "-----BEGIN ${label}-----" is not a key format this tool reads; ${hints[label] ?? `accepted: ${ACCEPTED}`}`,
    { path: 'PEM' },
  );
}

function openDer(bytes: Uint8Array): Opened {
  const shape = derShape(bytes);
  const pub = PUBLIC_SHAPES[shape];
  if (pub !== undefined) throw notPrivate(pub, 'DER');
  if (shape === 'unknown') {
    throw unknownFormat(`the binary file (${bytes.length} bytes) is not a key structure this tool knows, or not strict DER`);
  }
  const der = bytes.slice();
  const format = shape as KeyFormat;
  return { format, container: 'der', entries: [derEntry(der, format, 0, '')], wipe: () => der.fill(0) };
}

function openPkcs12(bytes: Uint8Array, pw: Passwords): Opened {
  const contents = readPkcs12(bytes, pw.text);
  for (const c of contents.certificates) c.fill(0);
  const entries: Entry[] = contents.keys.map((k, index) => ({
    index,
    ...(k.friendlyName === undefined ? {} : { friendlyName: k.friendlyName }),
    format: 'pkcs12' as const,
    encrypted: false,
    kind: () => pkcs8KindOf(k.pkcs8),
    decode: () => {
      try {
        return copyKey(pkcs8FromDer(k.pkcs8));
      } catch (e) {
        throw withPath(e, `PKCS#12 key ${index}`);
      }
    },
  }));
  return { format: 'pkcs12', container: 'pkcs12', entries, wipe: () => contents.keys.forEach((k) => k.pkcs8.fill(0)) };
}

function openJson(text: string, keyType: SymmetricKeyType | undefined): Opened {
  const obj = parseJsonObject(text, 'JWK');
  const entries: Entry[] = jwkEntries(obj).map(({ jwk, path }, index) => ({
    index,
    ...(typeof jwk['kid'] === 'string' ? { friendlyName: jwk['kid'] } : {}),
    format: 'jwk' as const,
    encrypted: false,
    kind: () => jwkKindOf(jwk),
    decode: () => jwkToKey(jwk, path, keyType),
  }));
  if (entries.length === 0) throw new ByokError('KEY_NOT_FOUND', 'the JWK Set holds no keys');
  return { format: 'jwk', container: 'json', entries, wipe: () => undefined };
}

function openRaw(bytes: Uint8Array, encoding: RawEncoding | undefined, keyType: SymmetricKeyType = 'aes'): Opened {
  const container = encoding ?? (isPrintableText(bytes) ? 'text' : 'binary');
  const entry: Entry = {
    index: 0,
    format: 'raw',
    encrypted: false,
    kind: () => 'oct',
    decode: () => {
      const k = decodeRawKey(bytes, encoding, keyType);
      return { kind: 'oct', bits: k.length * 8, k, keyType };
    },
  };
  return { format: 'raw', container, entries: [entry], wipe: () => undefined };
}

/** Text that is neither PEM nor JSON: a raw AES key, or base64 DER pasted without its PEM lines. */
function openText(input: Uint8Array, s: string): Opened {
  try {
    decodeRawKey(input).fill(0);
    return openRaw(input, undefined);
  } catch (e) {
    const der = decodeBase64Text(s);
    if (der !== undefined && der.length > 32 && derShape(der) !== 'unknown') {
      try {
        const opened = openDer(der);
        return { ...opened, container: 'base64' };
      } finally {
        der.fill(0);
      }
    }
    der?.fill(0);
    if (e instanceof ByokError && e.code === 'UNSUPPORTED_TARGET_SIZE') throw e;
    throw unknownFormat('the text is not PEM, JSON, hex or base64');
  }
}

/** A file the caller says holds an HMAC / generic secret key: a JWK (oct) or raw bytes, hex or base64. */
function openSecret(input: Uint8Array, opts: { rawEncoding?: RawEncoding; binaryOnly?: boolean }, want: KeyFormat | undefined): Opened {
  const text = !opts.binaryOnly && isPrintableText(input);
  if (text && bytesToText(input).trimStart().startsWith('{')) return openJson(bytesToText(input), 'hmac');
  if (want === 'jwk') throw mismatch('jwk', 'no JSON');
  if (text && hasPemBlock(bytesToText(input))) {
    throw new ByokError('FORMAT_MISMATCH', 'keyType "hmac" was given but the file is PEM (a private key or certificate); an HMAC key is raw bytes, hex, base64 or a JWK of kty "oct"');
  }
  return openRaw(input, opts.rawEncoding ?? (text ? undefined : 'binary'), 'hmac');
}

/**
 * Opens a key file. PKCS#12 needs the password at this point (its key list sits behind the MAC);
 * other containers need it only to decode an encrypted entry.
 */
export function openKeyFile(
  input: Uint8Array,
  opts: { format?: KeyFormat; rawEncoding?: RawEncoding; binaryOnly?: boolean; keyType?: SymmetricKeyType },
  pw: Passwords,
): Opened {
  const want = opts.format;
  const bomless = withoutBom(input);
  if (bomless !== input && isPrintableText(bomless)) input = bomless;
  if (want === 'raw' || (want === undefined && opts.rawEncoding !== undefined)) return openRaw(input, opts.rawEncoding, opts.keyType);
  if (opts.keyType === 'hmac' && (want === undefined || want === 'jwk')) return openSecret(input, opts, want);
  if (want === 'pkcs12') return openPkcs12(input, pw);
  const text = !opts.binaryOnly && isPrintableText(input);
  let opened: Opened;
  if (text) {
    const s = bytesToText(input);
    const trimmed = s.trimStart();
    if (hasPemBlock(s)) opened = openPem(s);
    else if (trimmed.startsWith('{')) opened = openJson(s, opts.keyType);
    else opened = openText(input, s);
  } else if (input.length === 16 || input.length === 24 || input.length === 32) {
    opened = openRaw(input, 'binary');
  } else if (looksLikePkcs12(input)) {
    if (want !== undefined) throw mismatch(want, 'a PKCS#12 file');
    return openPkcs12(input, pw);
  } else if (input.length > 0 && input[0] === 0x30) {
    opened = openDer(input);
  } else {
    throw unknownFormat(input.length === 0 ? 'the input is empty' : `the binary file (${input.length} bytes) is not a key structure this tool knows`);
  }
  if (want !== undefined && !opened.entries.some((e) => e.format === want)) {
    opened.wipe();
    throw mismatch(want, opened.entries.length === 1 ? `format "${opened.format}"` : `formats ${[...new Set(opened.entries.map((e) => e.format))].join(', ')}`);
  }
  return opened;
}
