// Finding keys in a token and describing them from their public attributes: class, type, size or curve,
// label, id, and the attributes that decide whether the token will wrap them out. Nothing here asks
// for CKA_VALUE or any other sensitive attribute (the spy test checks the call log for it).
import { ByokError } from '../errors.js';
import { parseDer, objectIdentifier, octetString, type DerNode } from '../keys/der.js';
import { ecSpki, uncompressedPoint } from '../keys/ec.js';
import { curveByOid, OTHER_CURVES, type AzureCurve } from '../keys/oids.js';
import { rsaSpki } from '../keys/rsa.js';
import { bitLengthVarTime } from '../transfer/rsa-components.js';
import {
  CKA_ALWAYS_SENSITIVE, CKA_CLASS, CKA_EC_PARAMS, CKA_EC_POINT, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL,
  CKA_MODULUS, CKA_NEVER_EXTRACTABLE, CKA_PUBLIC_EXPONENT, CKA_SENSITIVE, CKA_TOKEN, CKA_VALUE_LEN, CKA_WRAP_WITH_TRUSTED,
  CKK_AES, CKK_EC, CKK_RSA, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_SECRET_KEY, CKR_ATTRIBUTE_TYPE_INVALID, keyTypeName,
} from './constants.js';
import { asPkcs11Error, pkcs11Failure, type Pkcs11Failure } from './errors.js';
import type { Pkcs11Api } from './binding.js';
import type { Pkcs11Uri } from './uri.js';

/** An open session as the helpers of this folder see it. */
export interface Conn {
  readonly api: Pkcs11Api;
  readonly session: Buffer;
  readonly slot: Buffer;
  /**
   * COMMON attributes the token answered CKR_ATTRIBUTE_TYPE_INVALID for on a key of this session (NSS's
   * softokn keeps only the attributes a key was made with: CKA_WRAP_WITH_TRUSTED is often missing). Later
   * reads ask for the others in one call and for each of these alone, as another key may have it: two
   * calls per key instead of one per attribute, and no attribute goes unasked.
   */
  readonly lacking?: Set<number>;
}

export interface TokenKey {
  /** The object handle in the session that found it. */
  readonly handle: Buffer;
  readonly class: 'private' | 'secret';
  /** PKCS#11 key type, by name: 'RSA', 'EC', 'AES', 'generic secret', … */
  readonly keyType: string;
  /** What intake would call it; undefined for a type no destination imports (DSA, EdDSA, DES3, …). */
  readonly kind?: 'rsa' | 'ec' | 'oct';
  /** RSA modulus bits, EC field bits, secret key bits. */
  readonly bits?: number;
  /** Azure's curve name when the curve is one Azure knows, else the curve's common name or OID. */
  readonly curve?: string;
  readonly label?: string;
  readonly id: Uint8Array;
  readonly extractable: boolean;
  readonly sensitive: boolean;
  readonly neverExtractable: boolean;
  readonly alwaysSensitive: boolean;
  readonly wrapWithTrusted: boolean;
  /** SubjectPublicKeyInfo DER: RSA from the key's modulus and exponent, EC from its public key object. */
  readonly publicKey?: Uint8Array;
}

export function findObjects(c: Conn, template: { type: number; value: number | boolean | Buffer }[]): Buffer[] {
  const out: Buffer[] = [];
  try {
    c.api.C_FindObjectsInit(c.session, template);
    try {
      for (;;) {
        const batch = c.api.C_FindObjects(c.session, 1024);
        if (batch.length === 0) break;
        out.push(...batch);
      }
    } finally {
      c.api.C_FindObjectsFinal(c.session);
    }
  } catch (e) {
    throw pkcs11Failure(e, 'searching the token for keys');
  }
  return out;
}

/**
 * One attribute's value, or undefined when the object does not have it or will not show it (`refused`
 * hears the token's answer then).
 */
function attr(c: Conn, h: Buffer, type: number, refused?: (p: Pkcs11Failure) => void): Buffer | undefined {
  try {
    return c.api.C_GetAttributeValue(c.session, h, [{ type }])[0]?.value;
  } catch (e) {
    const p = asPkcs11Error(e);
    if (p === undefined) throw e;
    refused?.(p);
    return undefined;
  }
}

/** Several attributes in one call; one at a time when the token refuses the batch (an attribute it lacks). */
function attrs(c: Conn, h: Buffer, types: readonly number[]): Map<number, Buffer | undefined> {
  const out = new Map<number, Buffer | undefined>();
  try {
    const r = c.api.C_GetAttributeValue(c.session, h, types.map((type) => ({ type })));
    r.forEach((a) => out.set(a.type, a.value));
  } catch (e) {
    if (asPkcs11Error(e) === undefined) throw e;
    for (const t of types) out.set(t, attr(c, h, t));
  }
  return out;
}

