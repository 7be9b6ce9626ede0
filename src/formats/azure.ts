// The Azure Key Vault / Managed HSM `.byok` file ("Key Transfer Blob"), byok-formats.md §1.4–§1.5:
//   {"schema_version":"1.0.0","header":{"kid":…,"alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},
//    "ciphertext":base64url(OAEP(KEK, aes) || KWP(aes, target)),"generator":…}
// Pure: building and parsing the JSON and checking the ciphertext's shape. No crypto happens here.
import { expectBytes, expectRecord, expectString, invalid, isRecord, optionalString } from '../arguments.js';
import { ByokError } from '../errors.js';
import { base64urlDecode, base64urlEncode } from './base64url.js';
import { parseAzureKid, type AzureKeyId } from './azure-kid.js';

export const BYOK_SCHEMA_VERSION = '1.0.0';
export const BYOK_ALG = 'dir';
export const BYOK_ENC = 'CKM_RSA_AES_KEY_WRAP';

/** KEK sizes Azure creates and accepts for BYOK (§1.1). */
export const AZURE_KEK_BITS = [2048, 3072, 4096] as const;
export type AzureKekBits = (typeof AZURE_KEK_BITS)[number];

/** The JSON object of a `.byok` file, field names as Azure spells them. */
export interface AzureByokFile {
  readonly schema_version: string;
  readonly header: { readonly kid: string; readonly alg: string; readonly enc: string };
  readonly ciphertext: string;
  readonly generator?: string;
}

/** One way to read the ciphertext: which KEK size it would be for, and what the KWP part could hold. */
export interface CiphertextReading {
  readonly kekBits: AzureKekBits;
  /** RSA-OAEP part: exactly the KEK's modulus length. */
  readonly oaepLength: number;
  /** AES-KWP part (RFC 5649): 8·ceil(n/8) + 8 bytes for n bytes of key material. */
  readonly kwpLength: number;
  /** The wrapped key material is between these lengths (inclusive); KWP hides the exact length. */
  readonly materialLength: readonly [number, number];
  /** What key of an Azure-importable type that length fits, when one does (a hint, not a check). */
  readonly looksLike?: string;
}

export interface ParsedByok {
  readonly file: AzureByokFile;
  readonly kid: AzureKeyId;
  readonly ciphertext: Uint8Array;
  /** Readings consistent with the length, most plausible first. Never empty. */
  readonly readings: readonly CiphertextReading[];
  /** Things Azure may dislike or that a reviewer should know; the file is still well formed. */
  readonly warnings: readonly string[];
}

/** Largest file we read as a .byok: a 4096-bit KEK and RSA-4096 target make ~4 KB. */
export const MAX_BYOK_BYTES = 64 * 1024;

/** Builds the `.byok` object. `ciphertext` is the CKM_RSA_AES_KEY_WRAP blob for the KEK named by `kid`. */
export function buildByok(args: { kid: string; ciphertext: Uint8Array; generator: string }): AzureByokFile {
  const a = expectRecord('buildByok', 'args', args);
  expectString('buildByok', 'args.kid', a['kid']);
  expectBytes('buildByok', 'args.ciphertext', a['ciphertext']);
  expectString('buildByok', 'args.generator', a['generator']);
  parseAzureKid(args.kid);
  if (!fitsSomeKek(args.ciphertext.length)) {
    throw new ByokError('BYOK_BAD_CIPHERTEXT', ciphertextLengthMessage(args.ciphertext.length));
  }
  // Field order as in Microsoft's specification; readers must not care, but reviewers comparing files do.
  return {
    schema_version: BYOK_SCHEMA_VERSION,
    header: { kid: args.kid, alg: BYOK_ALG, enc: BYOK_ENC },
    ciphertext: base64urlEncode(args.ciphertext),
    generator: args.generator,
  };
}

