// A small BER reader (X.690 §8) and typed accessors for the structures of PKCS#5/#8/#12, plus a strict DER
// well-formedness check. Every structural failure becomes a ByokError carrying the path where it happened
// ("PFX.authSafe.content"), so a damaged file says where it is damaged.
//
// Why BER at all: PKCS#12 files written by Windows, NSS and Java use indefinite lengths and constructed
// OCTET STRINGs (RFC 7292 allows BER). Encrypted PKCS#8 and everything we return are held to DER.
// Why our own reader (it was asn1js until 2026-12-03): the nodes are views into the input, so no copy of
// a decrypted key is made behind our back, and the browser page loses ~65 KB (asn1js and its helpers) it
// needs for the attestation verifier and the other clouds within its 320 KB budget. It reads what this
// folder needs — tags, definite and indefinite lengths, nesting — and nothing of the content.
import { ByokError, type ByokErrorCode } from '../../errors.js';

/** A decoded BER element: views into the input, never copies. */
export interface Node {
  /** 1 universal, 2 application, 3 context-specific, 4 private (asn1js's numbering, kept for the messages). */
  readonly tagClass: 1 | 2 | 3 | 4;
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** The elements inside a constructed element; empty for a primitive one. */
  readonly children: readonly Node[];
  /** The content octets of a primitive element; empty for a constructed one. */
  readonly content: Uint8Array;
  /** The whole element (tag, length, content and, for an indefinite length, the end-of-contents). */
  readonly encoded: Uint8Array;
}

/** The error code used for structure errors of the file being read. */
export type StructCode = Extract<ByokErrorCode, 'MALFORMED_ENCRYPTED_KEY' | 'MALFORMED_PKCS12'>;

const WHAT: Record<StructCode, string> = {
  MALFORMED_ENCRYPTED_KEY: 'the encrypted key is damaged or is not an encrypted PKCS#8 / PEM key',
  MALFORMED_PKCS12: 'the PKCS#12 file is damaged or is not a PKCS#12 (.p12/.pfx) file',
};

export function structError(code: StructCode, path: string, problem: string): ByokError {
  return new ByokError(code, `${path}: ${problem}; ${WHAT[code]}`, { path });
}

// Resource limits for hostile input: real PKCS#12 files nest about 10 levels and hold tens of elements.
const MAX_DEPTH = 32;
const MAX_NODES = 20_000;

class BerError extends Error {}

/** Decodes exactly one BER element covering all of `bytes`. */
export function parseBer(bytes: Uint8Array, code: StructCode, path: string): Node {
  const budget = { nodes: MAX_NODES };
  let r: { node: Node; next: number };
  try {
    r = readElement(bytes, 0, bytes.length, 0, budget);
  } catch (e) {
    if (e instanceof BerError) throw structError(code, path, 'not valid BER/DER');
    throw e;
  }
  if (r.next !== bytes.length) throw structError(code, path, `${bytes.length - r.next} trailing byte(s) after the structure`);
  return r.node;
}

const EMPTY = new Uint8Array(0);

function readElement(b: Uint8Array, pos: number, end: number, depth: number, budget: { nodes: number }): { node: Node; next: number } {
  if (depth > MAX_DEPTH || --budget.nodes < 0 || pos >= end) throw new BerError();
  const start = pos;
  const id = b[pos++]!;
  const tagClass = ((id >> 6) + 1) as 1 | 2 | 3 | 4;
  const constructed = (id & 0x20) !== 0;
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= end || i >= 4) throw new BerError();
      const t = b[pos++]!;
      tagNumber = tagNumber * 128 + (t & 0x7f);
      if ((t & 0x80) === 0) break;
    }
  }
  if (pos >= end) throw new BerError();
  const l0 = b[pos++]!;
  if (l0 === 0x80) {
    // Indefinite length (X.690 §8.1.3.6): constructed only, elements up to the end-of-contents 00 00.
    if (!constructed) throw new BerError();
    const children: Node[] = [];
    for (;;) {
      if (pos + 2 > end) throw new BerError();
      if (b[pos] === 0 && b[pos + 1] === 0) {
        pos += 2;
        break;
      }
      const r = readElement(b, pos, end, depth + 1, budget);
      children.push(r.node);
      pos = r.next;
    }
    return { node: { tagClass, tagNumber, constructed, children, content: EMPTY, encoded: b.subarray(start, pos) }, next: pos };
  }
  let len = l0;
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 4 || pos + n > end) throw new BerError();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[pos++]!;
  }
  if (len > end - pos) throw new BerError();
  const contentEnd = pos + len;
  if (tagClass === 1 && tagNumber === 0) throw new BerError(); // a stray end-of-contents
  if (!constructed) {
    return { node: { tagClass, tagNumber, constructed, children: [], content: b.subarray(pos, contentEnd), encoded: b.subarray(start, contentEnd) }, next: contentEnd };
  }
  const children: Node[] = [];
  while (pos < contentEnd) {
    const r = readElement(b, pos, contentEnd, depth + 1, budget);
    children.push(r.node);
    pos = r.next;
  }
  return { node: { tagClass, tagNumber, constructed, children, content: EMPTY, encoded: b.subarray(start, contentEnd) }, next: contentEnd };
}

