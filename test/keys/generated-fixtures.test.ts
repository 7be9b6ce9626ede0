// Generated fixtures for every intake path: each Azure target type and size (RSA 2048/3072/4096, EC P-256,
// P-384, P-521, secp256k1, AES 128/192/256) in each container the OpenSSL CLI and node:crypto write, with
// the result compared to OpenSSL's canonical PKCS#8 and public key; wrong and missing passwords; PKCS#12
// with and without -legacy; several keys in one file; transport-wrapped exports (wrapped by node:crypto).
import { createCipheriv, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { inspectKeyFile, listKeys, readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../../src/keys/index.js';
import { openssl, requireOpenssl, tempDir } from '../helpers/openssl.js';
import { codeOf } from '../helpers/errors.js';

const HAVE_OPENSSL = requireOpenssl();
const PW = 'correct horse ✓ battery'; // non-ASCII on purpose: UTF-8 for PBES2, BMPString for PKCS#12
const tmp = tempDir('byok-fixtures-');

interface Asym {
  name: string;
  kind: 'rsa' | 'ec';
  bits: number;
  curve?: string;
  /** PKCS#8 PEM path written by OpenSSL. */
  path: string;
  /** OpenSSL's canonical PKCS#8 DER and SPKI DER. */
  pkcs8: Buffer;
  spki: Buffer;
  cert: string;
}

const ASYM: { name: string; kind: 'rsa' | 'ec'; bits: number; curve?: string; genArgs: string[] }[] = [
  { name: 'RSA-2048', kind: 'rsa', bits: 2048, genArgs: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] },
  { name: 'RSA-3072', kind: 'rsa', bits: 3072, genArgs: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'] },
  { name: 'RSA-4096', kind: 'rsa', bits: 4096, genArgs: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'] },
  { name: 'EC P-256', kind: 'ec', bits: 256, curve: 'P-256', genArgs: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] },
  { name: 'EC P-384', kind: 'ec', bits: 384, curve: 'P-384', genArgs: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'] },
  { name: 'EC P-521', kind: 'ec', bits: 521, curve: 'P-521', genArgs: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'] },
  { name: 'EC secp256k1', kind: 'ec', bits: 256, curve: 'P-256K', genArgs: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'] },
];

const OPENSSL_CURVE: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', 'P-256K': 'secp256k1' };

const keys = new Map<string, Asym>();

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  for (const a of ASYM) {
    const path = tmp.file(`${a.name.replace(/\W/g, '_')}.pem`);
    openssl(['genpkey', ...a.genArgs, '-out', path]);
    const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt', '-in', path, '-outform', 'DER']);
    const spki = openssl(['pkey', '-in', path, '-pubout', '-outform', 'DER']);
    const cert = openssl(['req', '-x509', '-new', '-key', path, '-subj', `/CN=${a.name}`, '-days', '1']).toString('utf8');
    keys.set(a.name, { ...a, path, pkcs8, spki, cert });
  }
}, 180_000);
afterAll(() => tmp.cleanup());

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b);


function expectKey(t: TargetKey, a: Asym): void {
  expect(t.kind).toBe(a.kind);
  expect(t.bits).toBe(a.bits);
  expect(t.curve).toBe(a.curve);
  expect(Buffer.from(t.material).toString('hex')).toBe(a.pkcs8.toString('hex'));
  expect(Buffer.from(t.publicKey as Uint8Array).toString('hex')).toBe(a.spki.toString('hex'));
  if (a.kind === 'rsa') expect(t.azure).toEqual({ kty: 'RSA-HSM', keyOps: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'] });
  else expect(t.azure).toEqual({ kty: 'EC-HSM', crv: a.curve, keyOps: ['sign', 'verify'] });
}

/** Every container OpenSSL / node:crypto writes for one key: [label, bytes, options, expected source]. */
function containers(a: Asym): [string, Uint8Array, ReadTargetKeyOptions, { format: string; container: string }][] {
  const p = a.path;
  const pass = `pass:${PW}`;
  // `openssl rsa -traditional` writes PKCS#1; `openssl ec` writes SEC1 (it has no -traditional flag).
  const trad = a.kind === 'rsa' ? ['rsa', '-traditional'] : ['ec'];
  const tradFormat = a.kind === 'rsa' ? 'pkcs1' : 'sec1';
  const certPath = tmp.file(`${a.name.replace(/\W/g, '_')}.crt`, a.cert);
  const jwk = createPrivateKey(readFileSync(p)).export({ format: 'jwk' });
  return [
    ['PKCS#8 PEM', u8(readFileSync(p)), {}, { format: 'pkcs8', container: 'pem' }],
    ['PKCS#8 DER', u8(a.pkcs8), {}, { format: 'pkcs8', container: 'der' }],
    ['PKCS#8 base64 without PEM lines', enc(a.pkcs8.toString('base64')), {}, { format: 'pkcs8', container: 'base64' }],
    ['encrypted PKCS#8 PEM (PBES2 AES-256-CBC)', u8(openssl(['pkcs8', '-topk8', '-in', p, '-v2', 'aes-256-cbc', '-passout', pass])), { password: PW }, { format: 'pkcs8-encrypted', container: 'pem' }],
    ['encrypted PKCS#8 DER (PBES2 scrypt)', u8(openssl(['pkcs8', '-topk8', '-in', p, '-scrypt', '-outform', 'DER', '-passout', pass])), { password: PW }, { format: 'pkcs8-encrypted', container: 'der' }],
    ['encrypted PKCS#8 PEM (PBES2 DES-EDE3-CBC, hmacWithSHA1)', u8(openssl(['pkcs8', '-topk8', '-in', p, '-v2', 'des3', '-v2prf', 'hmacWithSHA1', '-passout', pass])), { password: enc(PW) }, { format: 'pkcs8-encrypted', container: 'pem' }],
    [`${tradFormat} PEM`, u8(openssl([...trad, '-in', p])), {}, { format: tradFormat, container: 'pem' }],
    [`${tradFormat} DER`, u8(openssl([...trad, '-in', p, '-outform', 'DER'])), {}, { format: tradFormat, container: 'der' }],
    [`${tradFormat} PEM, DEK-Info AES-256-CBC`, u8(openssl([...trad, '-in', p, '-aes256', '-passout', pass])), { password: PW }, { format: tradFormat, container: 'pem' }],
    [`${tradFormat} PEM, DEK-Info DES-EDE3-CBC`, u8(openssl([...trad, '-in', p, '-des3', '-passout', pass])), { password: PW }, { format: tradFormat, container: 'pem' }],
    ['PKCS#12 (OpenSSL 3 defaults)', u8(openssl(['pkcs12', '-export', '-inkey', p, '-in', certPath, '-name', 'my key', '-passout', pass])), { password: PW }, { format: 'pkcs12', container: 'pkcs12' }],
    ['PKCS#12 -legacy (3DES key bag, RC2 cert bag)', u8(openssl(['pkcs12', '-export', '-legacy', '-inkey', p, '-in', certPath, '-passout', pass])), { password: PW }, { format: 'pkcs12', container: 'pkcs12' }],
    ['PKCS#12 without password', u8(openssl(['pkcs12', '-export', '-inkey', p, '-in', certPath, '-keypbe', 'NONE', '-certpbe', 'NONE', '-passout', 'pass:'])), {}, { format: 'pkcs12', container: 'pkcs12' }],
    ['JWK', enc(JSON.stringify(jwk)), {}, { format: 'jwk', container: 'json' }],
    ['JWK Set with one key', enc(JSON.stringify({ keys: [jwk] })), {}, { format: 'jwk', container: 'json' }],
    ['PEM with the certificate (and EC PARAMETERS) around the key', enc(`${a.cert}${a.kind === 'ec' ? openssl(['ecparam', '-name', OPENSSL_CURVE[a.curve as string] as string]).toString() : ''}${readFileSync(p, 'utf8')}`), {}, { format: 'pkcs8', container: 'pem' }],
  ];
}

describe.skipIf(!HAVE_OPENSSL)('every Azure asymmetric target in every container', () => {
  for (const a of ASYM) {
    it(`${a.name}`, () => {
      const key = keys.get(a.name) as Asym;
      for (const [label, bytes, opts, source] of containers(key)) {
        let t: TargetKey;
        try {
          t = readTargetKey(bytes, opts);
        } catch (e) {
          throw new Error(`${a.name} ${label}: ${(e as Error).message}`);
        }
        expectKey(t, key);
        expect(t.source.format, label).toBe(source.format);
        expect(t.source.container, label).toBe(source.container);
        // The explicit format override reads the same key.
        const forced = readTargetKey(bytes, { ...opts, format: t.source.format });
        expect(forced.material).toEqual(t.material);
        wipeTargetKey(forced);
        expect(forced.material.every((b) => b === 0)).toBe(true);
      }
    }, 60_000);
  }
});

describe.skipIf(!HAVE_OPENSSL)('passwords', () => {
  it('wrong password: WRONG_PASSWORD; none: PASSWORD_REQUIRED; inspectKeyFile says encrypted', () => {
    for (const name of ['RSA-2048', 'EC P-384']) {
      const key = keys.get(name) as Asym;
      const encrypted = containers(key).filter(([, , o]) => o.password !== undefined);
      expect(encrypted.length).toBeGreaterThanOrEqual(6);
      for (const [label, bytes] of encrypted) {
        expect(codeOf(() => readTargetKey(bytes, { password: `${PW}x` })), label).toBe('WRONG_PASSWORD');
        expect(codeOf(() => readTargetKey(bytes, { password: '' })), label).toBe('WRONG_PASSWORD');
        expect(codeOf(() => readTargetKey(bytes)), label).toBe('PASSWORD_REQUIRED');
        expect(inspectKeyFile(bytes).encrypted, label).toBe(true);
      }
    }
  });
  it('PKCS#12: the Unicode password works as a string and as UTF-8 bytes', () => {
    const key = keys.get('EC P-256') as Asym;
    const [, p12] = containers(key).find(([l]) => l.startsWith('PKCS#12 (OpenSSL')) as unknown as [string, Uint8Array];
    expectKey(readTargetKey(p12, { password: enc(PW) }), key);
    expect(readTargetKey(p12, { password: PW }).source.friendlyName).toBe('my key');
  });
});

describe.skipIf(!HAVE_OPENSSL)('files holding several keys', () => {
  /** A PFX without MAC whose AuthenticatedSafe holds the ContentInfos of several `-nomac` PFX files. */
  function mergePkcs12(files: Uint8Array[]): Uint8Array {
    const infos: asn1js.AsnType[] = [];
    for (const f of files) {
      const pfx = asn1js.fromBER(f).result as asn1js.Sequence;
      const authSafe = pfx.valueBlock.value[1] as asn1js.Sequence;
      const content = (authSafe.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString;
      const safes = asn1js.fromBER(content.getValue()).result as asn1js.Sequence;
      infos.push(...safes.valueBlock.value);
    }
    const inner = new asn1js.Sequence({ value: infos }).toBER();
    const pfx = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 3 }),
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' }),
            new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: inner })] }),
          ],
        }),
      ],
    });
    return new Uint8Array(pfx.toBER());
  }

  it('PKCS#12 with three keys: MULTIPLE_KEYS, choose by index or friendly name, list them', () => {
    const names = ['RSA-2048', 'EC P-256', 'EC P-521'];
    const parts = names.map((n) => {
      const k = keys.get(n) as Asym;
      const cert = tmp.file(`${n.replace(/\W/g, '_')}-m.crt`, k.cert);
      return u8(openssl(['pkcs12', '-export', '-inkey', k.path, '-in', cert, '-name', n, '-nomac', '-passout', `pass:${PW}`]));
    });
    const p12 = mergePkcs12(parts);
    expect(codeOf(() => readTargetKey(p12, { password: PW }))).toBe('MULTIPLE_KEYS');
    expect(listKeys(p12, PW)).toEqual([
      { index: 0, friendlyName: 'RSA-2048', kind: 'rsa' },
      { index: 1, friendlyName: 'EC P-256', kind: 'ec' },
      { index: 2, friendlyName: 'EC P-521', kind: 'ec' },
    ]);
    expectKey(readTargetKey(p12, { password: PW, keyIndex: 2 }), keys.get('EC P-521') as Asym);
    const byName = readTargetKey(p12, { password: PW, friendlyName: 'EC P-256' });
    expectKey(byName, keys.get('EC P-256') as Asym);
    expect(byName.source).toMatchObject({ format: 'pkcs12', index: 1, friendlyName: 'EC P-256' });
    expect(codeOf(() => readTargetKey(p12, { password: PW, keyIndex: 3 }))).toBe('KEY_NOT_FOUND');
    expect(codeOf(() => readTargetKey(p12, { password: PW, friendlyName: 'nope' }))).toBe('KEY_NOT_FOUND');
    expect(inspectKeyFile(p12)).toEqual({ format: 'pkcs12', encrypted: true });
  });

  it('PEM bundle with two keys (one encrypted): MULTIPLE_KEYS, keyIndex, inspect and list', () => {
    const rsa = keys.get('RSA-3072') as Asym;
    const ec = keys.get('EC P-384') as Asym;
    const bundle = enc(readFileSync(rsa.path, 'utf8') + openssl(['pkcs8', '-topk8', '-in', ec.path, '-v2', 'aes-128-cbc', '-passout', `pass:${PW}`]).toString());
    expect(codeOf(() => readTargetKey(bundle))).toBe('MULTIPLE_KEYS');
    expect(inspectKeyFile(bundle)).toEqual({ format: 'pkcs8', encrypted: true, keys: [{ index: 0 }, { index: 1 }] });
    expect(listKeys(bundle, PW)).toEqual([{ index: 0, kind: 'rsa' }, { index: 1, kind: 'ec' }]);
    expectKey(readTargetKey(bundle, { keyIndex: 0 }), rsa);
    expect(codeOf(() => readTargetKey(bundle, { keyIndex: 1 }))).toBe('PASSWORD_REQUIRED');
    expectKey(readTargetKey(bundle, { keyIndex: 1, password: PW }), ec);
  });
});