/**
 * The exact bytes written to disk and sent as `key_hsm` / the SDK's `t`: compact JSON, UTF-8, no BOM,
 * no trailing newline (whitespace is irrelevant to Azure; compact keeps `key_hsm` short).
 */
export function serializeByok(file: AzureByokFile): Uint8Array {
  const f = expectRecord('serializeByok', 'file', file);
  for (const k of ['schema_version', 'ciphertext'] as const) expectString('serializeByok', `file.${k}`, f[k]);
  const header = expectRecord('serializeByok', 'file.header', f['header']);
  for (const k of ['kid', 'alg', 'enc'] as const) expectString('serializeByok', `file.header.${k}`, header[k]);
  optionalString('serializeByok', 'file.generator', f['generator']);
  // Byte for byte JSON.stringify of the fields in this order (a test holds it to that), assembled around
  // the ciphertext instead of through it: base64url needs no JSON escaping, and a batch writes thousands.
  const ct = file.ciphertext;
  if (!BASE64URL_TEXT.test(ct)) return new TextEncoder().encode(JSON.stringify(orderedByok(file)));
  const head = `{"schema_version":${JSON.stringify(file.schema_version)},"header":{"kid":${JSON.stringify(file.header.kid)},` +
    `"alg":${JSON.stringify(file.header.alg)},"enc":${JSON.stringify(file.header.enc)}},"ciphertext":"`;
  const tail = file.generator === undefined ? '"}' : `","generator":${JSON.stringify(file.generator)}}`;
  const enc = new TextEncoder();
  const h = enc.encode(head);
  const t = enc.encode(tail);
  const out = new Uint8Array(h.length + ct.length + t.length);
  out.set(h, 0);
  enc.encodeInto(ct, out.subarray(h.length, h.length + ct.length)); // ASCII: one byte per character
  out.set(t, h.length + ct.length);
  return out;
}

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;

function orderedByok(file: AzureByokFile): AzureByokFile {
  return {
    schema_version: file.schema_version,
    header: { kid: file.header.kid, alg: file.header.alg, enc: file.header.enc },
    ciphertext: file.ciphertext,
    ...(file.generator === undefined ? {} : { generator: file.generator }),
  };
}

/**
 * Parses and validates a `.byok` file: JSON schema, `schema_version`, `alg`, `enc`, a versioned KEK kid,
 * base64url ciphertext (padded or not) whose length is k + KWP for k = 256/384/512.
 */
