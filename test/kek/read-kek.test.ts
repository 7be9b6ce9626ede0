// KEK intake in every shape it reaches users, cross-checked with node:crypto and the OpenSSL CLI, and each
// of Azure's rules refused with its own code.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError, type ByokErrorCode } from '../../src/errors.js';
import { checkKekForAzure, parseAzureKid, readKek, type Kek } from '../../src/kek/index.js';
import { KEY_SETS, isPublicOnly, loadManifest } from '../helpers/manifests.js';
import { openssl, requireOpenssl, tempDir } from '../helpers/openssl.js';
import { codeOf } from '../helpers/errors.js';

const HAVE_OPENSSL = requireOpenssl();
const KID = 'https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';


const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

interface Fixture {
  bits: number;
  pub: KeyObject;
  spkiDer: Buffer;
  spkiPem: string;
  pkcs1Der: Buffer;
  pkcs1Pem: string;
  jwk: { kty: string; n: string; e: string };
  certPem?: string;
  certDer?: Buffer;
  /** SHA-256 of OpenSSL's DER SubjectPublicKeyInfo: the fingerprint users compare. */
  opensslSha256: Buffer;
}

const fixtures = new Map<number, Fixture>();
const tmp = tempDir('byok-kek-');

function makeFixture(bits: number): Fixture {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const spkiPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const f: Fixture = {
    bits,
    pub: publicKey,
    spkiDer: publicKey.export({ format: 'der', type: 'spki' }),
    spkiPem,
    pkcs1Der: publicKey.export({ format: 'der', type: 'pkcs1' }),
    pkcs1Pem: publicKey.export({ format: 'pem', type: 'pkcs1' }) as string,
    jwk: publicKey.export({ format: 'jwk' }) as Fixture['jwk'],
    opensslSha256: createHash('sha256').update(HAVE_OPENSSL ? openssl(['pkey', '-pubin', '-outform', 'DER'], spkiPem) : publicKey.export({ format: 'der', type: 'spki' })).digest(),
  };
  if (HAVE_OPENSSL) {
    const keyPath = tmp.file(`rsa${bits}.pem`, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    f.certPem = openssl(['req', '-x509', '-new', '-key', keyPath, '-subj', '/CN=KEKforBYOK', '-days', '1', '-sha256']).toString('utf8');
    f.certDer = openssl(['x509', '-outform', 'DER'], f.certPem);
  }
  return f;
}

beforeAll(() => {
  for (const bits of [1024, 2048, 3072, 4096]) fixtures.set(bits, makeFixture(bits));
}, 120_000);
afterAll(() => tmp.cleanup());

const fx = (bits: number): Fixture => fixtures.get(bits) as Fixture;

function expectSameKey(k: Kek, f: Fixture): void {
  expect(k.bits).toBe(f.bits);
  expect(b64u(k.n)).toBe(f.jwk.n);
  expect(b64u(k.e)).toBe(f.jwk.e);
  expect(Buffer.from(k.spki).equals(f.spkiDer)).toBe(true);
  expect(Buffer.from(k.fingerprint.sha256).equals(f.opensslSha256)).toBe(true);
  expect(k.fingerprint.base64).toBe(f.opensslSha256.toString('base64'));
  // lowercase without spaces, as sha256sum prints it; grouped to read aloud
  expect(k.fingerprint.hex).toBe(f.opensslSha256.toString('hex'));
  expect(k.fingerprint.grouped.replace(/ /g, '')).toBe(f.opensslSha256.toString('hex').toUpperCase());
  expect(k.fingerprint.grouped).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
}

function azureJson(f: Fixture, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    attributes: { enabled: true, exportable: false, recoveryLevel: 'Recoverable+Purgeable' },
    key: { kid: KID, kty: 'RSA-HSM', key_ops: ['import'], n: f.jwk.n, e: f.jwk.e, ...over },
  };
}

/** The shape `az keyvault key show` prints: camelCase keyOps, null members, standard base64 numbers. */
function azCliJson(f: Fixture): Record<string, unknown> {
  const n = Buffer.from(f.jwk.n, 'base64url').toString('base64');
  return {
    attributes: { enabled: true },
    key: { crv: null, d: null, dp: null, dq: null, e: 'AQAB', k: null, keyOps: ['import'], kid: KID, kty: 'RSA-HSM', n, p: null, q: null, qi: null, t: null, x: null, y: null },
    managed: null, releasePolicy: null, tags: null,
  };
}

