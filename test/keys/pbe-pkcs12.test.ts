// PKCS#12 structure cases beyond what `openssl pkcs12 -export` writes: PBMAC1 (RFC 9579) MacData computed
// with node:crypto (PBKDF2 + HMAC), including RFC 9579 Appendix A's invalid variants (wrong iteration
// count, salt in the wrong place, missing keyLength); BER re-encodings (indefinite lengths, constructed
// OCTET STRINGs) that OpenSSL also accepts; refusals by name; structure errors with paths.
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isByokError } from '../../src/errors.js';
import { decryptPkcs8, inspectPkcs12, readPkcs12 } from '../../src/keys/pbe/index.js';
import { OPENSSL_OK, openssl, opensslTry, scratchDir } from '../helpers/pbe-openssl.js';
import { toHex } from '../helpers/vectors.js';
import { codeOf } from '../helpers/errors.js';

const PW = 'PBMAC1 ✓ test';


// Minimal DER/BER writers (independent of the code under test).
function len(n: number): number[] {
  if (n < 0x80) return [n];
  const b: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v & 0xff);
  return [0x80 | b.length, ...b];
}
const tlv = (tag: number, ...content: Uint8Array[]): Uint8Array => {
  const c = Buffer.concat(content);
  return Uint8Array.from([tag, ...len(c.length), ...c]);
};
const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);
const octet = (b: Uint8Array) => tlv(0x04, b);
const int = (n: number) => new Uint8Array(new asn1js.Integer({ value: n }).toBER());
const oid = (s: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: s }).toBER());
const NULL = Uint8Array.from([5, 0]);
const ctx0 = (...c: Uint8Array[]) => tlv(0xa0, ...c);
/** BER: constructed, indefinite length. */
const indefinite = (tag: number, ...c: Uint8Array[]) => Uint8Array.from([tag | 0x20, 0x80, ...Buffer.concat(c), 0, 0]);

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  pbmac1: '1.2.840.113549.1.5.14',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  hmac: { sha256: '1.2.840.113549.2.9', sha512: '1.2.840.113549.2.11' } as Record<string, string>,
  sha256: '2.16.840.1.101.3.4.2.1',
  sha3_256: '2.16.840.1.101.3.4.2.8',
};

let dir: ReturnType<typeof scratchDir>;
let authSafe: Uint8Array; // AuthenticatedSafe DER of an OpenSSL -nomac file (PBES2 bags under PW)
let plainKey: Uint8Array;
let withMac: Uint8Array; // the same content with OpenSSL's own SHA-256 MAC