export function parseByok(input: Uint8Array | string): ParsedByok {
  const warnings: string[] = [];
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.length > MAX_BYOK_BYTES) {
      throw new ByokError('BYOK_MALFORMED', `input is ${input.length} bytes, too large for a .byok file (at most ${MAX_BYOK_BYTES}): check that this is the right file`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new ByokError('BYOK_MALFORMED', 'input is not UTF-8 text: a .byok file is a JSON document');
    }
  }
  if (text.length > MAX_BYOK_BYTES) {
    throw new ByokError('BYOK_MALFORMED', `input is too large for a .byok file (at most ${MAX_BYOK_BYTES} bytes): check that this is the right file`);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    warnings.push('the file starts with a UTF-8 byte order mark; Azure may reject it: save it without a BOM');
    text = text.slice(1);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ByokError('BYOK_MALFORMED', 'input is not valid JSON: a .byok file is a JSON object {schema_version, header, ciphertext, generator}');
  }
  if (!isRecord(json)) throw malformed('the top level is not a JSON object');
  const schemaVersion = field(json, 'schema_version', 'string');
  const header = json['header'];
  if (!isRecord(header)) throw malformed('"header" is missing or not an object');
  const kid = field(header, 'kid', 'string', 'header.');
  const alg = field(header, 'alg', 'string', 'header.');
  const enc = field(header, 'enc', 'string', 'header.');
  const ciphertextText = field(json, 'ciphertext', 'string');
  const generator = json['generator'];
  if (generator !== undefined && typeof generator !== 'string') throw malformed('"generator" is not a string');
  if (generator === undefined) warnings.push('no "generator" field (informational only; Microsoft asks for the tool name and version)');

  if (schemaVersion !== BYOK_SCHEMA_VERSION) {
    throw new ByokError('BYOK_UNSUPPORTED', `schema_version is ${JSON.stringify(schemaVersion.slice(0, 40))}, expected "${BYOK_SCHEMA_VERSION}": this is not an Azure BYOK import file this tool knows`);
  }
  if (alg !== BYOK_ALG) {
    throw new ByokError('BYOK_UNSUPPORTED', `header.alg is ${JSON.stringify(alg.slice(0, 40))}, expected "${BYOK_ALG}": Azure BYOK files are always direct mode`);
  }
  if (enc !== BYOK_ENC) {
    const hint = enc === 'CKM_RSA_AES_KEY_WRAP_PAD' ? ' (a typo in Microsoft\'s documentation; no such mechanism exists)' : '';
    throw new ByokError('BYOK_UNSUPPORTED', `header.enc is ${JSON.stringify(enc.slice(0, 40))}${hint}, expected "${BYOK_ENC}"`);
  }
  const kidParts = parseAzureKid(kid);

  for (const k of Object.keys(json)) {
    if (!['schema_version', 'header', 'ciphertext', 'generator'].includes(k)) warnings.push(`unknown top-level field "${k.slice(0, 40)}" (ignored)`);
  }
  for (const k of Object.keys(header)) {
    if (!['kid', 'alg', 'enc'].includes(k)) warnings.push(`unknown header field "${k.slice(0, 40)}" (ignored)`);
  }

  const decoded = base64urlDecode(ciphertextText);
  if (!decoded.ok) {
    const why = {
      'standard-alphabet': 'uses the standard base64 alphabet (\'+\' or \'/\'); .byok needs base64url (\'-\' and \'_\')',
      'bad-character': 'contains a character that is not base64url (whitespace or line breaks are not allowed either)',
      'bad-length': 'has a length or padding no base64url text has (truncated?)',
      'non-canonical': 'ends in a character with nonzero unused bits (corrupted?)',
    }[decoded.problem];
    throw new ByokError('BYOK_BAD_CIPHERTEXT', `ciphertext ${why}`);
  }
  if (decoded.padded) warnings.push('ciphertext is base64url with "=" padding; Azure\'s own tools write it unpadded (padded is accepted by listed vendors\' tools)');
  const ciphertext = decoded.bytes;
  const readings = readCiphertext(ciphertext.length);
  if (readings.length === 0) throw new ByokError('BYOK_BAD_CIPHERTEXT', ciphertextLengthMessage(ciphertext.length));

  const file: AzureByokFile = {
    schema_version: schemaVersion,
    header: { kid, alg, enc },
    ciphertext: ciphertextText,
    ...(generator === undefined ? {} : { generator: generator as string }),
  };
  return { file, kid: kidParts, ciphertext, readings, warnings };
}

/**
 * Every (KEK size, KWP length) split of a ciphertext of `length` bytes that the format allows: the OAEP
 * part is exactly k = 256/384/512 bytes, the KWP part at least 16 bytes and a multiple of 8.
 * Readings whose material fits a known key type come first.
 */
/** Whether some Azure KEK size leaves a well-formed KWP block: readCiphertext without the readings. */
function fitsSomeKek(length: number): boolean {
  return AZURE_KEK_BITS.some((bits) => isKwpLength(length - bits / 8));
}

/** An RFC 5649 output length: at least two 8-byte blocks. */
function isKwpLength(kwpLength: number): boolean {
  return kwpLength >= 16 && kwpLength % 8 === 0;
}

