// Fixtures generated with the OpenSSL CLI at test time, one per scheme, cipher, PRF, MAC digest and
// password shape (ASCII, Unicode, empty, absent): decryption gives back exactly the key OpenSSL started from,
// a wrong password gives WRONG_PASSWORD, and the schemes we refuse are refused by name.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isByokError } from '../../src/errors.js';
import { decryptLegacyPem, decryptPkcs8, readPkcs12 } from '../../src/keys/pbe/index.js';
import { LEGACY, OPENSSL_OK, derOf, openssl, opensslTry, pemBlocks, scratchDir, utf8 } from '../helpers/pbe-openssl.js';
import { toHex } from '../helpers/vectors.js';

const UNICODE = 'päss wörd ✓';
const ASCII = 'Correct horse 42';

function expectCode(fn: () => unknown, code: string, mentions?: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(isByokError(err), `expected ByokError ${code}, got ${String(err)}`).toBe(true);
  if (!isByokError(err)) return;
  expect(`${err.code}: ${err.message}`).toMatch(new RegExp(`^${code}:`));
  if (mentions) expect(err.message).toMatch(mentions);
}

type KeyName = 'ec' | 'rsa';
let dir: ReturnType<typeof scratchDir>;
const plain: Record<KeyName, Uint8Array> = { ec: new Uint8Array(), rsa: new Uint8Array() };
const traditional: Record<KeyName, Uint8Array> = { ec: new Uint8Array(), rsa: new Uint8Array() };
const certDer: Record<KeyName, Uint8Array> = { ec: new Uint8Array(), rsa: new Uint8Array() };
const counts = { pkcs8: 0, legacyPem: 0, pkcs12: 0, refused: 0, wrongPassword: 0 };

beforeAll(() => {
  if (!OPENSSL_OK) return;
  dir = scratchDir();
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', dir.path('ec.pem')]);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', dir.path('rsa.pem')]);
  for (const k of ['ec', 'rsa'] as const) {
    plain[k] = openssl(['pkcs8', '-topk8', '-nocrypt', '-in', dir.path(`${k}.pem`), '-outform', 'DER']);
    traditional[k] = openssl([k, '-in', dir.path(`${k}.pem`), '-outform', 'DER', ...(k === 'rsa' ? ['-traditional'] : [])]);
    openssl(['req', '-x509', '-new', '-key', dir.path(`${k}.pem`), '-subj', `/CN=byok pbe test ${k}`, '-days', '30', '-out', dir.path(`${k}.crt`)]);
    certDer[k] = openssl(['x509', '-in', dir.path(`${k}.crt`), '-outform', 'DER']);
  }
});

afterAll(() => {
  dir?.cleanup();
  console.log(`pbe openssl fixtures: ${JSON.stringify(counts)}`);
});

// ---------------------------------------------------------------------------------------------------

interface Pkcs8Case {
  args: string[];
  legacy?: boolean;
  keys?: KeyName[];
  passwords?: string[];
}