describe('raw AES keys', () => {
  for (const len of [16, 24, 32]) {
    it(`AES-${len * 8}: binary, hex, base64, JWK oct`, () => {
      let k = randomBytes(len);
      while (/^[\x20-\x7e\t\r\n]*$/.test(k.toString('latin1'))) k = randomBytes(len); // a printable binary key is text by rule
      const forms: [string, Uint8Array, ReadTargetKeyOptions][] = [
        ['binary', u8(k), {}],
        ['hex', enc(k.toString('hex')), {}],
        ['HEX with newline', enc(`${k.toString('hex').toUpperCase()}\n`), {}],
        ['0x hex with spaces', enc(`0x${k.toString('hex').replace(/(..)/g, '$1 ')}`), {}],
        ['base64', enc(`${k.toString('base64')}\r\n`), {}],
        ['base64url', enc(k.toString('base64url')), { format: 'raw' }],
        ['JWK oct', enc(JSON.stringify({ kty: 'oct', k: k.toString('base64url') })), {}],
      ];
      for (const [label, bytes, opts] of forms) {
        const t = readTargetKey(bytes, opts);
        expect(t.kind, label).toBe('oct');
        expect(t.bits, label).toBe(len * 8);
        expect(Buffer.from(t.material).equals(k), label).toBe(true);
        expect(t.azure).toEqual({ kty: 'oct-HSM', keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] });
        expect(t.publicKey).toBeUndefined();
      }
    });
  }
  it('ambiguity rules: 32 hex digits are a 16-byte key, not base64 of 24; printable text that is not hex or base64 is refused', () => {
    const hex32 = '00112233445566778899aabbccddeeff';
    expect(readTargetKey(enc(hex32)).bits).toBe(128);
    expect(readTargetKey(enc(hex32), { rawEncoding: 'base64' }).bits).toBe(192);
    expect(readTargetKey(enc(hex32), { rawEncoding: 'binary' }).bits).toBe(256);
    expect(codeOf(() => readTargetKey(enc('my super secret key of 32 chars!')))).toBe('UNKNOWN_KEY_FORMAT');
    expect(readTargetKey(enc('my super secret key of 32 chars!'), { rawEncoding: 'binary' }).bits).toBe(256);
    expect(codeOf(() => readTargetKey(enc('00112233445566778899aabbccddeeff0011')))).toBe('UNSUPPORTED_TARGET_SIZE');
    expect(codeOf(() => readTargetKey(new Uint8Array(20).fill(0x80)))).toBe('UNKNOWN_KEY_FORMAT');
    expect(codeOf(() => readTargetKey(enc(JSON.stringify({ kty: 'oct', k: Buffer.alloc(20).toString('base64url') }))))).toBe('UNSUPPORTED_TARGET_SIZE');
  });
});