const UNIVERSAL_NAMES: Record<number, string> = {
  1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER',
  12: 'UTF8String', 16: 'SEQUENCE', 17: 'SET', 19: 'PrintableString', 22: 'IA5String', 30: 'BMPString',
};

function describe(n: Node): string {
  const { tagClass, tagNumber } = n;
  if (tagClass === 1) return UNIVERSAL_NAMES[tagNumber] ?? `universal tag ${tagNumber}`;
  if (tagClass === 3) return `[${tagNumber}]`;
  return `tag class ${tagClass} number ${tagNumber}`;
}

function isUniversal(n: Node, tag: number): boolean {
  return n.tagClass === 1 && n.tagNumber === tag;
}

/** The encoded bytes of the element (tag, length and content) as they appeared in the input. */
export function encoded(n: Node): Uint8Array {
  return n.encoded;
}

/** SEQUENCE (or SET with `set`) elements, with an optional count range. */
export function seq(
  n: Node | undefined,
  code: StructCode,
  path: string,
  count?: { min: number; max: number },
  set = false,
): readonly Node[] {
  const tag = set ? 17 : 16;
  if (n === undefined) throw structError(code, path, `missing ${set ? 'SET' : 'SEQUENCE'}`);
  if (!isUniversal(n, tag) || !n.constructed) {
    throw structError(code, path, `expected ${set ? 'SET' : 'SEQUENCE'}, found ${describe(n)}`);
  }
  const items = n.children;
  if (count !== undefined && (items.length < count.min || items.length > count.max)) {
    const want = count.min === count.max ? `${count.min}` : `${count.min} to ${count.max}`;
    throw structError(code, path, `expected ${want} elements, found ${items.length}`);
  }
  return items;
}