const PKCS8_CASES: Pkcs8Case[] = [
  { args: ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512'], keys: ['ec', 'rsa'], passwords: [ASCII, UNICODE, ''] },
  { args: ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'] },
  { args: ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA224'] },
  { args: ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA256'] },
  { args: ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA384'] },
  { args: ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512-224'] },
  { args: ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512-256'] },
  { args: ['-v2', 'aes-256-cbc', '-iter', '1'] },
  { args: ['-v2', 'des3'], keys: ['ec', 'rsa'], passwords: [ASCII, UNICODE] },
  { args: ['-v2', 'des'], legacy: true },
  { args: ['-v2', 'rc2'], legacy: true },
  { args: ['-v2', 'rc2-40-cbc'], legacy: true },
  { args: ['-v2', 'rc2-64-cbc'], legacy: true },
  { args: ['-scrypt'], passwords: [ASCII, UNICODE] },
  { args: ['-scrypt', '-scrypt_N', '1024', '-scrypt_r', '8', '-scrypt_p', '2'] },
  { args: ['-v1', 'PBE-SHA1-3DES'], keys: ['ec', 'rsa'], passwords: [ASCII, UNICODE, ''] },
  { args: ['-v1', 'PBE-SHA1-2DES'] },
  { args: ['-v1', 'PBE-SHA1-RC2-40'], legacy: true, passwords: [ASCII, ''] },
  { args: ['-v1', 'PBE-SHA1-RC2-128'], legacy: true },
  { args: ['-v1', 'PBE-MD5-DES'], legacy: true, passwords: [ASCII, UNICODE] },
  { args: ['-v1', 'PBE-SHA1-DES'], legacy: true },
  { args: ['-v1', 'PBE-MD5-RC2-64'], legacy: true },
  { args: ['-v1', 'PBE-SHA1-RC2-64'], legacy: true },
];

const PKCS8_REFUSED: { args: string[]; legacy?: boolean; mentions: RegExp }[] = [
  { args: ['-v1', 'PBE-SHA1-RC4-128'], legacy: true, mentions: /pbeWithSHAAnd128BitRC4.*RC4 is broken/ },
  { args: ['-v1', 'PBE-SHA1-RC4-40'], legacy: true, mentions: /pbeWithSHAAnd40BitRC4/ },
  { args: ['-v2', 'camellia-128-cbc'], mentions: /Camellia-128-CBC/ },
  { args: ['-v2', 'aes-128-ofb'], mentions: /unknown algorithm 2\.16\.840\.1\.101\.3\.4\.1\.3/ },
];

function encryptPkcs8(key: KeyName, args: string[], legacy: boolean | undefined, password: string): Uint8Array {
  return openssl([
    'pkcs8', '-topk8', '-in', dir.path(`${key}.pem`), '-outform', 'DER', '-passout', `pass:${password}`, ...args, ...(legacy ? LEGACY : []),
  ]);
}

describe.runIf(OPENSSL_OK)('encrypted PKCS#8 made by openssl pkcs8 -topk8', () => {
  const rows = PKCS8_CASES.flatMap((c) =>
    (c.keys ?? ['ec']).flatMap((k) => (c.passwords ?? [ASCII]).map((pw) => [`${c.args.join(' ')} key=${k} password=${JSON.stringify(pw)}`, c, k, pw] as const)),
  );
  it.each(rows)('%s', (_name, c, key, pw) => {
    const der = encryptPkcs8(key, c.args, c.legacy, pw);
    expect(toHex(decryptPkcs8(der, utf8(pw)))).toBe(toHex(plain[key]));
    counts.pkcs8++;
    expectCode(() => decryptPkcs8(der, utf8(`${pw}!`)), 'WRONG_PASSWORD');
    counts.wrongPassword++;
  });

  it.each(PKCS8_REFUSED.map((c) => [c.args.join(' '), c] as const))('refuses %s by name', (_n, c) => {
    const der = encryptPkcs8('ec', c.args, c.legacy, ASCII);
    expectCode(() => decryptPkcs8(der, utf8(ASCII)), 'UNSUPPORTED_ENCRYPTION', c.mentions);
    counts.refused++;
  });

  it('the decrypted output is a fresh buffer and the password buffer is left untouched', () => {
    const der = encryptPkcs8('ec', ['-v2', 'aes-128-cbc'], false, ASCII);
    const pw = utf8(ASCII);
    const out = decryptPkcs8(der, pw);
    expect(new TextDecoder().decode(pw)).toBe(ASCII);
    expect(out.buffer).not.toBe(der.buffer);
  });
});

// ---------------------------------------------------------------------------------------------------

const PEM_CASES: { key: KeyName; cipher: string; legacy?: boolean; password?: string }[] = [
  { key: 'rsa', cipher: 'aes128' },
  { key: 'rsa', cipher: 'aes192' },
  { key: 'rsa', cipher: 'aes256', password: UNICODE },
  { key: 'rsa', cipher: 'des3' },
  { key: 'rsa', cipher: 'des-ede-cbc' },
  { key: 'rsa', cipher: 'des', legacy: true },
  { key: 'ec', cipher: 'aes256' },
  { key: 'ec', cipher: 'aes128', password: UNICODE },
  { key: 'ec', cipher: 'des3' },
  { key: 'ec', cipher: 'des', legacy: true },
];

function legacyPem(key: KeyName, cipher: string, legacy: boolean | undefined, password: string) {
  const out = openssl([
    key, '-in', dir.path(`${key}.pem`), `-${cipher}`, '-passout', `pass:${password}`, ...(key === 'rsa' ? ['-traditional'] : []), ...(legacy ? LEGACY : []),
  ]);
  const { der, pem } = derOf(out);
  // OpenSSL 3.0 silently writes an unencrypted key when the cipher's provider is missing: make sure not.
  expect(pem?.headers['Proc-Type']).toBe('4,ENCRYPTED');
  return { der, dekInfo: pem?.headers['DEK-Info'] as string };
}

describe.runIf(OPENSSL_OK)('legacy DEK-Info PEM made by openssl rsa / ec', () => {
  it.each(PEM_CASES.map((c) => [`openssl ${c.key} -${c.cipher} password=${JSON.stringify(c.password ?? ASCII)}`, c] as const))('%s', (_n, c) => {
    const pw = c.password ?? ASCII;
    const { der, dekInfo } = legacyPem(c.key, c.cipher, c.legacy, pw);
    expect(toHex(decryptLegacyPem(dekInfo, der, utf8(pw)))).toBe(toHex(traditional[c.key]));
    expect(toHex(decryptLegacyPem(`DEK-Info: ${dekInfo}`, der, utf8(pw)))).toBe(toHex(traditional[c.key]));
    counts.legacyPem++;
    expectCode(() => decryptLegacyPem(dekInfo, der, utf8(`${pw}!`)), 'WRONG_PASSWORD');
    counts.wrongPassword++;
  });

  it.each([
    ['aria128', /ARIA-128-CBC/],
    ['camellia128', /CAMELLIA-128-CBC/],
  ] as const)('refuses -%s by name', (cipher, mentions) => {
    const { der, dekInfo } = legacyPem('rsa', cipher, false, ASCII);
    expectCode(() => decryptLegacyPem(dekInfo, der, utf8(ASCII)), 'UNSUPPORTED_ENCRYPTION', mentions);
    counts.refused++;
  });

  it('rejects malformed DEK-Info headers and IVs of the wrong length as structure errors', () => {
    const { der } = legacyPem('ec', 'aes128', false, ASCII);
    for (const bad of ['AES-128-CBC', 'AES-128-CBC,', 'AES-128-CBC,00112233', 'AES-128-CBC,zz112233445566778899aabbccddeeff', '']) {
      expectCode(() => decryptLegacyPem(bad, der, utf8(ASCII)), 'MALFORMED_ENCRYPTED_KEY');
    }
  });
});

// ---------------------------------------------------------------------------------------------------

interface P12Case {
  args: string[];
  key?: KeyName;
  legacy?: boolean;
  password?: string; // default ASCII; '' for `-passout pass:`
  /** Passwords readPkcs12 must accept for this file (default: [password]). */
  opens?: (string | undefined)[];
  name?: string;
}

const P12_CASES: P12Case[] = [
  { args: [], name: 'default key' },
  { args: [], key: 'rsa', password: UNICODE, name: 'Schlüssel ✓ ключ' },
  { args: ['-legacy'], name: 'legacy' },
  { args: ['-legacy'], key: 'rsa', password: UNICODE },
  { args: ['-nomac'] },
  { args: ['-keypbe', 'NONE', '-certpbe', 'NONE'] },
  { args: ['-keypbe', 'PBE-SHA1-RC2-40', '-certpbe', 'PBE-SHA1-3DES'], legacy: true },
  { args: ['-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-RC2-128'], legacy: true },
  { args: ['-keypbe', 'aes-128-cbc', '-certpbe', 'aes-192-cbc'] },
  { args: ['-keypbe', 'des-ede3-cbc'] },
  { args: ['-macalg', 'sha1'] },
  { args: ['-macalg', 'sha224'] },
  { args: ['-macalg', 'sha384'] },
  { args: ['-macalg', 'sha512'] },
  { args: ['-macalg', 'md5'] },
  { args: ['-iter', '1', '-maciter'] },
  { args: ['-noiter', '-nomaciter'] },
  // No password: OpenSSL keys the MAC and the bags with the empty password; both "absent" and "" open it.
  { args: [], password: '', opens: [undefined, ''] },
  { args: ['-legacy'], password: '', opens: [undefined, ''] },
  { args: ['-keypbe', 'NONE', '-certpbe', 'NONE'], password: '', opens: [undefined, ''] },
  { args: ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac'], password: '', opens: [undefined, '', 'any password'] },
];

function exportP12(c: P12Case, out: string): Uint8Array {
  const key = c.key ?? 'ec';
  openssl([
    'pkcs12', '-export', '-inkey', dir.path(`${key}.pem`), '-in', dir.path(`${key}.crt`), '-passout', `pass:${c.password ?? ASCII}`,
    ...(c.name !== undefined ? ['-name', c.name] : []), ...c.args, ...(c.legacy ? LEGACY : []), '-out', dir.path(out),
  ]);
  return dir.read(out);
}

describe.runIf(OPENSSL_OK)('PKCS#12 made by openssl pkcs12 -export', () => {
  it.each(P12_CASES.map((c, i) => [`#${i} ${c.args.join(' ') || '(defaults)'} key=${c.key ?? 'ec'} password=${JSON.stringify(c.password ?? ASCII)}`, c] as const))(
    '%s',
    (_n, c) => {
      const key = c.key ?? 'ec';
      const file = exportP12(c, 'case.p12');
      const sha1OfCert = createHash('sha1').update(certDer[key]).digest('hex');
      for (const pw of c.opens ?? [c.password ?? ASCII]) {
        const got = readPkcs12(file, pw);
        expect(got.keys).toHaveLength(1);
        const k = got.keys[0]!;
        expect(toHex(k.pkcs8)).toBe(toHex(plain[key]));
        expect(k.friendlyName).toBe(c.name);
        // OpenSSL sets localKeyID to the SHA-1 of the certificate.
        expect(k.localKeyId === undefined ? undefined : toHex(k.localKeyId)).toBe(sha1OfCert);
        expect(got.certificates.map(toHex)).toEqual([toHex(certDer[key])]);
        counts.pkcs12++;
      }
      if (!c.args.includes('-nomac') || !c.args.includes('NONE')) {
        expectCode(() => readPkcs12(file, `${c.password ?? ASCII}!`), 'WRONG_PASSWORD');
        counts.wrongPassword++;
      }
      if ((c.password ?? ASCII) !== '') expectCode(() => readPkcs12(file, undefined), 'PASSWORD_REQUIRED');
    },
  );

  it('refuses an RC4 key bag by name (after the MAC verified)', () => {
    const file = exportP12({ args: ['-keypbe', 'PBE-SHA1-RC4-128'], legacy: true }, 'rc4.p12');
    expectCode(() => readPkcs12(file, ASCII), 'UNSUPPORTED_ENCRYPTION', /pbeWithSHAAnd128BitRC4/);
    expectCode(() => readPkcs12(file, 'not it'), 'WRONG_PASSWORD');
    counts.refused++;
  });

  it('a file with two keys (merged by hand, MAC by node-forge + node:crypto, accepted by OpenSSL) lists both', () => {
    const a = exportP12({ args: ['-nomac'], key: 'ec', name: 'first key' }, 'a.p12');
    const b = exportP12({ args: ['-nomac'], key: 'rsa', name: 'second ключ' }, 'b.p12');
    const safes = [a, b].flatMap((f) => {
      const pfx = asn1js.fromBER(f).result as asn1js.Sequence;
      const ci = pfx.valueBlock.value[1] as asn1js.Sequence;
      const content = (ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString;
      return (asn1js.fromBER(content.valueBlock.valueHexView).result as asn1js.Sequence).valueBlock.value;
    });
    const authSafe = new Uint8Array(new asn1js.Sequence({ value: safes }).toBER());
    // MAC per RFC 7292 App. B with an independent PKCS#12 KDF (node-forge) and HMAC (node:crypto).
    const salt = randomBytes(16);
    const iterations = 2048;
    const macKey = forge.pki.pbe.generatePkcs12Key(ASCII, forge.util.createBuffer(salt.toString('binary')), 3, iterations, 32, forge.md.sha256.create());
    const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();
    const pfx = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 3 }),
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' }),
            new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: authSafe })] }),
          ],
        }),
        new asn1js.Sequence({
          value: [
            new asn1js.Sequence({
              value: [
                new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '2.16.840.1.101.3.4.2.1' }), new asn1js.Null()] }),
                new asn1js.OctetString({ valueHex: mac }),
              ],
            }),
            new asn1js.OctetString({ valueHex: salt }),
            new asn1js.Integer({ value: iterations }),
          ],
        }),
      ],
    });
    const merged = new Uint8Array(pfx.toBER());
    const path = dir.write('two.p12', merged);
    // Oracle: OpenSSL verifies the MAC and sees two keys.
    const r = opensslTry(['pkcs12', '-in', path, '-passin', `pass:${ASCII}`, '-nodes', '-nocerts']);
    expect(r.ok, r.stderr).toBe(true);
    expect(pemBlocks(Buffer.from(r.stdout).toString('utf8')).filter((x) => /PRIVATE KEY/.test(x.label))).toHaveLength(2);

    const got = readPkcs12(merged, ASCII);
    expect(got.keys.map((k) => k.friendlyName)).toEqual(['first key', 'second ключ']);
    expect(got.keys.map((k) => toHex(k.pkcs8))).toEqual([toHex(plain.ec), toHex(plain.rsa)]);
    expect(got.certificates.map(toHex)).toEqual([toHex(certDer.ec), toHex(certDer.rsa)]);
    expectCode(() => readPkcs12(merged, 'wrong'), 'WRONG_PASSWORD');
    counts.pkcs12++;
  });
});