/** The shape @azure/keyvault-keys getKey returns (KeyVaultKey), built by hand. */
function sdkKey(f: Fixture, ops: string[] = ['import']): Record<string, unknown> {
  const n = new Uint8Array(Buffer.from(f.jwk.n, 'base64url'));
  const e = new Uint8Array(Buffer.from(f.jwk.e, 'base64url'));
  return {
    id: KID, name: 'KEKforBYOK', keyType: 'RSA-HSM', keyOperations: ops,
    key: { kid: KID, kty: 'RSA-HSM', keyOps: ops, n, e },
    properties: { id: KID, name: 'KEKforBYOK', vaultUrl: 'https://contosokeyvaulthsm.vault.azure.net', version: 'eba63d27e4e34e028839b53fac905621', enabled: true },
  };
}

describe('readKek: every input shape gives the same key and fingerprint', () => {
  for (const bits of [2048, 3072, 4096]) {
    it(`RSA-${bits}: SPKI PEM/DER, PKCS#1 PEM/DER, JWK, az/REST JSON, KeyVaultKey`, () => {
      const f = fx(bits);
      const enc = new TextEncoder();
      const cases: [string, Kek][] = [
        ['spki-pem', readKek(enc.encode(f.spkiPem))],
        ['spki-pem', readKek(f.spkiPem)],
        ['spki-der', readKek(new Uint8Array(f.spkiDer))],
        ['pkcs1-pem', readKek(enc.encode(f.pkcs1Pem))],
        ['pkcs1-der', readKek(new Uint8Array(f.pkcs1Der))],
        ['jwk', readKek(f.jwk)],
        ['jwk', readKek(JSON.stringify(f.jwk))],
        ['azure-json', readKek(enc.encode(JSON.stringify(azureJson(f), null, 2)))],
        ['azure-json', readKek(azCliJson(f))],
        ['azure-sdk', readKek(sdkKey(f))],
      ];
      for (const [source, k] of cases) {
        expect(k.source).toBe(source);
        expectSameKey(k, f);
      }
      for (const [, k] of cases.filter(([s]) => s.startsWith('azure'))) {
        expect(k.kid).toBe(KID);
        expect(k.keyOps).toEqual(['import']);
        expect(k.kty).toBe('RSA-HSM');
        expect(() => checkKekForAzure(k, { requireKid: true })).not.toThrow();
      }
    });
  }

  it.skipIf(!HAVE_OPENSSL)('X.509 certificate, PEM and DER (the key of the certificate; no trust decision)', () => {
    const f = fx(2048);
    const pem = readKek(f.certPem as string);
    const der = readKek(new Uint8Array(f.certDer as Buffer));
    for (const k of [pem, der]) {
      expect(k.source).toBe('x509');
      expectSameKey(k, f);
    }
  });

  it('opts.kid supplies the kid of a PEM download; a different kid in the input is refused', () => {
    const f = fx(2048);
    const k = readKek(f.spkiPem, { kid: KID });
    expect(k.kid).toBe(KID);
    expect(() => checkKekForAzure(k, { requireKid: true })).not.toThrow();
    expect(codeOf(() => readKek(azureJson(f), { kid: KID.replace('eba6', 'fba6') }))).toBe('KEK_KID_MISMATCH');
    expect(readKek(azureJson(f), { kid: KID }).kid).toBe(KID);
  });

  it('fingerprint of a known key equals `openssl pkey -pubin -outform DER | sha256`', () => {
    // Independent of node:crypto's export: OpenSSL re-encodes the PKCS#1 file as SPKI itself.
    const f = fx(3072);
    if (!HAVE_OPENSSL) return;
    const der = openssl(['pkey', '-pubin', '-inform', 'DER', '-outform', 'DER'], new Uint8Array(f.spkiDer));
    const k = readKek(f.pkcs1Pem);
    expect(Buffer.from(k.fingerprint.sha256).toString('hex')).toBe(createHash('sha256').update(der).digest('hex'));
  });
});