beforeAll(() => {
  if (!OPENSSL_OK) return;
  dir = scratchDir();
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', dir.path('k.pem')]);
  openssl(['req', '-x509', '-new', '-key', dir.path('k.pem'), '-subj', '/CN=pbmac1', '-days', '30', '-out', dir.path('k.crt')]);
  plainKey = openssl(['pkcs8', '-topk8', '-nocrypt', '-in', dir.path('k.pem'), '-outform', 'DER']);
  openssl(['pkcs12', '-export', '-inkey', dir.path('k.pem'), '-in', dir.path('k.crt'), '-passout', `pass:${PW}`, '-nomac', '-out', dir.path('nomac.p12')]);
  openssl(['pkcs12', '-export', '-inkey', dir.path('k.pem'), '-in', dir.path('k.crt'), '-passout', `pass:${PW}`, '-out', dir.path('mac.p12')]);
  withMac = dir.read('mac.p12');
  const pfx = asn1js.fromBER(dir.read('nomac.p12')).result as asn1js.Sequence;
  const ci = pfx.valueBlock.value[1] as asn1js.Sequence;
  authSafe = Uint8Array.from(((ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView);
});
afterAll(() => dir?.cleanup());

interface Pbmac1Opts {
  prf?: 'sha256' | 'sha512';
  mac?: 'sha256' | 'sha512';
  iterations?: number;
  /** iteration count written into PBKDF2-params (to make RFC 9579 A.4's mismatch) */
  writtenIterations?: number;
  keyLength?: number | null; // null: omit
  saltInMacDataOnly?: boolean; // RFC 9579 A.5: salt in macSalt, "NOT USED" in PBKDF2-params
  password?: string;
  kdfOid?: string;
}

/** PFX with a PBMAC1 MacData computed with node:crypto over `content`. */
function pbmac1Pfx(content: Uint8Array, o: Pbmac1Opts = {}): Uint8Array {
  const prf = o.prf ?? 'sha256';
  const mac = o.mac ?? 'sha256';
  const iterations = o.iterations ?? 2048;
  const keyLength = o.keyLength === undefined ? (mac === 'sha512' ? 64 : 32) : o.keyLength;
  const salt = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(o.password ?? PW, 'utf8'), salt, iterations, keyLength ?? 32, prf);
  const digest = createHmac(mac, key).update(content).digest();
  const notUsed = Buffer.from('NOT USED');
  const pbkdf2Params = seq(
    octet(o.saltInMacDataOnly ? notUsed : salt),
    int(o.writtenIterations ?? iterations),
    ...(keyLength === null ? [] : [int(keyLength)]),
    seq(oid(OIDS.hmac[prf]!), NULL),
  );
  const algId = seq(oid(OIDS.pbmac1), seq(seq(oid(o.kdfOid ?? OIDS.pbkdf2), pbkdf2Params), seq(oid(OIDS.hmac[mac]!), NULL)));
  const macData = seq(seq(algId, octet(digest)), octet(o.saltInMacDataOnly ? salt : notUsed), int(1));
  return seq(int(3), seq(oid(OIDS.data), ctx0(octet(content))), macData);
}

describe.runIf(OPENSSL_OK)('PBMAC1 (RFC 9579)', () => {
  it.each([
    ['HMAC-SHA-256, PBKDF2-HMAC-SHA-256 (like RFC 9579 A.1)', { prf: 'sha256', mac: 'sha256' }],
    ['HMAC-SHA-256, PBKDF2-HMAC-SHA-512 (like A.2)', { prf: 'sha512', mac: 'sha256' }],
    ['HMAC-SHA-512, PBKDF2-HMAC-SHA-512 (like A.3)', { prf: 'sha512', mac: 'sha512' }],
  ] as const)('%s verifies and opens', (_n, o) => {
    const file = pbmac1Pfx(authSafe, o);
    const got = readPkcs12(file, PW);
    expect(got.keys.map((k) => toHex(k.pkcs8))).toEqual([toHex(plainKey)]);
    expect(got.certificates).toHaveLength(1);
    expect(codeOf(() => readPkcs12(file, `${PW}x`))).toBe('WRONG_PASSWORD');
    expect(codeOf(() => readPkcs12(file, undefined))).toBe('PASSWORD_REQUIRED');
  });

  it('a changed byte of the authenticated content fails the MAC before any decryption', () => {
    const tampered = authSafe.slice();
    tampered[tampered.length - 5]! ^= 1;
    const good = pbmac1Pfx(authSafe);
    expect(readPkcs12(good, PW).keys).toHaveLength(1);
    expect(codeOf(() => readPkcs12(swapContent(good, authSafe, tampered), PW))).toBe('WRONG_PASSWORD');
  });

  it('invalid like RFC 9579 A.4: PBKDF2 iteration count differs from the one the MAC was made with', () => {
    expect(codeOf(() => readPkcs12(pbmac1Pfx(authSafe, { iterations: 2048, writtenIterations: 2049 }), PW))).toBe('WRONG_PASSWORD');
  });
  it('invalid like RFC 9579 A.5: the salt sits in MacData.macSalt (ignored), not in PBKDF2-params', () => {
    expect(codeOf(() => readPkcs12(pbmac1Pfx(authSafe, { saltInMacDataOnly: true }), PW))).toBe('WRONG_PASSWORD');
  });
  it('invalid like RFC 9579 A.6: PBKDF2-params without keyLength is refused', () => {
    expect(codeOf(() => readPkcs12(pbmac1Pfx(authSafe, { keyLength: null }), PW))).toBe('INVALID_PBE_PARAMETERS');
  });
  it('PBMAC1 with a KDF other than PBKDF2 is refused by name', () => {
    let msg = '';
    try {
      readPkcs12(pbmac1Pfx(authSafe, { kdfOid: OIDS.scrypt }), PW);
    } catch (e) {
      msg = isByokError(e) ? `${e.code} ${e.message}` : String(e);
    }
    expect(msg).toMatch(/^UNSUPPORTED_ENCRYPTION .*PBMAC1 with key derivation scrypt/);
  });
});

/** Replaces the authSafe content of a PFX built by pbmac1Pfx (same length) to tamper after the MAC. */
function swapContent(pfx: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const hexPfx = toHex(pfx);
  const i = hexPfx.indexOf(toHex(from));
  expect(i).toBeGreaterThan(0);
  return Uint8Array.from(Buffer.from(hexPfx.slice(0, i) + toHex(to) + hexPfx.slice(i + toHex(from).length), 'hex'));
}

describe.runIf(OPENSSL_OK)('BER input (as Windows, NSS and Java write it)', () => {
  it('indefinite lengths and a constructed authSafe OCTET STRING in 3 segments: OpenSSL and we both read it, MAC intact', () => {
    const pfx = asn1js.fromBER(withMac).result as asn1js.Sequence;
    const macData = new Uint8Array(pfx.valueBlock.value[2]!.toBER());
    const ci = pfx.valueBlock.value[1] as asn1js.Sequence;
    const c = Uint8Array.from(((ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView);
    const third = Math.floor(c.length / 3);
    const segments = indefinite(0x04, octet(c.subarray(0, third)), octet(c.subarray(third, 2 * third)), octet(c.subarray(2 * third)));
    const ber = indefinite(0x10, int(3), indefinite(0x10, oid(OIDS.data), indefinite(0xa0, segments)), macData);
    const path = dir.write('ber.p12', ber);
    const r = opensslTry(['pkcs12', '-in', path, '-passin', `pass:${PW}`, '-nodes', '-noout']);
    expect(r.ok, r.stderr).toBe(true);
    const got = readPkcs12(ber, PW);
    expect(got.keys.map((k) => toHex(k.pkcs8))).toEqual([toHex(plainKey)]);
    expect(codeOf(() => readPkcs12(ber, 'nope'))).toBe('WRONG_PASSWORD');
  });
});

describe.runIf(OPENSSL_OK)('refusals and structure errors', () => {
  const errOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (isByokError(e)) return { code: e.code, message: e.message, path: e.path };
      throw e;
    }
    return { code: 'no error', message: '', path: undefined };
  };

  it('public-key integrity (signedData) and privacy (envelopedData) modes are refused by name', () => {
    const signed = seq(int(3), seq(oid(OIDS.signedData), ctx0(seq(int(1)))));
    expect(errOf(() => readPkcs12(signed, PW))).toMatchObject({ code: 'UNSUPPORTED_ENCRYPTION', message: expect.stringMatching(/signedData/) });
    const enveloped = seq(int(3), seq(oid(OIDS.data), ctx0(octet(seq(seq(oid(OIDS.envelopedData), ctx0(seq(int(0)))))))));
    expect(errOf(() => readPkcs12(enveloped, undefined))).toMatchObject({ code: 'UNSUPPORTED_ENCRYPTION', message: expect.stringMatching(/envelopedData/) });
  });

  it('an unknown MAC digest is refused by name; MAC iteration counts 0 and 2^31 are refused', () => {
    const build = (digestOid: string, iterations: number) =>
      seq(int(3), seq(oid(OIDS.data), ctx0(octet(authSafe))), seq(seq(seq(oid(digestOid), NULL), octet(new Uint8Array(32))), octet(new Uint8Array(8)), int(iterations)));
    expect(errOf(() => readPkcs12(build(OIDS.sha3_256, 1), PW))).toMatchObject({ code: 'UNSUPPORTED_ENCRYPTION', message: expect.stringMatching(/2\.16\.840\.1\.101\.3\.4\.2\.8/) });
    expect(errOf(() => readPkcs12(build(OIDS.sha256, 0), PW)).code).toBe('INVALID_PBE_PARAMETERS');
    expect(errOf(() => readPkcs12(build(OIDS.sha256, 2 ** 31), PW)).code).toBe('KDF_LIMIT_EXCEEDED');
  });

  it('a hostile file whose encrypted bags ask for more key-derivation work in total than the budget fails at once', () => {
    // Three shrouded key bags at 9,000,000 PBKDF2 rounds each: every one is under the per-derivation cap,
    // together they exceed the 20,000,000-round budget; no MAC, so nothing else stops them.
    const pbes2 = (iterations: number) =>
      seq(
        oid('1.2.840.113549.1.5.13'),
        seq(
          seq(oid(OIDS.pbkdf2), seq(octet(new Uint8Array(8)), int(iterations), seq(oid(OIDS.hmac.sha256!), NULL))),
          seq(oid('2.16.840.1.101.3.4.1.42'), octet(new Uint8Array(16))),
        ),
      );
    const bag = seq(oid('1.2.840.113549.1.12.10.1.2'), ctx0(seq(pbes2(9_000_000), octet(new Uint8Array(32)))));
    const safeContents = seq(bag, bag, bag);
    const file = seq(int(3), seq(oid(OIDS.data), ctx0(octet(seq(seq(oid(OIDS.data), ctx0(octet(safeContents))))))));
    const t = performance.now();
    expect(errOf(() => readPkcs12(file, PW))).toMatchObject({ code: 'KDF_LIMIT_EXCEEDED', path: 'AuthenticatedSafe' });
    expect(performance.now() - t).toBeLessThan(200);
    // Inspection still works (it derives nothing).
    expect(inspectPkcs12(file).keys.map((k) => k.encryption)).toEqual(Array(3).fill('PBES2 (PBKDF2-hmacWithSHA256, AES-256-CBC)'));
  });

  it('version, trailing bytes, garbage and empty input are structure errors with a path', () => {
    const v2 = withMac.slice();
    const vAt = toHex(v2).indexOf('020103') / 2;
    v2[vAt + 2] = 2;
    expect(errOf(() => readPkcs12(v2, PW))).toMatchObject({ code: 'MALFORMED_PKCS12', path: 'PFX.version' });
    expect(errOf(() => readPkcs12(Uint8Array.from([...withMac, 0]), PW))).toMatchObject({ code: 'MALFORMED_PKCS12', path: 'PFX' });
    expect(errOf(() => readPkcs12(new Uint8Array(0), PW)).code).toBe('MALFORMED_PKCS12');
    expect(errOf(() => readPkcs12(Uint8Array.from(Buffer.from('-----BEGIN PKCS12-----')), PW)).code).toBe('MALFORMED_PKCS12');
    expect(errOf(() => readPkcs12('x' as unknown as Uint8Array, PW)).code).toBe('INVALID_ARGUMENT');
    expect(errOf(() => readPkcs12(withMac, 42 as unknown as string)).code).toBe('INVALID_ARGUMENT');
  });

  it('decryptPkcs8 holds its input to DER: an indefinite-length re-encoding is refused with a path', () => {
    const epki = openssl(['pkcs8', '-topk8', '-in', dir.path('k.pem'), '-outform', 'DER', '-passout', `pass:${PW}`]);
    expect(toHex(decryptPkcs8(epki, new TextEncoder().encode(PW)))).toBe(toHex(plainKey));
    const items = (asn1js.fromBER(epki).result as asn1js.Sequence).valueBlock.value.map((n) => new Uint8Array(n.toBER()));
    const ber = indefinite(0x10, ...items);
    expect(errOf(() => decryptPkcs8(ber, new TextEncoder().encode(PW)))).toMatchObject({ code: 'MALFORMED_ENCRYPTED_KEY', path: 'EncryptedPrivateKeyInfo' });
    expect(errOf(() => decryptPkcs8(Uint8Array.from([...epki, 0]), new TextEncoder().encode(PW))).code).toBe('MALFORMED_ENCRYPTED_KEY');
    expect(errOf(() => decryptPkcs8(epki, 'pw' as unknown as Uint8Array)).code).toBe('INVALID_ARGUMENT');
  });
});
