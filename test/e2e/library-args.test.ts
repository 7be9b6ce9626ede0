// Every function the library exports (src/index.ts) checks its arguments and fails with a ByokError, never
// a raw TypeError (issue 10, bug 4); a key file's PEM text is accepted wherever its bytes are; a Node
// Buffer is read like any Uint8Array and left as the caller passed it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { ByokError } from '../../src/errors.js';
import { errorOf } from '../helpers/errors.js';
import { nodeOpen, publicOfPkcs8, spkiDer } from '../cli/fixtures.js';

const KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const kekPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kekPem = kekPair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const kekPrivPem = kekPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPem = ecPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecBytes = new TextEncoder().encode(ecPem);
const kek = lib.readKek(kekPem, { kid: KID });
const wrapped = lib.wrapForAzure(kek, ecBytes);
const parsed = lib.readByok(wrapped.bytes);
const priv = {
  n: kek.n, e: kek.e, d: new Uint8Array(1), p: new Uint8Array(1), q: new Uint8Array(1), dp: new Uint8Array(1), dq: new Uint8Array(1), qi: new Uint8Array(1),
};
const pub = { n: kek.n, e: kek.e };
const aes = new Uint8Array(32).fill(7);

// Valid arguments for each function: each position in turn is replaced by every bad value below.
type Call = readonly unknown[];
const VALID: Readonly<Record<string, Call>> = {
  ByokError: [],
  isByokError: [new Error('x')],
  buildByok: [{ kid: KID, ciphertext: lib.readByok(wrapped.bytes).ciphertext, generator: 'g' }],
  serializeByok: [wrapped.byok],
  readCiphertext: [400],
  importRequest: [{ kty: 'EC-HSM', crv: 'P-256', keyOps: ['sign'], fileBytes: wrapped.bytes }],
  sdkKey: [{ kty: 'EC-HSM', crv: 'P-256', keyOps: ['sign'], fileBytes: wrapped.bytes }],
  azImportCommand: [{ kek: parsed.kid, kty: 'EC-HSM', crv: 'P-256', keyOps: ['sign'], byokPath: 'x.byok', keyName: 'k' }],
  base64urlEncode: [new Uint8Array(3)],
  base64urlDecode: ['AAAA'],
  readKek: [kekPem, { kid: KID }],
  checkKekForAzure: [kek, { requireKid: true }],
  parseAzureKid: [KID],
  groupedHex: [new Uint8Array(4)],
  readTargetKey: [ecBytes, {}],
  inspectKeyFile: [ecBytes],
  listKeys: [ecBytes, 'pw'],
  wipeTargetKey: [lib.readTargetKey(ecBytes)],
  checkTargetForAzure: [lib.readTargetKey(ecBytes)],
  wrapForAzure: [kek, ecBytes, { keyName: 'k' }],
  defaultGenerator: [],
  readByok: [wrapped.bytes],
  matchByokToKek: [parsed, kek],
  unwrapByok: [parsed, kekPrivPem, {}],
  verifyByok: [parsed, kekPrivPem, ecBytes, {}],
  readUnwrappedMaterial: [aes],
  toKek: [kek, KID],
  isKek: [kek],
  'core.init': [],
  'core.initSync': [],
  'core.getCore': [],
  'core.coreInfo': [],
  'core.sha1': [new Uint8Array(1)],
  'core.sha256': [new Uint8Array(1)],
  'core.sha384': [new Uint8Array(1)],
  'core.sha512': [new Uint8Array(1)],
  'core.aesKwWrap': [aes, new Uint8Array(16)],
  'core.aesKwUnwrap': [aes, new Uint8Array(24)],
  'core.aesKwpWrap': [aes, new Uint8Array(5)],
  'core.aesKwpUnwrap': [aes, new Uint8Array(16)],
  'core.aesCbcDecrypt': [aes, new Uint8Array(16), new Uint8Array(16)],
  'core.aesKcv': [aes],
  'core.rsaOaepEncrypt': [pub, new Uint8Array(4), { hash: 'sha1' }],
  'core.rsaOaepDecrypt': [priv, new Uint8Array(256), { hash: 'sha1' }],
  'core.rsaAesKeyWrap': [pub, aes, { hash: 'sha1' }],
  'core.rsaAesKeyUnwrap': [priv, new Uint8Array(296), { hash: 'sha1' }],
};