describe('readKek refuses what is not an RSA public key', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  it('EC and Ed25519 keys: KEK_NOT_RSA (SPKI, JWK, az JSON)', () => {
    expect(codeOf(() => readKek(ec.publicKey.export({ format: 'pem', type: 'spki' }) as string))).toBe('KEK_NOT_RSA');
    expect(codeOf(() => readKek(new Uint8Array(ec.publicKey.export({ format: 'der', type: 'spki' }))))).toBe('KEK_NOT_RSA');
    expect(codeOf(() => readKek(ec.publicKey.export({ format: 'jwk' }) as object))).toBe('KEK_NOT_RSA');
    expect(codeOf(() => readKek({ key: { ...(ec.publicKey.export({ format: 'jwk' }) as object), kty: 'EC-HSM', kid: KID } }))).toBe('KEK_NOT_RSA');
    expect(codeOf(() => readKek(ed.publicKey.export({ format: 'pem', type: 'spki' }) as string))).toBe('KEK_NOT_RSA');
  });
  it('a private key given as KEK: MALFORMED_KEK naming the mistake', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const input of [
      privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
      new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
      privateKey.export({ format: 'jwk' }) as object,
    ]) {
      let err: unknown;
      try {
        readKek(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ByokError);
      expect((err as ByokError).code).toBe('MALFORMED_KEK');
      expect((err as ByokError).message).toMatch(/private key/);
    }
  });
  it('damaged inputs: MALFORMED_KEK with a path', () => {
    const f = fx(2048);
    const der = new Uint8Array(f.spkiDer);
    const trailing = new Uint8Array([...der, 0]);
    const truncated = der.subarray(0, der.length - 1);
    const longLen = new Uint8Array([0x30, 0x82, 0x00, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03]); // non-minimal length
    const evenN = { kty: 'RSA', n: b64u(new Uint8Array([0xc0, ...new Uint8Array(255)])), e: 'AQAB' };
    for (const input of [trailing, truncated, longLen, '{', '{"hello":1}', 'not a key', evenN, { kty: 'RSA', n: '***', e: 'AQAB' }]) {
      let err: unknown;
      try {
        readKek(input);
      } catch (e) {
        err = e;
      }
      expect(err, String(input)).toBeInstanceOf(ByokError);
      expect((err as ByokError).code).toBe('MALFORMED_KEK');
      expect((err as ByokError).path).toBeTypeOf('string');
    }
    expect(codeOf(() => readKek(42 as unknown as object))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => readKek(null as unknown as object))).toBe('INVALID_ARGUMENT');
  });
});