describe.skipIf(!HAVE_OPENSSL)('transport-wrapped HSM exports (wrapped by node:crypto / OpenSSL)', () => {
  const wrap = (mode: 'kw' | 'kwp', kek: Buffer, data: Uint8Array): Buffer => {
    const alg = `id-aes${kek.length * 8}-wrap${mode === 'kwp' ? '-pad' : ''}`;
    const iv = Buffer.from(mode === 'kwp' ? 'A65959A6' : 'A6A6A6A6A6A6A6A6', 'hex');
    const c = createCipheriv(alg, kek, iv);
    return Buffer.concat([c.update(data), c.final()]);
  };
  it('RSA/EC PKCS#8 and AES keys under AES-KW and AES-KWP, binary and hex blobs, mode given or detected', () => {
    for (const tkLen of [16, 24, 32]) {
      const tk = randomBytes(tkLen);
      for (const name of ['RSA-2048', 'EC secp256k1']) {
        const key = keys.get(name) as Asym;
        // KW (RFC 3394) takes whole 8-byte blocks only; a PKCS#8 of another length is KWP's job.
        const modes = key.pkcs8.length % 8 === 0 ? (['kw', 'kwp'] as const) : (['kwp'] as const);
        for (const mode of modes) {
          const blob = wrap(mode, tk, key.pkcs8);
          for (const input of [u8(blob), enc(blob.toString('hex')), enc(blob.toString('base64'))]) {
            for (const given of [mode, undefined]) {
              const t = readTargetKey(input, { transportKey: u8(tk), ...(given === undefined ? {} : { transportWrap: given }) });
              expectKey(t, key);
              expect(t.source).toEqual({ format: 'wrapped', container: mode === 'kw' ? 'aes-kw' : 'aes-kwp', inner: 'pkcs8' });
            }
          }
        }
      }
      for (const aesLen of [16, 24, 32]) {
        const aes = randomBytes(aesLen);
        for (const mode of ['kw', 'kwp'] as const) {
          const t = readTargetKey(u8(wrap(mode, tk, aes)), { transportKey: u8(tk), format: 'wrapped' });
          expect(t.kind).toBe('oct');
          expect(Buffer.from(t.material).equals(aes)).toBe(true);
          expect(t.source).toEqual({ format: 'wrapped', container: mode === 'kw' ? 'aes-kw' : 'aes-kwp', inner: 'raw' });
        }
      }
    }
  });
  it('wrong transport key, wrong mode, damaged blob: one TRANSPORT_UNWRAP_FAILED message', () => {
    const tk = randomBytes(32);
    const key = keys.get('EC P-384') as Asym;
    const blob = wrap('kwp', tk, key.pkcs8);
    const messages = new Set<string>();
    const attempts: [Uint8Array, ReadTargetKeyOptions][] = [
      [u8(blob), { transportKey: u8(randomBytes(32)) }],
      [u8(blob), { transportKey: u8(tk), transportWrap: 'kw' }],
      [u8(Buffer.from(blob.map((b, i) => (i === 5 ? b ^ 1 : b)))), { transportKey: u8(tk) }],
    ];
    for (const [input, opts] of attempts) {
      try {
        readTargetKey(input, opts);
        expect.unreachable();
      } catch (e) {
        expect((e as ByokError).code).toBe('TRANSPORT_UNWRAP_FAILED');
        messages.add((e as Error).message);
      }
    }
    expect(messages.size).toBe(1);
    expect(codeOf(() => readTargetKey(u8(blob), { format: 'wrapped' }))).toBe('TRANSPORT_KEY_REQUIRED');
    expect(codeOf(() => readTargetKey(u8(blob), { transportKey: new Uint8Array(20) }))).toBe('INVALID_TRANSPORT_KEY');
  });
});