export function ulong(b: Buffer | undefined): number | undefined {
  if (b === undefined) return undefined;
  if (b.length === 8) return Number(b.readBigUInt64LE(0));
  if (b.length === 4) return b.readUInt32LE(0);
  return undefined;
}

const bool = (b: Buffer | undefined): boolean => b !== undefined && b.length > 0 && b[0] !== 0;

const COMMON = [CKA_CLASS, CKA_KEY_TYPE, CKA_LABEL, CKA_ID, CKA_EXTRACTABLE, CKA_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_WRAP_WITH_TRUSTED] as const;

/**
 * What a key directory reads of each key in one C_GetAttributeValue: COMMON and the attributes of its
 * likely type, tried in this order per class (a template with an attribute the key lacks fails whole, at the
 * cost of one call), so that describing it needs no further call and no search by key type is needed.
 */
const TRIES: ReadonlyMap<number, readonly (readonly number[])[]> = new Map([
  [CKO_PRIVATE_KEY, [[...COMMON, CKA_MODULUS, CKA_PUBLIC_EXPONENT], [...COMMON, CKA_EC_PARAMS]]],
  [CKO_SECRET_KEY, [[...COMMON, CKA_VALUE_LEN]]],
]);

type Known = ReadonlyMap<number, Buffer | undefined>;

/** The attributes from `known` when it has them all, else read from the token. */
function read(c: Conn, h: Buffer, known: Known | undefined, types: readonly number[]): Known {
  return known !== undefined && types.every((t) => known.has(t)) ? known : attrs(c, h, types);
}

/** Reads what a key is from its public attributes (`known`: attributes already read, by a directory). */
export function describeKey(c: Conn, h: Buffer, known?: Known): TokenKey {
  const a = read(c, h, known, COMMON);
  const cls = ulong(a.get(CKA_CLASS));
  if (cls !== CKO_PRIVATE_KEY && cls !== CKO_SECRET_KEY) {
    throw new ByokError('PKCS11_UNSUPPORTED_KEY', 'the URI names an object that is neither a private nor a secret key: only those can be imported into a cloud HSM');
  }
  const keyTypeNum = ulong(a.get(CKA_KEY_TYPE)) ?? -1;
  const labelBytes = a.get(CKA_LABEL);
  // One object, its optional fields added as they are found (a batch describes every key it wraps;
  // building it by spreads cost several microseconds each).
  const k: { -readonly [P in keyof TokenKey]: TokenKey[P] } = {
    handle: h,
    class: cls === CKO_PRIVATE_KEY ? 'private' : 'secret',
    keyType: keyTypeName(keyTypeNum),
    id: new Uint8Array(a.get(CKA_ID) ?? []),
    extractable: bool(a.get(CKA_EXTRACTABLE)),
    sensitive: bool(a.get(CKA_SENSITIVE)),
    neverExtractable: bool(a.get(CKA_NEVER_EXTRACTABLE)),
    alwaysSensitive: bool(a.get(CKA_ALWAYS_SENSITIVE)),
    wrapWithTrusted: bool(a.get(CKA_WRAP_WITH_TRUSTED)),
  };
  if (labelBytes !== undefined && labelBytes.length > 0) k.label = labelBytes.toString('utf8');
  if (k.class === 'private' && keyTypeNum === CKK_RSA) {
    const r = read(c, h, known, [CKA_MODULUS, CKA_PUBLIC_EXPONENT]);
    const n = r.get(CKA_MODULUS);
    const e = r.get(CKA_PUBLIC_EXPONENT);
    k.kind = 'rsa';
    if (n === undefined) return k;
    const nb = new Uint8Array(n);
    k.bits = bitLengthVarTime(nb);
    if (e !== undefined) k.publicKey = rsaSpki(strip(nb), strip(new Uint8Array(e)));
  } else if (k.class === 'private' && keyTypeNum === CKK_EC) {
    const params = read(c, h, known, [CKA_EC_PARAMS]).get(CKA_EC_PARAMS);
    const oid = params === undefined ? undefined : curveOid(params);
    const curve = oid === undefined ? undefined : curveByOid(oid);
    if (curve === undefined) {
      const name = oid === undefined ? undefined : OTHER_CURVES[oid] ?? oid;
      if (name !== undefined) k.curve = name;
      return k;
    }
    const point = ecPublicPoint(c, k.id, k.label, params!);
    k.kind = 'ec';
    k.bits = curve.bits;
    k.curve = curve.name as AzureCurve;
    if (point !== undefined) k.publicKey = ecSpki(curve, uncompressedPoint(curve, point, 'CKA_EC_POINT'));
  } else if (k.class === 'secret') {
    // AES is the one secret key type a cloud imports; others are described with their size.
    if (keyTypeNum === CKK_AES) k.kind = 'oct';
    const len = ulong(read(c, h, known, [CKA_VALUE_LEN]).get(CKA_VALUE_LEN));
    if (len !== undefined) k.bits = len * 8;
  }
  return k;
}

