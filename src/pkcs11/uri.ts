// PKCS#11 URIs, RFC 7512: parse, format, redact.
//
// Grammar (RFC 7512 §2.3):
//   pk11-URI   = "pkcs11:" pk11-path [ "?" pk11-query ]
//   pk11-path  = [ pk11-pattr *( ";" pk11-pattr ) ]        pk11-query = [ pk11-qattr *( "&" pk11-qattr ) ]
//   pk11-pchar = unreserved / pk11-p-special / pct-encoded  p-special = : [ ] @ ! $ & ' ( ) * + , =
//   pk11-qchar = unreserved / pk11-q-special / pct-encoded  q-special = : [ ] @ ! $ ' ( ) * + , = / ? |
//   vendor attribute names: 1*( ALPHA / DIGIT / "-" / "_" )
// Decisions where the RFC leaves room (each refuses rather than guesses, since a URI picks the key that
// leaves the building):
// - `pin-value` is refused outright (the PIN would sit in shell history, process lists and logs), before
//   anything else is looked at, and no message ever quotes a query value: a refused URI cannot leak it.
// - An attribute given twice is refused (§2.3 forbids it in the path; we apply it to the query too).
// - Vendor attributes are parsed and kept, and refused when the URI is used to pick a token or key
//   (pickOnly): ignoring one would widen the match beyond what the user wrote.
// - `module-path` must be absolute; `pin-source` must be a `file:` URI or an absolute path.
// - Attribute values are UTF-8 (PKCS#11 CK_UTF8CHAR) except `id`, which is bytes.
import { ByokError } from '../errors.js';
import { expectRecord, expectString, invalid as argInvalid, isRecord, optionalString } from '../arguments.js';

export type Pkcs11ObjectType = 'public' | 'private' | 'cert' | 'secret-key' | 'data';

export interface Pkcs11Uri {
  // Path attributes: token and slot selection.
  readonly token?: string;
  readonly manufacturer?: string;
  readonly serial?: string;
  readonly model?: string;
  readonly libraryManufacturer?: string;
  readonly libraryDescription?: string;
  readonly libraryVersion?: { readonly major: number; readonly minor: number };
  readonly slotDescription?: string;
  readonly slotManufacturer?: string;
  readonly slotId?: bigint;
  // Path attributes: object selection.
  readonly object?: string;
  readonly id?: Uint8Array;
  readonly type?: Pkcs11ObjectType;
  // Query attributes.
  readonly modulePath?: string;
  readonly moduleName?: string;
  readonly pinSource?: string;
  /** Vendor-specific attributes, decoded. */
  readonly vendor: readonly { readonly name: string; readonly value: string; readonly part: 'path' | 'query' }[];
}

export const PKCS11_SCHEME = 'pkcs11:';
export const MAX_PKCS11_URI_LENGTH = 4096;

const TYPES: readonly Pkcs11ObjectType[] = ['public', 'private', 'cert', 'secret-key', 'data'];

type TextKey = 'token' | 'manufacturer' | 'serial' | 'model' | 'libraryManufacturer' | 'libraryDescription' | 'slotDescription' | 'slotManufacturer' | 'object';

const PATH_TEXT: Readonly<Record<string, TextKey>> = {
  token: 'token', manufacturer: 'manufacturer', serial: 'serial', model: 'model',
  'library-manufacturer': 'libraryManufacturer', 'library-description': 'libraryDescription',
  'slot-description': 'slotDescription', 'slot-manufacturer': 'slotManufacturer', object: 'object',
};
const PATH_OTHER = ['id', 'type', 'slot-id', 'library-version'];
const QUERY_KNOWN = ['module-path', 'module-name', 'pin-source'];

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const P_SPECIAL = ":[]@!$&'()*+,=";
const Q_SPECIAL = ":[]@!$'()*+,=/?|";
const VENDOR_NAME = /^[A-Za-z0-9_-]+$/;

function invalid(why: string): ByokError {
  return new ByokError('PKCS11_URI_INVALID', `not a valid PKCS#11 URI (RFC 7512): ${why}`);
}