const BAD: readonly unknown[] = [undefined, null, 0, -1, 1.5, NaN, true, 'x', '', {}, [], [1], new Uint8Array(0), () => 1, Symbol('s'), 10n];

function functions(): [string, (...a: unknown[]) => unknown][] {
  const out: [string, (...a: unknown[]) => unknown][] = [];
  for (const [k, v] of Object.entries(lib)) if (typeof v === 'function') out.push([k, v as (...a: unknown[]) => unknown]);
  for (const [k, v] of Object.entries(lib.core)) if (typeof v === 'function') out.push([`core.${k}`, v as (...a: unknown[]) => unknown]);
  return out;
}

describe('every exported function', () => {
  it('has valid arguments listed here (add a new export to VALID in this file)', () => {
    expect(functions().map(([k]) => k).filter((k) => !(k in VALID))).toEqual([]);
  });

  it('fails with a ByokError, never a TypeError or RangeError, whatever argument is wrong', async () => {
    const raw: string[] = [];
    let calls = 0;
    for (const [name, fn] of functions()) {
      if (name === 'ByokError' || name === 'isByokError' || name === 'isKek') continue; // the error class and predicates take anything
      const valid = VALID[name]!;
      for (let i = 0; i < Math.max(valid.length, 1); i++) {
        for (const bad of BAD) {
          const args = [...valid];
          args[i] = bad;
          calls++;
          try {
            const r = fn(...args);
            if (r instanceof Promise) await r;
          } catch (e) {
            if (!(e instanceof ByokError)) raw.push(`${name} argument ${i} = ${String(typeof bad === 'symbol' ? 'symbol' : Array.isArray(bad) ? `[${bad}]` : bad)}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(raw).toEqual([]);
    expect(calls).toBeGreaterThan(700);
  });

  it('the predicates answer false for anything else', () => {
    for (const bad of BAD) {
      expect(lib.isKek(bad)).toBe(false);
      expect(lib.isByokError(bad)).toBe(false);
    }
  });
});

describe('the issue 10 reproductions', () => {
  it('wrapForAzure(kek, pemString) wraps the key; null says what was expected', () => {
    const r = lib.wrapForAzure(kekPem, ecPem, { kid: KID });
    const opened = nodeOpen(kekPair.privateKey, 2048, lib.readByok(r.bytes).ciphertext);
    expect(publicOfPkcs8(opened).equals(spkiDer(ecPair.publicKey))).toBe(true);
    const e = errorOf(() => lib.wrapForAzure(kekPem, null as unknown as string, { kid: KID }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^wrapForAzure: "target" expected .*PEM.*, got null$/);
  });

  it('PEM text is accepted wherever a key file is: readTargetKey, inspectKeyFile, listKeys, unwrapByok, verifyByok', () => {
    expect(lib.readTargetKey(ecPem).kind).toBe('ec');
    expect(lib.inspectKeyFile(ecPem).format).toBe('pkcs8');
    expect(lib.listKeys(ecPem)).toEqual([{ index: 0, kind: 'ec' }]);
    const material = lib.unwrapByok(wrapped.bytes, kekPrivPem);
    expect(publicOfPkcs8(material).equals(spkiDer(ecPair.publicKey))).toBe(true);
    expect(lib.verifyByok(new TextDecoder().decode(wrapped.bytes), kekPrivPem, ecPem).match).toBe('exact');
  });

  it('a Node Buffer holding a binary AES key is read as that key and left as the caller passed it', () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    expect(Buffer.from(lib.readTargetKey(key).material).equals(copy)).toBe(true);
    expect(key.equals(copy)).toBe(true);
    const r = lib.wrapForAzure(kekPem, key, { kid: KID });
    expect(nodeOpen(kekPair.privateKey, 2048, lib.readByok(r.bytes).ciphertext).equals(copy)).toBe(true);
    expect(key.equals(copy)).toBe(true);
  });
});
