// The Marvell (Cavium) LiquidSecurity key attestation blob: a signed list of PKCS#11-style attributes of
// one or two key objects (kek-attestation.md §1 and §A.2). Big-endian throughout. Two layouts exist:
//
//   'object'   (Azure Managed HSM, firmware 2.x): 16 zero bytes; u32 record length L at 16; at 20 the
//              object header (handle, attributeCount, objectSize) with L = 12 + objectSize; attribute
//              TLVs from 32; zero bytes up to the signature.
//   'response' (Google Cloud KMS, and an older Azure example): responseCode 0, requestFlags, totalSize
//              (= blob length), bufferSize; a vendor prefix; at P = length - bufferSize - signature the
//              info header (u16 objectVersion, requestFlags, offsetFirstKey, offsetSecondKey), then one or
//              two objects, each (handle, attributeCount, objectSize) + TLVs, ending exactly where the
//              next object (or the buffer) starts.
//
// An attribute is `u32 tag, u32 length, value`. Parsing is strict, so that what the signature covers is
// what we read: every length stays inside its object, the attribute count is exact (any bytes after the
// last attribute must be zero), no tag appears twice in one object, and the signature is the last
// `signatureLength` bytes (the partition key's modulus length; 256 for every partition key seen).
// Every failure is a ByokError MALFORMED_ATTESTATION naming the offset; the parser never reads out of
// bounds (the fuzz test feeds it random and mutated blobs).
import { ByokError } from '../errors.js';

export interface MarvellAttribute {
  readonly tag: number;
  readonly value: Uint8Array;
}

export interface MarvellObject {
  readonly handle: number;
  readonly attributes: readonly MarvellAttribute[];
}

export interface MarvellBlob {
  readonly layout: 'object' | 'response';
  readonly objects: readonly MarvellObject[];
  /** The bytes the signature covers: everything before it. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

/** Attribute tags the verifier reads (PKCS#11 CKA_* numbering plus Marvell's EKCV), kek-attestation.md §A.2. */
export const ATTR = {
  CLASS: 0x0000,
  TOKEN: 0x0001,
  PRIVATE: 0x0002,
  LABEL: 0x0003,
  KEY_TYPE: 0x0100,
  ID: 0x0102,
  SENSITIVE: 0x0103,
  ENCRYPT: 0x0104,
  DECRYPT: 0x0105,
  WRAP: 0x0106,
  UNWRAP: 0x0107,
  SIGN: 0x0108,
  VERIFY: 0x010a,
  DERIVE: 0x010c,
  MODULUS: 0x0120,
  MODULUS_BITS: 0x0121,
  PUBLIC_EXPONENT: 0x0122,
  EXTRACTABLE: 0x0162,
  LOCAL: 0x0163,
  NEVER_EXTRACTABLE: 0x0164,
  ALWAYS_SENSITIVE: 0x0165,
  KCV: 0x0173,
  EKCV: 0x1003,
} as const;

const MAX_ATTRIBUTES = 1024;
const OBJECT_HEADER = 12;

function fail(at: number, problem: string): ByokError {
  return new ByokError('MALFORMED_ATTESTATION', `attestation blob at byte ${at}: ${problem}`, { path: `blob@${at}` });
}

const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** One object: header at `at`, its attributes inside [at + 12, end) exactly. */
function readObject(b: Uint8Array, at: number, end: number): MarvellObject {
  if (end - at < OBJECT_HEADER) throw fail(at, 'no room for an object header');
  const handle = u32(b, at);
  const count = u32(b, at + 4);
  const size = u32(b, at + 8);
  if (size !== end - at - OBJECT_HEADER) throw fail(at + 8, `object size ${size} does not fill its ${end - at - OBJECT_HEADER}-byte area`);
  if (count === 0 || count > MAX_ATTRIBUTES) throw fail(at + 4, `attribute count ${count} is out of range (1 to ${MAX_ATTRIBUTES})`);
  const attributes: MarvellAttribute[] = [];
  const seen = new Set<number>();
  let p = at + OBJECT_HEADER;
  for (let i = 0; i < count; i++) {
    if (end - p < 8) throw fail(p, `attribute ${i + 1} of ${count} does not fit in the object (the attribute count is wrong)`);
    const tag = u32(b, p);
    const len = u32(b, p + 4);
    if (len > end - p - 8) throw fail(p + 4, `attribute 0x${tag.toString(16)} of ${len} bytes runs past the end of the object`);
    if (seen.has(tag)) throw fail(p, `attribute 0x${tag.toString(16)} appears twice in one object`);
    seen.add(tag);
    attributes.push({ tag, value: b.subarray(p + 8, p + 8 + len) });
    p += 8 + len;
  }
  if (!allZero(b, p, end)) throw fail(p, `non-zero bytes after the ${count} attributes the object header announces (the attribute count is wrong)`);
  return { handle, attributes };
}

/** Parses an inflated blob whose signature is the last `signatureLength` bytes. */
export function parseMarvellBlob(b: Uint8Array, signatureLength = 256): MarvellBlob {
  if (!(b instanceof Uint8Array)) throw new ByokError('INVALID_ARGUMENT', '"blob" expected Uint8Array');
  const dataEnd = b.length - signatureLength;
  if (dataEnd < 32) throw fail(0, `${b.length} bytes are too few for an attestation signed with a ${signatureLength}-byte signature`);
  const signed = b.subarray(0, dataEnd);
  const signature = b.subarray(dataEnd);
  if (allZero(b, 0, 16)) {
    const recLen = u32(b, 16);
    if (recLen < OBJECT_HEADER || recLen > dataEnd - 20) throw fail(16, `record length ${recLen} does not fit before the signature`);
    const obj = readObject(b, 20, 20 + recLen);
    if (!allZero(b, 20 + recLen, dataEnd)) throw fail(20 + recLen, 'non-zero bytes between the object and the signature');
    return { layout: 'object', objects: [obj], signed, signature };
  }
  if (u32(b, 0) !== 0) throw fail(0, `response code ${u32(b, 0)} is not 0 (success)`);
  const total = u32(b, 8);
  if (total !== b.length) throw fail(8, `total size ${total} differs from the blob's ${b.length} bytes (truncated, or extra bytes)`);
  const bufferSize = u32(b, 12);
  if (bufferSize > dataEnd - 16) throw fail(12, `buffer size ${bufferSize} does not fit before the signature`);
  const p0 = dataEnd - bufferSize;
  if (bufferSize < 8 + OBJECT_HEADER) throw fail(12, `buffer size ${bufferSize} is too small for an object`);
  const first = u16(b, p0 + 4);
  const second = u16(b, p0 + 6);
  if (first !== 8) throw fail(p0 + 4, `offset of the first object is ${first}, not 8 (right after the info header)`);
  if (second !== 0 && (second < first + OBJECT_HEADER || second > bufferSize - OBJECT_HEADER)) {
    throw fail(p0 + 6, `offset of the second object ${second} lies outside the buffer`);
  }
  const objects = [readObject(b, p0 + first, p0 + (second === 0 ? bufferSize : second))];
  if (second !== 0) objects.push(readObject(b, p0 + second, p0 + bufferSize));
  return { layout: 'response', objects, signed, signature };
}

/** The value of `tag` in an object, or undefined. */
export function attribute(obj: MarvellObject, tag: number): Uint8Array | undefined {
  return obj.attributes.find((a) => a.tag === tag)?.value;
}
