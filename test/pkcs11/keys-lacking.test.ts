// Keys without CKA_WRAP_WITH_TRUSTED (NSS's softokn keeps only the attributes a key was made with): the key
// directory learns it from the first such key (one attribute at a time, as before) and then reads every
// later key in two calls, the rest in one and CKA_WRAP_WITH_TRUSTED alone, instead of one per attribute; a
// key that has it is still described by it; a refusal other than CKR_ATTRIBUTE_TYPE_INVALID teaches
// nothing. The token is simulated in JS (the real NSS token: nss-wrap.test.ts).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CKA_ALWAYS_SENSITIVE, CKA_CLASS, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_MODULUS, CKA_NEVER_EXTRACTABLE,
  CKA_PUBLIC_EXPONENT, CKA_SENSITIVE, CKA_TOKEN, CKA_WRAP_WITH_TRUSTED, CKK_RSA, CKO_PRIVATE_KEY, CKR_ATTRIBUTE_TYPE_INVALID,
} from '../../src/pkcs11/constants.js';
import { keyDirectory, findKey, type Conn } from '../../src/pkcs11/keys.js';
import { parsePkcs11Uri } from '../../src/pkcs11/uri.js';
import { checkWrappable } from '../../src/pkcs11/wrap.js';
import { rsaAesKwp } from '../../src/formats/scheme.js';
import type { Pkcs11Api } from '../../src/pkcs11/binding.js';

class FakePkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
  constructor(readonly code: number, name: string) {
    super(name);
  }
}

const CKR_GENERAL_ERROR = 0x5;