export function readCiphertext(length: number): CiphertextReading[] {
  if (!Number.isSafeInteger(length) || length < 0) throw invalid('readCiphertext', 'length', 'a non-negative integer', length);
  const out: CiphertextReading[] = [];
  for (const kekBits of AZURE_KEK_BITS) {
    const oaepLength = kekBits / 8;
    const kwpLength = length - oaepLength;
    if (!isKwpLength(kwpLength)) continue;
    // KWP output is 8 + 8·ceil(n/8): n lies in (kwp-16, kwp-8].
    const materialLength: [number, number] = [Math.max(1, kwpLength - 15), kwpLength - 8];
    const looksLike = guessMaterial(materialLength);
    out.push({ kekBits, oaepLength, kwpLength, materialLength, ...(looksLike === undefined ? {} : { looksLike }) });
  }
  return out.sort((a, b) => Number(b.looksLike !== undefined) - Number(a.looksLike !== undefined));
}

/** The reading for a known KEK size, or BYOK_KEK_MISMATCH when the blob cannot be for a KEK that size. */
export function readingForKek(parsed: ParsedByok, kekBits: number): CiphertextReading {
  const r = parsed.readings.find((x) => x.kekBits === kekBits);
  if (!r) {
    const sizes = parsed.readings.map((x) => x.kekBits).join(' or ');
    throw new ByokError('BYOK_KEK_MISMATCH', `this .byok was made for a ${sizes}-bit KEK, not for this ${kekBits}-bit one: check that you have the KEK named by its kid`);
  }
  return r;
}

/** Splits the ciphertext into its RSA-OAEP part and its AES-KWP part for a KEK of `kekBits`. */
export function splitCiphertext(parsed: ParsedByok, kekBits: number): { oaep: Uint8Array; kwp: Uint8Array } {
  const r = readingForKek(parsed, kekBits);
  return { oaep: parsed.ciphertext.subarray(0, r.oaepLength), kwp: parsed.ciphertext.subarray(r.oaepLength) };
}

// Sizes of what Azure imports (§1.2, §1.6): raw AES keys, and PKCS#8 DER of EC and RSA keys as OpenSSL and
// this toolkit write them (EC with the public key; without it they are ~70 bytes shorter). Ranges are
// generous: a hint printed by `inspect`, which also refuses a --kek whose reading fits none of them when
// another reading does (a KEK of the wrong size); the library never accepts or rejects a file by them.
const MATERIAL_SIZES: readonly { label: string; min: number; max: number }[] = [
  { label: 'AES-128 key', min: 16, max: 16 },
  { label: 'AES-192 key', min: 24, max: 24 },
  { label: 'AES-256 key', min: 32, max: 32 },
  { label: 'EC private key (PKCS#8)', min: 60, max: 260 },
  { label: 'RSA-2048 private key (PKCS#8)', min: 1180, max: 1240 },
  { label: 'RSA-3072 private key (PKCS#8)', min: 1760, max: 1830 },
  { label: 'RSA-4096 private key (PKCS#8)', min: 2340, max: 2420 },
];

function guessMaterial([lo, hi]: readonly [number, number]): string | undefined {
  const hits = MATERIAL_SIZES.filter((s) => s.max >= lo && s.min <= hi).map((s) => s.label);
  return hits.length === 0 ? undefined : hits.join(' or ');
}

function ciphertextLengthMessage(length: number): string {
  return `ciphertext is ${length} bytes: a .byok ciphertext is 256, 384 or 512 bytes of RSA-OAEP (the KEK size) followed by an AES key-wrap block of at least 16 bytes in multiples of 8; the file is truncated or was not made with CKM_RSA_AES_KEY_WRAP`;
}

function malformed(why: string): ByokError {
  return new ByokError('BYOK_MALFORMED', `not a .byok file: ${why}`);
}

function field(obj: Record<string, unknown>, name: string, type: 'string', prefix = ''): string {
  const v = obj[name];
  if (v === undefined) throw malformed(`"${prefix}${name}" is missing`);
  if (typeof v !== type) throw malformed(`"${prefix}${name}" is not a ${type}`);
  return v as string;
}