export const PIN_VALUE_MESSAGE =
  'the PKCS#11 URI carries the PIN itself (pin-value), which would end up in shell history, process lists and logs: ' +
  'remove it and use pin-source=file:/path/to/pin-file, the BYOK_PKCS11_PIN environment variable, or let byok ask for it without echo';

/** True when `text` is meant as a PKCS#11 URI (the scheme, case-insensitive, RFC 3986 §3.1). */
export function isPkcs11Uri(text: string): boolean {
  return typeof text === 'string' && text.slice(0, PKCS11_SCHEME.length).toLowerCase() === PKCS11_SCHEME;
}

/** Whether any attribute, in either part, is named pin-value (any case), looked at without decoding a value. */
function hasPinValue(text: string): boolean {
  // Without a "%" no name decodes to anything but itself: a plain search is enough (every lookup parses a URI).
  if (!text.includes('%') && !text.toLowerCase().includes('pin-value')) return false;
  return text.split(/[;&?]/).some(isPinValueAttr);
}

function isPinValueAttr(attr: string): boolean {
  return safeDecodeName(attr.split('=', 1)[0]!).toLowerCase().replace(/^pkcs11:/, '') === 'pin-value';
}

function safeDecodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Percent-decodes one attribute value after checking every character against the part's grammar. */
function decodeValue(raw: string, part: 'path' | 'query', name: string): Uint8Array {
  const special = part === 'path' ? P_SPECIAL : Q_SPECIAL;
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw invalid(`attribute "${name}" has a "%" not followed by two hex digits`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (UNRESERVED.test(ch) || special.includes(ch)) {
      out.push(ch.charCodeAt(0));
    } else {
      const shown = ch === ' ' ? 'a space' : /[\x21-\x7e]/.test(ch) ? `"${ch}"` : `character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw invalid(`attribute "${name}" contains ${shown}, which must be percent-encoded in the ${part} part (e.g. %${ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0') : 'XX'})`);
    }
  }
  return Uint8Array.from(out);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array, name: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw invalid(`attribute "${name}" is not UTF-8 after percent-decoding`);
  }
}

function splitAttr(attr: string, part: 'path' | 'query'): [string, string] {
  const eq = attr.indexOf('=');
  if (eq <= 0) {
    throw invalid(attr === '' ? `an empty attribute in the ${part} part (a doubled "${part === 'path' ? ';' : '&'}"?)` : `an attribute in the ${part} part without "name=value"`);
  }
  const name = attr.slice(0, eq);
  if (!VENDOR_NAME.test(name)) throw invalid(`an attribute name in the ${part} part has characters other than letters, digits, "-" and "_"`);
  return [name, attr.slice(eq + 1)];
}

/**
 * Parses a PKCS#11 URI. Throws PKCS11_PIN_VALUE_REFUSED for a URI with pin-value (whatever else is wrong
 * with it) and PKCS11_URI_INVALID, naming the attribute and the rule, for anything else.
 */
export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (typeof text !== 'string') throw invalid('expected a string');
  const q = text.indexOf('?');
  const query = q < 0 ? undefined : text.slice(q + 1);
  if (hasPinValue(text)) throw new ByokError('PKCS11_PIN_VALUE_REFUSED', PIN_VALUE_MESSAGE);
  if (text.length > MAX_PKCS11_URI_LENGTH) throw invalid(`longer than ${MAX_PKCS11_URI_LENGTH} characters`);
  if (!isPkcs11Uri(text)) throw invalid('it does not start with "pkcs11:"');
  const path = text.slice(PKCS11_SCHEME.length, q < 0 ? undefined : q);
  if (text.includes('#')) throw invalid('"#" must be percent-encoded (%23)');

  const out: {
    -readonly [K in keyof Pkcs11Uri]?: Pkcs11Uri[K];
  } & { vendor: { name: string; value: string; part: 'path' | 'query' }[] } = { vendor: [] };
  const seen = new Set<string>();
  const once = (name: string, part: 'path' | 'query'): void => {
    const key = `${part}:${name}`;
    if (seen.has(key)) throw invalid(`attribute "${name}" appears twice`);
    seen.add(key);
  };

  if (path !== '') {
    for (const attr of path.split(';')) {
      const [name, raw] = splitAttr(attr, 'path');
      once(name, 'path');
      if (QUERY_KNOWN.includes(name)) throw invalid(`"${name}" is a query attribute: put it after "?"`);
      const bytes = decodeValue(raw, 'path', name);
      const textKey = PATH_TEXT[name];
      if (textKey !== undefined) {
        out[textKey] = utf8(bytes, name);
      } else if (name === 'id') {
        out.id = bytes;
      } else if (name === 'type') {
        const t = utf8(bytes, name);
        if (!(TYPES as readonly string[]).includes(t)) throw invalid(`attribute "type" must be one of ${TYPES.join(', ')}`);
        out.type = t as Pkcs11ObjectType;
      } else if (name === 'slot-id') {
        const t = utf8(bytes, name);
        if (!/^[0-9]{1,20}$/.test(t) || BigInt(t) > 0xffffffffffffffffn) throw invalid('attribute "slot-id" must be a decimal number (a CK_SLOT_ID)');
        out.slotId = BigInt(t);
      } else if (name === 'library-version') {
        const m = /^([0-9]{1,3})(?:\.([0-9]{1,3}))?$/.exec(utf8(bytes, name));
        if (!m || Number(m[1]) > 255 || Number(m[2] ?? 0) > 255) throw invalid('attribute "library-version" must be MAJOR or MAJOR.MINOR, each 0 to 255');
        out.libraryVersion = { major: Number(m[1]), minor: Number(m[2] ?? 0) };
      } else {
        out.vendor.push({ name, value: utf8(bytes, name), part: 'path' });
      }
    }
  }

  if (query !== undefined && query !== '') {
    for (const attr of query.split('&')) {
      const [name, raw] = splitAttr(attr, 'query');
      once(name, 'query');
      if (name === 'pin-source') {
        out.pinSource = checkPinSource(utf8(decodeValue(raw, 'query', name), name));
      } else if (name === 'module-path') {
        const p = utf8(decodeValue(raw, 'query', name), name);
        if (!p.startsWith('/')) throw invalid('attribute "module-path" must be an absolute path to the module library');
        out.modulePath = p;
      } else if (name === 'module-name') {
        const n = utf8(decodeValue(raw, 'query', name), name);
        if (n === '' || n.includes('/') || n.includes('\0')) throw invalid('attribute "module-name" must be a bare module name (e.g. softhsm2), without a folder');
        out.moduleName = n;
      } else if (name in PATH_TEXT || PATH_OTHER.includes(name)) {
        throw invalid(`"${name}" is a path attribute: put it before "?", separated by ";"`);
      } else {
        out.vendor.push({ name, value: utf8(decodeValue(raw, 'query', name), name), part: 'query' });
      }
    }
  }
  return out as Pkcs11Uri;
}