function ulongBytes(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

/**
 * RSA private keys k0…k(n-1) without CKA_WRAP_WITH_TRUSTED but those in `trusted` (which have it true);
 * `flaky` answers CKR_GENERAL_ERROR once to a read of that attribute alone.
 */
function fakeToken(n: number, flaky?: number, trusted: readonly number[] = []): { conn: Conn; reads: () => number; asked: number[][] } {
  const { n: mod, e } = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const objects = Array.from({ length: n }, (_, i) => new Map<number, Buffer>([
    [CKA_CLASS, ulongBytes(CKO_PRIVATE_KEY)], [CKA_KEY_TYPE, ulongBytes(CKK_RSA)], [CKA_TOKEN, Buffer.from([1])],
    [CKA_LABEL, Buffer.from(`k${i}`)], [CKA_ID, Buffer.from([i])], [CKA_EXTRACTABLE, Buffer.from([1])], [CKA_SENSITIVE, Buffer.from([1])],
    [CKA_NEVER_EXTRACTABLE, Buffer.from([0])], [CKA_ALWAYS_SENSITIVE, Buffer.from([1])],
    [CKA_MODULUS, Buffer.from(mod!, 'base64url')], [CKA_PUBLIC_EXPONENT, Buffer.from(e!, 'base64url')],
    ...(trusted.includes(i) ? [[CKA_WRAP_WITH_TRUSTED, Buffer.from([1])] as [number, Buffer]] : []),
  ]));
  let reads = 0;
  let flakyLeft = flaky === undefined ? 0 : 1;
  const asked: number[][] = [];
  let found: Buffer[] = [];
  const api = {
    C_FindObjectsInit: (_s: Buffer, t: { type: number; value: unknown }[]) => {
      const cls = t.find((a) => a.type === CKA_CLASS)?.value;
      found = cls === CKO_PRIVATE_KEY ? objects.map((_, i) => ulongBytes(i + 1)) : [];
    },
    C_FindObjects: () => {
      const out = found;
      found = [];
      return out;
    },
    C_FindObjectsFinal: () => undefined,
    C_GetAttributeValue: (_s: Buffer, h: Buffer, t: { type: number }[]) => {
      reads++;
      asked.push(t.map((a) => a.type));
      const o = objects[Number(h.readBigUInt64LE(0)) - 1]!;
      if (flakyLeft > 0 && t.length === 1 && t[0]!.type === flaky) {
        flakyLeft--;
        throw new FakePkcs11Error(CKR_GENERAL_ERROR, 'CKR_GENERAL_ERROR');
      }
      if (t.some((a) => !o.has(a.type))) throw new FakePkcs11Error(CKR_ATTRIBUTE_TYPE_INVALID, 'CKR_ATTRIBUTE_TYPE_INVALID');
      return t.map((a) => ({ type: a.type, value: o.get(a.type) }));
    },
  } as unknown as Pkcs11Api;
  return { conn: { api, session: Buffer.alloc(8), slot: Buffer.alloc(8), lacking: new Set() }, reads: () => reads, asked };
}

describe('key directory on a token without CKA_WRAP_WITH_TRUSTED', () => {
  it('learns the missing attribute from the first key and reads each later key in two calls', () => {
    const t = fakeToken(20);
    const dir = keyDirectory(t.conn);
    expect(dir.entries).toHaveLength(20);
    expect([...t.conn.lacking!]).toEqual([CKA_WRAP_WITH_TRUSTED]);
    // first key: the RSA and EC templates (both refused), nine single reads, the RSA template less the missing
    // attribute and that attribute alone; then those two for each later key (one per attribute was 9 + 2)
    expect(t.reads()).toBe(2 + 9 + 2 + 19 * 2);
    const later = t.asked.slice(11);
    expect(later.filter((_, i) => i % 2 === 0).every((types) => !types.includes(CKA_WRAP_WITH_TRUSTED) && types.includes(CKA_MODULUS))).toBe(true);
    expect(later.filter((_, i) => i % 2 === 1).every((types) => types.length === 1 && types[0] === CKA_WRAP_WITH_TRUSTED)).toBe(true);
    // every key is described from the directory alone, the missing attribute at its default
    const before = t.reads();
    for (let i = 0; i < 20; i++) {
      const k = findKey(t.conn, parsePkcs11Uri(`pkcs11:object=k${i}`), dir);
      expect(k).toMatchObject({ kind: 'rsa', bits: 2048, label: `k${i}`, extractable: true, sensitive: true, wrapWithTrusted: false });
      expect(k.publicKey).toBeInstanceOf(Uint8Array);
    }
    expect(t.reads()).toBe(before);
  });

  it('a later key that has CKA_WRAP_WITH_TRUSTED is described by it (and refused by the wrap)', () => {
    const t = fakeToken(6, undefined, [3, 5]);
    const dir = keyDirectory(t.conn);
    expect([...t.conn.lacking!]).toEqual([CKA_WRAP_WITH_TRUSTED]);
    const keys = [0, 1, 2, 3, 4, 5].map((i) => findKey(t.conn, parsePkcs11Uri(`pkcs11:object=k${i}`), dir));
    expect(keys.map((k) => k.wrapWithTrusted)).toEqual([false, false, false, true, false, true]);
    expect(() => checkWrappable(keys[3]!, rsaAesKwp('sha1'))).toThrow(expect.objectContaining({ code: 'PKCS11_KEY_WRAP_WITH_TRUSTED' }));
    expect(() => checkWrappable(keys[2]!, rsaAesKwp('sha1'))).not.toThrow();
  });

  it('learns nothing from a refusal that is not CKR_ATTRIBUTE_TYPE_INVALID', () => {
    const t = fakeToken(3, CKA_EXTRACTABLE);
    const dir = keyDirectory(t.conn);
    // CKA_EXTRACTABLE alone failed once with CKR_GENERAL_ERROR: not taken as missing, so every key still reads it
    expect(t.asked.filter((types) => types.length === 1 && types[0] === CKA_EXTRACTABLE)).toHaveLength(1);
    expect(t.conn.lacking!.has(CKA_EXTRACTABLE)).toBe(false);
    expect(findKey(t.conn, parsePkcs11Uri('pkcs11:object=k0'), dir).extractable).toBe(true);
    expect(t.conn.lacking!.has(CKA_WRAP_WITH_TRUSTED)).toBe(true);
    const later = findKey(t.conn, parsePkcs11Uri('pkcs11:object=k2'), dir);
    expect(later.extractable).toBe(true);
  });
});