/** OBJECT IDENTIFIER as a dotted string (X.690 §8.19, minimal base-128 sub-identifiers). */
export function oid(n: Node | undefined, code: StructCode, path: string): string {
  if (n === undefined) throw structError(code, path, 'missing OBJECT IDENTIFIER');
  if (!isUniversal(n, 6) || n.constructed) {
    throw structError(code, path, `expected OBJECT IDENTIFIER, found ${describe(n)}`);
  }
  const c = n.content;
  if (c.length === 0 || c.length > 64) throw structError(code, path, 'malformed OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (const b of c) {
    if (fresh && b === 0x80) throw structError(code, path, 'non-minimal OBJECT IDENTIFIER arc');
    if (v >= 2 ** 45) throw structError(code, path, 'OBJECT IDENTIFIER arc too large');
    v = v * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh) throw structError(code, path, 'truncated OBJECT IDENTIFIER');
  const first = arcs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/**
 * A non-negative INTEGER that fits a JS safe integer. Negative or oversized values are refused here:
 * every INTEGER we read is a version, a count or a length, where such values only come from damage.
 */
export function uint(n: Node | undefined, code: StructCode, path: string): number {
  if (n === undefined) throw structError(code, path, 'missing INTEGER');
  if (!isUniversal(n, 2) || n.constructed) {
    throw structError(code, path, `expected INTEGER, found ${describe(n)}`);
  }
  const c = n.content;
  if (c.length === 0) throw structError(code, path, 'empty INTEGER');
  if (((c[0] as number) & 0x80) !== 0) throw structError(code, path, 'negative INTEGER');
  let start = 0;
  while (start < c.length - 1 && c[start] === 0) start++;
  if (c.length - start > 6) throw structError(code, path, 'INTEGER too large');
  let v = 0;
  for (let i = start; i < c.length; i++) v = v * 256 + (c[i] as number);
  if (!Number.isSafeInteger(v)) throw structError(code, path, 'INTEGER too large');
  return v;
}

function octetsOf(n: Node, code: StructCode, path: string, depth: number): Uint8Array {
  if (!n.constructed) return n.content;
  // BER constructed string (X.690 §8.7.3): the concatenation of its primitive OCTET STRING segments.
  if (depth > 8) throw structError(code, path, 'OCTET STRING segments nested too deeply');
  const parts: Uint8Array[] = [];
  for (const c of n.children) {
    if (!isUniversal(c, 4)) throw structError(code, path, `OCTET STRING segment is ${describe(c)}`);
    parts.push(octetsOf(c, code, path, depth + 1));
  }
  return concat(parts);
}

/** OCTET STRING content (BER constructed form accepted). */
export function octets(n: Node | undefined, code: StructCode, path: string): Uint8Array {
  if (n === undefined) throw structError(code, path, 'missing OCTET STRING');
  if (!isUniversal(n, 4)) throw structError(code, path, `expected OCTET STRING, found ${describe(n)}`);
  return octetsOf(n, code, path, 0);
}

/** Content of `[tag] IMPLICIT OCTET STRING` (primitive, or constructed of OCTET STRING segments). */
export function implicitOctets(n: Node | undefined, tag: number, code: StructCode, path: string): Uint8Array {
  if (n === undefined) throw structError(code, path, `missing [${tag}]`);
  if (n.tagClass !== 3 || n.tagNumber !== tag) {
    throw structError(code, path, `expected [${tag}], found ${describe(n)}`);
  }
  return octetsOf(n, code, path, 0);
}

/** The single element inside `[tag] EXPLICIT`. */
export function explicit(n: Node | undefined, tag: number, code: StructCode, path: string): Node {
  if (n === undefined) throw structError(code, path, `missing [${tag}]`);
  if (n.tagClass !== 3 || n.tagNumber !== tag || !n.constructed) {
    throw structError(code, path, `expected [${tag}] EXPLICIT, found ${describe(n)}`);
  }
  const items = n.children;
  if (items.length !== 1) throw structError(code, path, `[${tag}] must hold exactly one element`);
  return items[0] as Node;
}

export function isNull(n: Node): boolean {
  return isUniversal(n, 5) && !n.constructed && n.content.length === 0;
}

export function isOctetString(n: Node): boolean {
  return isUniversal(n, 4);
}

export function isInteger(n: Node): boolean {
  return isUniversal(n, 2);
}

export function isSequence(n: Node): boolean {
  return isUniversal(n, 16) && n.constructed;
}

/** BMPString (UCS-2 big-endian) as a JS string; PKCS#9 friendlyName uses it. */
export function bmpString(n: Node | undefined, code: StructCode, path: string): string {
  if (n === undefined || !isUniversal(n, 30)) {
    throw structError(code, path, `expected BMPString, found ${n === undefined ? 'nothing' : describe(n)}`);
  }
  const c = octetsOf(n, code, path, 0);
  if (c.length % 2 !== 0) throw structError(code, path, 'BMPString of odd length');
  let s = '';
  for (let i = 0; i < c.length; i += 2) s += String.fromCharCode(((c[i] as number) << 8) | (c[i + 1] as number));
  return s;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
export function algorithmIdentifier(
  n: Node | undefined,
  code: StructCode,
  path: string,
): { oid: string; params: Node | undefined } {
  const items = seq(n, code, path, { min: 1, max: 2 });
  return { oid: oid(items[0], code, `${path}.algorithm`), params: items[1] };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Strict DER well-formedness (X.690 §10): definite, minimal lengths; low tag numbers in short form;
 * universal strings primitive; exactly one element covering all of `bytes`. Returns the offset of the
 * first problem, or -1 when the input is well-formed. Content of primitives is not interpreted.
 */
export function derProblemAt(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const end = walk(bytes, 0, bytes.length, 0);
  return end === bytes.length ? -1 : end < 0 ? -end - 1 : end;
}

// Returns the offset after one element, or -(offset+1) of the problem.
function walkOne(b: Uint8Array, pos: number, end: number, depth: number): number {
  const start = pos;
  if (depth > 32 || pos >= end) return -(start + 1);
  const id = b[pos++] as number;
  const constructed = (id & 0x20) !== 0;
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag number form: base-128, first byte not 0x80, value >= 31, at most 4 bytes.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= end || i >= 4) return -(start + 1);
      const t = b[pos++] as number;
      if (i === 0 && t === 0x80) return -(start + 1);
      tagNumber = tagNumber * 128 + (t & 0x7f);
      if ((t & 0x80) === 0) break;
    }
    if (tagNumber < 31) return -(start + 1);
  }
  if (pos >= end) return -(start + 1);
  const l0 = b[pos++] as number;
  let len: number;
  if (l0 < 0x80) len = l0;
  else {
    const n = l0 & 0x7f;
    if (n === 0 || n > 4 || pos + n > end || b[pos] === 0) return -(start + 1); // indefinite or non-minimal
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[pos++] as number);
    if (len < 0x80) return -(start + 1);
  }
  if (len > end - pos) return -(start + 1);
  const universal = (id & 0xc0) === 0;
  if (universal) {
    const mustConstruct = tagNumber === 16 || tagNumber === 17;
    if (constructed !== mustConstruct) return -(start + 1);
    if (tagNumber === 0) return -(start + 1); // end-of-contents only exists in BER
  }
  if (constructed) {
    const inner = walk(b, pos, pos + len, depth + 1);
    if (inner !== pos + len) return inner < 0 ? inner : -(inner + 1);
  }
  return pos + len;
}

function walk(b: Uint8Array, pos: number, end: number, depth: number): number {
  while (pos < end) {
    const next = walkOne(b, pos, end, depth);
    if (next < 0) return next;
    pos = next;
    if (depth === 0) break; // the top level holds exactly one element
  }
  return pos;
}

/** True when `bytes` is one well-formed DER SEQUENCE and nothing else. */
export function isDerSequence(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x30 && derProblemAt(bytes) === -1;
}