function checkPinSource(v: string): string {
  const path = v.startsWith('file:') ? fileUriPath(v) : v;
  if (!path.startsWith('/')) {
    throw invalid('attribute "pin-source" must be a file: URI or an absolute path of a file holding the PIN (e.g. pin-source=file:/run/secrets/hsm-pin)');
  }
  return path;
}

/** The path of a file: URI (file:/p, file:///p, file://localhost/p), percent-decoded once more. */
function fileUriPath(v: string): string {
  let rest = v.slice('file:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    if (host !== '' && host !== 'localhost') throw invalid('attribute "pin-source" names a file on another host');
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  try {
    return decodeURIComponent(rest);
  } catch {
    throw invalid('attribute "pin-source" has a "%" not followed by two hex digits');
  }
}

/** Refuses what a URI may carry but this toolkit will not act on when picking a token or key. */
export function checkUsable(uri: Pkcs11Uri): void {
  const v = uri.vendor[0];
  if (v !== undefined) {
    throw invalid(`vendor attribute "${v.name}" is not understood here, and ignoring it could pick another token or key than you meant: remove it`);
  }
}

// ---- formatting ----

const FORMAT_SAFE_PATH = /[A-Za-z0-9\-._~:@!$'()*+,]/;
const FORMAT_SAFE_QUERY = /[A-Za-z0-9\-._~:@!$'()*+,/]/;

function encode(value: string | Uint8Array, safe: RegExp | null): string {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  let s = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    s += safe !== null && b < 0x80 && safe.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}

/** formatPkcs11Uri's argument: an object whose attributes have the types Pkcs11Uri gives them. */
function checkFormatArg(u: unknown): void {
  const fn = 'formatPkcs11Uri';
  const o = expectRecord(fn, 'u', u);
  for (const k of ['token', 'manufacturer', 'serial', 'model', 'libraryManufacturer', 'libraryDescription', 'slotDescription', 'slotManufacturer', 'object', 'modulePath', 'moduleName', 'pinSource']) {
    optionalString(fn, `u.${k}`, o[k]);
  }
  if (o['id'] !== undefined && !(o['id'] instanceof Uint8Array)) throw argInvalid(fn, 'u.id', 'a Uint8Array', o['id']);
  if (o['slotId'] !== undefined && typeof o['slotId'] !== 'bigint' && typeof o['slotId'] !== 'number') throw argInvalid(fn, 'u.slotId', 'a number or bigint', o['slotId']);
  if (o['type'] !== undefined && !['public', 'private', 'cert', 'secret-key', 'data'].includes(o['type'] as string)) throw argInvalid(fn, 'u.type', 'public, private, cert, secret-key or data', o['type']);
  const v = o['libraryVersion'];
  if (v !== undefined && !(isRecord(v) && typeof v['major'] === 'number' && typeof v['minor'] === 'number')) throw argInvalid(fn, 'u.libraryVersion', '{ major, minor }', v);
}

/** A URI for the given attributes (path attributes in a fixed order; `id` always fully percent-encoded). */
export function formatPkcs11Uri(u: Omit<Partial<Pkcs11Uri>, 'vendor'>): string {
  checkFormatArg(u);
  const path: string[] = [];
  const add = (name: string, v: string | undefined): void => {
    if (v !== undefined) path.push(`${name}=${encode(v, FORMAT_SAFE_PATH)}`);
  };
  add('token', u.token);
  add('manufacturer', u.manufacturer);
  add('serial', u.serial);
  add('model', u.model);
  add('library-manufacturer', u.libraryManufacturer);
  add('library-description', u.libraryDescription);
  if (u.libraryVersion !== undefined) path.push(`library-version=${u.libraryVersion.major}.${u.libraryVersion.minor}`);
  add('slot-description', u.slotDescription);
  add('slot-manufacturer', u.slotManufacturer);
  if (u.slotId !== undefined) path.push(`slot-id=${u.slotId}`);
  add('object', u.object);
  if (u.id !== undefined) path.push(`id=${encode(u.id, null)}`);
  if (u.type !== undefined) path.push(`type=${u.type}`);
  const query: string[] = [];
  if (u.modulePath !== undefined) query.push(`module-path=${encode(u.modulePath, FORMAT_SAFE_QUERY)}`);
  if (u.moduleName !== undefined) query.push(`module-name=${encode(u.moduleName, FORMAT_SAFE_QUERY)}`);
  if (u.pinSource !== undefined) query.push(`pin-source=${encode(u.pinSource, FORMAT_SAFE_QUERY)}`); // an absolute path: no file: URI decoding to undo
  return `${PKCS11_SCHEME}${path.join(';')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/**
 * `text` fit to print or store in a report: the value of any pin-value attribute (any case, parsed or not)
 * replaced. Text that is not a PKCS#11 URI comes back unchanged.
 */
export function redactPkcs11Uri(text: string): string {
  expectString('redactPkcs11Uri', 'text', text);
  if (!isPkcs11Uri(text)) return text;
  // Split keeping the separators, so everything but a pin-value's value comes back as it was.
  return text.split(/([;&?])/).map((part) => (isPinValueAttr(part) ? `${part.split('=', 1)[0]!}=(removed)` : part)).join('');
}