function strip(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function curveOid(params: Buffer): string | undefined {
  try {
    return objectIdentifier(parseDer(new Uint8Array(params), 'MALFORMED_KEY', 'CKA_EC_PARAMS'), 'MALFORMED_KEY', 'CKA_EC_PARAMS');
  } catch {
    return undefined; // explicit parameters or a vendor encoding: reported as an unknown curve
  }
}

/**
 * The public point of an EC private key: PKCS#11 v2.40 keeps it on the public key object (same CKA_ID,
 * and the same label when several share an id). CKA_EC_POINT is a DER OCTET STRING (v2.40 §2.3.3);
 * some tokens give the raw point: both are accepted.
 */
function ecPublicPoint(c: Conn, id: Uint8Array, label: string | undefined, params: Buffer): Uint8Array | undefined {
  if (id.length === 0 && label === undefined) return undefined;
  const t: { type: number; value: number | Buffer }[] = [{ type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_KEY_TYPE, value: CKK_EC }, { type: CKA_EC_PARAMS, value: params }];
  let found = id.length > 0 ? findObjects(c, [...t, { type: CKA_ID, value: Buffer.from(id) }]) : [];
  if (found.length !== 1 && label !== undefined) {
    found = findObjects(c, [...t, ...(id.length > 0 ? [{ type: CKA_ID, value: Buffer.from(id) }] : []), { type: CKA_LABEL, value: Buffer.from(label, 'utf8') }]);
  }
  if (found.length !== 1) return undefined;
  const raw = attr(c, found[0]!, CKA_EC_POINT);
  if (raw === undefined) return undefined;
  const bytes = new Uint8Array(raw);
  if (bytes[0] === 0x04 && bytes.length >= 2) {
    try {
      const n: DerNode = parseDer(bytes, 'MALFORMED_KEY', 'CKA_EC_POINT');
      return octetString(n, 'MALFORMED_KEY', 'CKA_EC_POINT').slice();
    } catch {
      return bytes; // a raw uncompressed point (0x04 || X || Y) that is not also valid DER
    }
  }
  return bytes;
}

/** Label and id of every private and secret token key: read once, so that many lookups cost one scan. */
export interface KeyDirectory {
  readonly entries: readonly DirectoryEntry[];
  /** Entries by label (hex of its bytes), for lookups by object=. */
  readonly byLabel: ReadonlyMap<string, readonly DirectoryEntry[]>;
}

interface DirectoryEntry {
  readonly handle: Buffer; readonly cls: number; readonly label: Buffer; readonly id: Buffer;
  /** Its COMMON and type-specific attributes, so describing a key found here reads nothing more. */
  readonly known: ReadonlyMap<number, Buffer | undefined>;
}

/**
 * One C_GetAttributeValue with the first of `tries` the key has every attribute of (those a key of this
 * token lacked asked for alone, after it); when none fits, the COMMON attributes one at a time, learning
 * which the token lacks, and then the tries again that way.
 */
function readKeyAttributes(c: Conn, h: Buffer, tries: readonly (readonly number[])[]): Map<number, Buffer | undefined> {
  const fits = firstFitting(c, h, tries);
  if (fits !== undefined) return fits;
  const common = new Map<number, Buffer | undefined>();
  let learnt = false;
  for (const type of COMMON) {
    common.set(type, attr(c, h, type, (p) => {
      // Only "no such attribute" is the token's: any other refusal may be this key's or this moment's.
      if (p.code === CKR_ATTRIBUTE_TYPE_INVALID && c.lacking !== undefined) {
        c.lacking.add(type);
        learnt = true;
      }
    }));
  }
  return (learnt ? firstFitting(c, h, tries) : undefined) ?? common;
}

function firstFitting(c: Conn, h: Buffer, tries: readonly (readonly number[])[]): Map<number, Buffer | undefined> | undefined {
  const lacking = c.lacking;
  for (const types of tries) {
    const ask = lacking === undefined || lacking.size === 0 ? types : types.filter((t) => !lacking.has(t));
    try {
      const out = new Map<number, Buffer | undefined>();
      for (const a of c.api.C_GetAttributeValue(c.session, h, ask.map((type) => ({ type })))) out.set(a.type, a.value);
      if (ask !== types) for (const t of types) if (!out.has(t)) out.set(t, attr(c, h, t));
      return out;
    } catch (e) {
      if (asPkcs11Error(e) === undefined) throw e;
    }
  }
  return undefined;
}

/**
 * Reads the directory: one search per class and one C_GetAttributeValue per key (two for a private key
 * that is not RSA). A search visits every object of the token (SoftHSM re-reads each object's file to see
 * whether it changed, and decrypts a private object's label to compare it), so N lookups by label cost N
 * scans; one directory costs one scan per class (bench:pkcs11: ~5 ms per search among 200 keys).
 */
export function keyDirectory(c: Conn): KeyDirectory {
  const entries: DirectoryEntry[] = [];
  const byLabel = new Map<string, DirectoryEntry[]>();
  for (const [cls, tries] of TRIES) {
    for (const handle of findObjects(c, [{ type: CKA_CLASS, value: cls }, { type: CKA_TOKEN, value: true }])) {
      const known = readKeyAttributes(c, handle, tries);
      const e: DirectoryEntry = { handle, cls, label: known.get(CKA_LABEL) ?? Buffer.alloc(0), id: known.get(CKA_ID) ?? Buffer.alloc(0), known };
      entries.push(e);
      const k = e.label.toString('hex');
      const list = byLabel.get(k);
      if (list === undefined) byLabel.set(k, [e]);
      else list.push(e);
    }
  }
  return { entries, byLabel };
}

/**
 * The one private or secret key the URI names (object= label, id=, type=): searched in the token, or in
 * `dir` when given (the same match, on a directory read once). Refuses a URI that names no key, or one
 * that matches none or several.
 */
export function findKey(c: Conn, uri: Pkcs11Uri, dir?: KeyDirectory): TokenKey {
  if (uri.object === undefined && uri.id === undefined) {
    throw new ByokError('PKCS11_URI_INVALID', 'the PKCS#11 URI names no key: add object=LABEL or id=%XX… (byok pkcs11 list shows the keys of a token)');
  }
  if (uri.type !== undefined && uri.type !== 'private' && uri.type !== 'secret-key') {
    throw new ByokError('PKCS11_URI_INVALID', `type=${uri.type} names no key that can be imported: use type=private (RSA, EC) or type=secret-key (AES), or leave type out`);
  }
  const classes = uri.type === 'private' ? [CKO_PRIVATE_KEY] : uri.type === 'secret-key' ? [CKO_SECRET_KEY] : [CKO_PRIVATE_KEY, CKO_SECRET_KEY];
  const label = uri.object === undefined ? undefined : Buffer.from(uri.object, 'utf8');
  const id = uri.id === undefined ? undefined : Buffer.from(uri.id);
  const matches = (e: DirectoryEntry): boolean => classes.includes(e.cls) && (label === undefined || e.label.equals(label)) && (id === undefined || e.id.equals(id));
  const found: { handle: Buffer; cls: number; entry?: DirectoryEntry }[] = dir !== undefined
    ? (label === undefined ? dir.entries : dir.byLabel.get(label.toString('hex')) ?? []).filter(matches).map((entry) => ({ handle: entry.handle, cls: entry.cls, entry }))
    : classes.flatMap((cls) => findObjects(c, [
      { type: CKA_CLASS, value: cls }, { type: CKA_TOKEN, value: true },
      ...(label === undefined ? [] : [{ type: CKA_LABEL, value: label }]), ...(id === undefined ? [] : [{ type: CKA_ID, value: id }]),
    ]).map((handle) => ({ handle, cls })));
  if (found.length === 1) {
    const one = found[0]!;
    return describeKey(c, one.handle, one.entry?.known ?? readKeyAttributes(c, one.handle, TRIES.get(one.cls)!));
  }
  const what = [uri.object === undefined ? undefined : `object=${JSON.stringify(uri.object)}`, uri.id === undefined ? undefined : `id=${hex(uri.id)}`, uri.type === undefined ? undefined : `type=${uri.type}`]
    .filter((x) => x !== undefined).join(' ');
  if (found.length === 0) {
    throw new ByokError('PKCS11_OBJECT_NOT_FOUND', `no private or secret key with ${what} in this token (private keys are visible only after login): check the label and id with byok pkcs11 list`);
  }
  throw new ByokError('PKCS11_OBJECT_AMBIGUOUS', `${found.length} keys match ${what}: add id=… or type=private|secret-key to the URI so it names exactly one (byok pkcs11 list shows them)`);
}

/** Every private and secret key object of the token, described. */
export function listKeys(c: Conn): TokenKey[] {
  return [...TRIES].flatMap(([cls, tries]) => findObjects(c, [{ type: CKA_CLASS, value: cls }, { type: CKA_TOKEN, value: true }])
    .map((h) => describeKey(c, h, readKeyAttributes(c, h, tries))));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
