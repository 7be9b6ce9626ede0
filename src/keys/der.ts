// Strict DER (X.690 §10) reading and writing for the key structures of key intake: PKCS#8, PKCS#1, SEC1,
// SubjectPublicKeyInfo, X.509 (outer layers only).
//
// Why our own walker instead of asn1js here: asn1js decodes BER and accepts non-minimal lengths, trailing
// bytes and redundant INTEGER octets. Keys are held to DER — one encoding per key — so the canonical bytes
// we emit and the fingerprints we show cannot differ from what the user's tooling computes for the same
// key. The reader is small, allocation-free (every node is a view into the input) and every failure names
// where in the structure it happened (`path`).
//
// Limits: low tag numbers only (no key structure uses the high-tag form), lengths up to 2^24, depth 16.
import { ByokError, type ByokErrorCode } from '../errors.js';

/** The error code a reader reports structure errors under. */
export type DerCode = Extract<ByokErrorCode, 'MALFORMED_KEY' | 'MALFORMED_KEK' | 'MALFORMED_ATTESTATION'>;

export interface DerNode {
  /** Identifier octet (class, constructed bit, tag number). */
  readonly tag: number;
  /** Content octets (a view into the input). */
  readonly content: Uint8Array;
  /** Tag, length and content (a view into the input). */
  readonly encoded: Uint8Array;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  ctx: (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n,
} as const;

const MAX_DEPTH = 16;

const WHAT: Record<DerCode, string> = {
  MALFORMED_KEY: 'the key file is damaged or is not in the format it appears to be',
  MALFORMED_KEK: 'the key-exchange key is damaged or is not in the format it appears to be',
  MALFORMED_ATTESTATION: 'the attestation file is damaged or is not what the cloud returned: download it again',
};

export function derError(code: DerCode, path: string, problem: string): ByokError {
  return new ByokError(code, `${path}: ${problem}; ${WHAT[code]}`, { path });
}

function tagName(tag: number): string {
  const names: Record<number, string> = {
    0x01: 'BOOLEAN', 0x02: 'INTEGER', 0x03: 'BIT STRING', 0x04: 'OCTET STRING', 0x05: 'NULL', 0x06: 'OBJECT IDENTIFIER',
    0x0c: 'UTF8String', 0x13: 'PrintableString', 0x17: 'UTCTime', 0x18: 'GeneralizedTime', 0x30: 'SEQUENCE', 0x31: 'SET',
  };
  const known = names[tag];
  if (known !== undefined) return known;
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]${(tag & 0x20) !== 0 ? ' (constructed)' : ''}`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/** Reads one TLV at `pos` inside `buf[.. end)`; returns the node and the offset after it. */
function readTlv(buf: Uint8Array, pos: number, end: number, code: DerCode, path: string): { node: DerNode; next: number } {
  const start = pos;
  if (pos >= end) throw derError(code, path, 'missing element (structure ends early)');
  const tag = buf[pos++] as number;
  if ((tag & 0x1f) === 0x1f) throw derError(code, path, 'high tag numbers are not used by key structures');
  if (tag === 0x00) throw derError(code, path, 'end-of-contents octets (BER indefinite length) are not DER');
  if (pos >= end) throw derError(code, path, 'truncated length');
  const l0 = buf[pos++] as number;
  let len = l0;
  if (l0 >= 0x80) {
    const n = l0 & 0x7f;
    if (n === 0) throw derError(code, path, 'indefinite length (BER) is not DER');
    if (n > 3) throw derError(code, path, 'length too large');
    if (pos + n > end) throw derError(code, path, 'truncated length');
    if (buf[pos] === 0) throw derError(code, path, 'non-minimal length encoding (not DER)');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos++] as number);
    if (len < 0x80) throw derError(code, path, 'non-minimal length encoding (not DER)');
  }
  if (len > end - pos) throw derError(code, path, `${tagName(tag)} length ${len} runs past the end of its container`);
  const universal = (tag & 0xc0) === 0;
  if (universal && (tag & 0x1f) !== 0x10 && (tag & 0x1f) !== 0x11 && (tag & 0x20) !== 0) {
    throw derError(code, path, `constructed ${tagName(tag & ~0x20)} is BER, not DER`);
  }
  const node: DerNode = { tag, content: buf.subarray(pos, pos + len), encoded: buf.subarray(start, pos + len) };
  return { node, next: pos + len };
}

/** Checks the whole tree below a constructed node (DER everywhere, nothing left over). */
function checkTree(node: DerNode, code: DerCode, path: string, depth: number): void {
  if ((node.tag & 0x20) === 0) return;
  if (depth > MAX_DEPTH) throw derError(code, path, 'structure nested too deeply');
  const c = node.content;
  let pos = 0;
  while (pos < c.length) {
    const { node: child, next } = readTlv(c, pos, c.length, code, path);
    checkTree(child, code, path, depth + 1);
    pos = next;
  }
}

/**
 * Parses exactly one DER element covering all of `bytes` and checks the whole tree is DER (definite,
 * minimal lengths; primitive strings). `root` names the structure for error paths.
 */
export function parseDer(bytes: Uint8Array, code: DerCode, root: string): DerNode {
  const { node, next } = readTlv(bytes, 0, bytes.length, code, root);
  if (next !== bytes.length) throw derError(code, root, `${bytes.length - next} trailing byte(s) after the structure`);
  checkTree(node, code, root, 0);
  return node;
}

/** The elements of a constructed node (already checked by parseDer). */
export function childrenOf(node: DerNode, code: DerCode, path: string): DerNode[] {
  const out: DerNode[] = [];
  const c = node.content;
  let pos = 0;
  while (pos < c.length) {
    const { node: child, next } = readTlv(c, pos, c.length, code, path);
    out.push(child);
    pos = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, code: DerCode, path: string): DerNode {
  if (node === undefined) throw derError(code, path, `missing ${tagName(tag)}`);
  if (node.tag !== tag) throw derError(code, path, `expected ${tagName(tag)}, found ${tagName(node.tag)}`);
  return node;
}

/** SEQUENCE elements, with an element count range. */
export function sequence(node: DerNode | undefined, code: DerCode, path: string, min = 0, max = Infinity): DerNode[] {
  const items = childrenOf(expectTag(node, TAG.SEQUENCE, code, path), code, path);
  if (items.length < min || items.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw derError(code, path, `expected ${want} elements, found ${items.length}`);
  }
  return items;
}

/**
 * A non-negative INTEGER as its big-endian magnitude without a sign octet (a view). Minimal encoding
 * (X.690 §8.3.2) is required; negative values are refused because no key field may be negative.
 */
export function unsignedInteger(node: DerNode | undefined, code: DerCode, path: string): Uint8Array {
  const c = expectTag(node, TAG.INTEGER, code, path).content;
  if (c.length === 0) throw derError(code, path, 'empty INTEGER');
  const b0 = c[0] as number;
  if (c.length > 1) {
    const b1 = c[1] as number;
    if ((b0 === 0x00 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) !== 0)) {
      throw derError(code, path, 'non-minimal INTEGER encoding (not DER)');
    }
  }
  if ((b0 & 0x80) !== 0) throw derError(code, path, 'negative INTEGER');
  return b0 === 0 && c.length > 1 ? c.subarray(1) : c;
}

/** A small non-negative INTEGER (versions). */
export function smallInteger(node: DerNode | undefined, code: DerCode, path: string): number {
  const m = unsignedInteger(node, code, path);
  if (m.length > 4) throw derError(code, path, 'INTEGER too large for a version number');
  let v = 0;
  for (const b of m) v = v * 256 + b;
  return v;
}

/** OBJECT IDENTIFIER as a dotted string (X.690 §8.19). */
export function objectIdentifier(node: DerNode | undefined, code: DerCode, path: string): string {
  const c = expectTag(node, TAG.OID, code, path).content;
  if (c.length === 0 || c.length > 64) throw derError(code, path, 'malformed OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (const b of c) {
    if (fresh && b === 0x80) throw derError(code, path, 'non-minimal OBJECT IDENTIFIER arc');
    if (v >= 2 ** 45) throw derError(code, path, 'OBJECT IDENTIFIER arc too large');
    v = v * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh) throw derError(code, path, 'truncated OBJECT IDENTIFIER');
  const first = arcs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

export function octetString(node: DerNode | undefined, code: DerCode, path: string): Uint8Array {
  return expectTag(node, TAG.OCTET_STRING, code, path).content;
}

/** BIT STRING content without the unused-bits octet; keys and points are whole octets. */
export function bitStringOctets(node: DerNode | undefined, code: DerCode, path: string): Uint8Array {
  const c = expectTag(node, TAG.BIT_STRING, code, path).content;
  if (c.length === 0) throw derError(code, path, 'empty BIT STRING');
  if (c[0] !== 0) throw derError(code, path, 'BIT STRING with unused bits where whole octets are expected');
  return c.subarray(1);
}

export function isNullNode(node: DerNode | undefined): boolean {
  return node !== undefined && node.tag === TAG.NULL && node.content.length === 0;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
export function algorithmIdentifier(
  node: DerNode | undefined,
  code: DerCode,
  path: string,
): { oid: string; params: DerNode | undefined } {
  const items = sequence(node, code, path, 1, 2);
  return { oid: objectIdentifier(items[0], code, `${path}.algorithm`), params: items[1] };
}

// ---- writing ----

/** One TLV around the concatenation of `parts` (a fresh buffer). */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  // The header written in place (no intermediate arrays): a batch encodes two keys' worth of TLVs per row.
  const lenBytes = len < 0x80 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4;
  const out = new Uint8Array(2 + lenBytes + len);
  out[0] = tag;
  let off = 1;
  if (lenBytes === 0) {
    out[off++] = len;
  } else {
    out[off++] = 0x80 | lenBytes;
    for (let k = lenBytes - 1; k >= 0; k--) out[off++] = (len >>> (8 * k)) & 0xff;
  }
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...parts);

/** INTEGER from a big-endian magnitude (leading zeros dropped, a sign octet added where needed). */
export function uintDer(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  if (m.length === 0) return tlv(TAG.INTEGER, new Uint8Array([0]));
  return ((m[0] as number) & 0x80) !== 0 ? tlv(TAG.INTEGER, new Uint8Array([0]), m) : tlv(TAG.INTEGER, m);
}

export function smallUintDer(v: number): Uint8Array {
  const bytes: number[] = [];
  for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return uintDer(new Uint8Array(bytes.length === 0 ? [0] : bytes));
}

export function oidDer(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number): void => {
    const tmp = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) tmp.unshift(0x80 | (x & 0x7f));
    out.push(...tmp);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, new Uint8Array(out));
}

export const NULL_DER = new Uint8Array([0x05, 0x00]);

export const octetStringDer = (content: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, content);

export const bitStringDer = (octets: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, new Uint8Array([0]), octets);