describe('checkKekForAzure: one code per rule', () => {
  it('size: 1024 bits parses, Azure refuses it', () => {
    const k = readKek(fx(1024).spkiPem);
    expect(k.bits).toBe(1024);
    expect(codeOf(() => checkKekForAzure(k))).toBe('KEK_UNSUPPORTED_SIZE');
  });
  it('public exponent: even or 1', () => {
    const f = fx(2048);
    expect(codeOf(() => checkKekForAzure(readKek({ kty: 'RSA', n: f.jwk.n, e: 'Ag' })))).toBe('KEK_BAD_EXPONENT');
    expect(codeOf(() => checkKekForAzure(readKek({ kty: 'RSA', n: f.jwk.n, e: 'AQ' })))).toBe('KEK_BAD_EXPONENT');
  });
  it('kty: RSA-HSM required from Azure JSON; a bare JWK may say RSA', () => {
    const f = fx(2048);
    expect(codeOf(() => checkKekForAzure(readKek(azureJson(f, { kty: 'RSA' }))))).toBe('KEK_WRONG_KTY');
    expect(codeOf(() => checkKekForAzure(readKek({ ...sdkKey(f), keyType: 'RSA' })))).toBe('KEK_WRONG_KTY');
    expect(codeOf(() => checkKekForAzure(readKek(f.jwk)))).toBe('ok');
  });
  it('key_ops: exactly ["import"]', () => {
    const f = fx(2048);
    for (const ops of [['import', 'decrypt'], ['wrapKey', 'unwrapKey'], [], ['Import']]) {
      expect(codeOf(() => checkKekForAzure(readKek(azureJson(f, { key_ops: ops }))))).toBe('KEK_WRONG_KEY_OPS');
      expect(codeOf(() => checkKekForAzure(readKek(sdkKey(f, ops))))).toBe('KEK_WRONG_KEY_OPS');
    }
  });
  it('kid: versioned https Key Vault / Managed HSM key URL', () => {
    const f = fx(2048);
    const withKid = (kid: string): ByokErrorCode | 'ok' => codeOf(() => checkKekForAzure(readKek(azureJson(f, { kid }))));
    expect(withKid(KID)).toBe('ok');
    expect(withKid('https://myhsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef')).toBe('ok');
    expect(withKid('https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK')).toBe('KEK_KID_UNVERSIONED');
    expect(withKid('https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/')).toBe('KEK_KID_UNVERSIONED');
    expect(withKid('http://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621')).toBe('KEK_KID_INVALID');
    expect(withKid('https://contoso.example.com/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621')).toBe('KEK_KID_INVALID');
    expect(withKid('https://vault.azure.net.evil.com/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621')).toBe('KEK_KID_INVALID');
    expect(withKid('https://contosokeyvaulthsm.vault.azure.net/secrets/KEKforBYOK/eba63d27e4e34e028839b53fac905621')).toBe('KEK_KID_INVALID');
    expect(withKid('https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/not-a-version')).toBe('KEK_KID_INVALID');
    expect(withKid('https://contosokeyvaulthsm.vault.azure.net:8443/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621')).toBe('KEK_KID_INVALID');
    expect(withKid('KEKforBYOK')).toBe('KEK_KID_INVALID');
    // `byok serve`: a loopback host with a port; credentials, queries and fragments stay refused there too
    expect(withKid('https://127.0.0.1:8443/keys/KEK/0123456789abcdef0123456789abcdef')).toBe('ok');
    expect(withKid('https://localhost:40001/keys/KEK/0123456789abcdef0123456789abcdef')).toBe('ok');
    expect(withKid('https://u:p@127.0.0.1:8443/keys/KEK/0123456789abcdef0123456789abcdef')).toBe('KEK_KID_INVALID');
    expect(withKid('https://127.0.0.1:8443/keys/KEK/0123456789abcdef0123456789abcdef?x=1')).toBe('KEK_KID_INVALID');
    expect(withKid('https://127.0.0.1:8443/keys/KEK/0123456789abcdef0123456789abcdef#x')).toBe('KEK_KID_INVALID');
  });
  it('kid: required on request; messages say how to get it', () => {
    const k = readKek(fx(2048).spkiPem);
    expect(codeOf(() => checkKekForAzure(k))).toBe('ok');
    let msg = '';
    try {
      checkKekForAzure(k, { requireKid: true });
    } catch (e) {
      expect((e as ByokError).code).toBe('KEK_KID_MISSING');
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/az keyvault key show .*--query key\.kid/);
    try {
      parseAzureKid('https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK');
    } catch (e) {
      expect((e as Error).message).toMatch(/az keyvault key show .*--query key\.kid/);
    }
    expect(parseAzureKid(KID)).toEqual({ host: 'contosokeyvaulthsm.vault.azure.net', service: 'vault', name: 'KEKforBYOK', version: 'eba63d27e4e34e028839b53fac905621' });
  });
});

describe.skipIf(!HAVE_OPENSSL)('readKek on the public-key files of the vector manifests', () => {
  for (const set of KEY_SETS) {
    for (const e of loadManifest(set).filter(isPublicOnly)) {
      const rsa = /^RSA/.test(e.keyType ?? '');
      it(`${set}/${e.file}: ${rsa ? 'same key as OpenSSL' : 'KEK_NOT_RSA'}`, () => {
        const bytes = new Uint8Array(readFileSync(e.path));
        if (!rsa) {
          expect(codeOf(() => readKek(bytes))).toBe('KEK_NOT_RSA');
          return;
        }
        const k = readKek(bytes);
        const der = /DER/i.test(e.kind) || e.kind.endsWith('-der');
        const theirs = e.kind.startsWith('x509')
          ? openssl(['pkey', '-pubin', '-outform', 'DER'], openssl(['x509', '-in', e.path, '-inform', der ? 'DER' : 'PEM', '-pubkey', '-noout']))
          : e.kind.startsWith('pkcs1-public')
            ? openssl(['rsa', '-RSAPublicKey_in', '-in', e.path, '-inform', der ? 'DER' : 'PEM', '-pubout', '-outform', 'DER'])
            : openssl(['pkey', '-pubin', '-in', e.path, '-inform', der ? 'DER' : 'PEM', '-outform', 'DER']);
        expect(Buffer.from(k.spki).toString('hex')).toBe(theirs.toString('hex'));
        expect(Buffer.from(k.fingerprint.sha256).toString('hex')).toBe(createHash('sha256').update(theirs).digest('hex'));
        expect(createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength).toBe(k.bits);
      });
    }
  }
});
