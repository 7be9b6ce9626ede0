// The wrapping keys of AWS, Google Cloud, OCI and Vault, in the shapes their CLIs print (test/helpers/cloud-keks.ts)
// and as bare PEM/DER: read to the same key OpenSSL reads (fingerprint), the cloud inferred from the JSON, a
// JSON of another cloud refused naming that cloud, validity reported, and every malformed input refused with
// its typed error.
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import {
  readAwsWrappingKey, readGcpWrappingKey, readKek, readOciWrappingKey, readVaultWrappingKey, readWrappingKey, toWrappingKey,
  wrappingKeyCloud, type Cloud, type WrappingKey,
} from '../../src/kek/index.js';
import {
  AWS_KEY_ARN, GCP_JOB, OCI_IDS, awsCliJson, gcloudImportJobJson, ociCliJson, pythonIsoformat, vaultCliJson,
} from '../helpers/cloud-keks.js';
import { codeOf, errorOf } from '../helpers/errors.js';
import { openssl, requireOpenssl } from '../helpers/openssl.js';

const HAVE_OPENSSL = requireOpenssl();

let k3072: KeyObject;
let k4096: KeyObject;
let k1024: KeyObject;
let ec: KeyObject;
let rsaPriv: KeyObject;

beforeAll(() => {
  ({ publicKey: k3072, privateKey: rsaPriv } = generateKeyPairSync('rsa', { modulusLength: 3072 }));
  k4096 = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey;
  k1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
}, 120_000);

const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string;
const der = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
/** The fingerprint users compare: SHA-256 of OpenSSL's DER SubjectPublicKeyInfo. */
const opensslFingerprint = (k: KeyObject): string =>
  createHash('sha256').update(HAVE_OPENSSL ? openssl(['pkey', '-pubin', '-outform', 'DER'], pem(k)) : der(k)).digest('hex');
const fp = (w: { fingerprint: { sha256: Uint8Array } }): string => Buffer.from(w.fingerprint.sha256).toString('hex');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const CLI_JSON: Record<Exclude<Cloud, 'azure'>, (k: KeyObject) => string> = {
  aws: (k) => awsCliJson(k).json,
  gcp: (k) => gcloudImportJobJson(k, { method: 'RSA_OAEP_3072_SHA256_AES_256' }),
  oci: (k) => ociCliJson(k),
  vault: (k) => vaultCliJson(k),
};
const READERS = { aws: readAwsWrappingKey, gcp: readGcpWrappingKey, oci: readOciWrappingKey, vault: readVaultWrappingKey } as const;
const azureJson = (k: KeyObject): string => JSON.stringify({ key: { kid: 'https://contoso.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef', kty: 'RSA-HSM', key_ops: ['import'], ...(k.export({ format: 'jwk' }) as object) } });

describe('each cloud\'s CLI output, read as that cloud\'s wrapping key', () => {
  it('AWS get-parameters-for-import (CLI v1 and v2 timestamps): key, token, ARN, validity', () => {
    const validTo = new Date('2031-07-04T20:08:42.320Z');
    const v1 = awsCliJson(k3072, { format: 'v1', validTo });
    const v2 = awsCliJson(k3072, { format: 'v2', validTo, offsetMinutes: -420 });
    expect(v2.json).toContain('"ParametersValidTo": "2031-07-04T13:08:42.320000-07:00"');
    expect(v1.json).toContain('"ParametersValidTo": 1940962122.32');
    for (const p of [v1, v2]) {
      const w = readAwsWrappingKey(enc(p.json), { now: new Date('2031-07-04T00:00:00Z') });
      expect(w.cloud).toBe('aws');
      expect(w.source).toBe('aws-json');
      expect(w.bits).toBe(3072);
      expect(fp(w)).toBe(opensslFingerprint(k3072));
      expect(w.aws.keyId).toBe(AWS_KEY_ARN);
      expect(Buffer.from(w.aws.importToken as Uint8Array).equals(p.importToken)).toBe(true);
      expect(w.aws.parametersValidTo?.toISOString()).toBe('2031-07-04T20:08:42.320Z');
      expect(w.validity.warnings).toEqual([]);
      const late = readAwsWrappingKey(p.json, { now: new Date('2031-07-05T00:00:00Z') });
      expect(late.validity.warnings.join()).toMatch(/expired at 2031-07-04T20:08:42.320Z .*get-parameters-for-import again/);
    }
  });

  it('AWS: the SDK v3 output object (Uint8Array blobs, a Date) and the bare PublicKey.bin (DER) and PEM', () => {
    const token = randomBytes(64);
    const sdk = readAwsWrappingKey({ $metadata: {}, KeyId: AWS_KEY_ARN, ImportToken: new Uint8Array(token), PublicKey: new Uint8Array(der(k4096)), ParametersValidTo: new Date('2031-01-01T00:00:00Z') });
    expect([sdk.source, sdk.bits, fp(sdk), sdk.aws.parametersValidTo?.getTime()]).toEqual(['aws-sdk', 4096, opensslFingerprint(k4096), Date.parse('2031-01-01T00:00:00Z')]);
    const bin = readAwsWrappingKey(new Uint8Array(der(k4096)));
    expect([bin.source, fp(bin), bin.aws]).toEqual(['spki-der', opensslFingerprint(k4096), {}]);
    expect(readAwsWrappingKey(pem(k4096)).source).toBe('spki-pem');
  });

  it('Google Cloud import job (HSM, with attestation certificate chains in the JSON): method, state, expiry, name', () => {
    const expireTime = new Date('2031-03-01T10:00:00.123Z');
    const json = gcloudImportJobJson(k4096, { method: 'RSA_OAEP_4096_SHA1_AES_256', expireTime });
    expect(json).toMatch(/"expireTime": "2031-03-01T10:00:00\.123\d{6}Z"/);
    expect(json.match(/BEGIN CERTIFICATE/g)?.length).toBe(4); // PEM blocks beside the key's: only publicKey.pem is read
    const w = readGcpWrappingKey(enc(json), { now: new Date('2031-02-28T00:00:00Z') });
    expect([w.cloud, w.source, w.bits, fp(w)]).toEqual(['gcp', 'gcp-json', 4096, opensslFingerprint(k4096)]);
    expect(w.gcp).toEqual({ importMethod: 'RSA_OAEP_4096_SHA1_AES_256', importJob: GCP_JOB, state: 'ACTIVE', protectionLevel: 'HSM', expireTime: new Date('2031-03-01T10:00:00.123Z') });
    expect(w.validity).toEqual({ expiresAt: new Date('2031-03-01T10:00:00.123Z'), state: 'ACTIVE', warnings: [] });
    const expired = readGcpWrappingKey(gcloudImportJobJson(k4096, { method: 'RSA_OAEP_4096_SHA256', state: 'EXPIRED', expireTime: new Date('2020-01-01T00:00:00Z') }));
    expect(expired.validity.warnings.length).toBe(2); // EXPIRED, not ACTIVE; and past its expireTime
    expect(expired.validity.warnings[0]).toMatch(/is EXPIRED, not ACTIVE/);
    const software = readGcpWrappingKey(gcloudImportJobJson(k3072, { method: 'RSA_OAEP_3072_SHA256', protectionLevel: 'SOFTWARE' }));
    expect(software.gcp.protectionLevel).toBe('SOFTWARE');
    expect(readGcpWrappingKey(pem(k3072)).gcp).toEqual({});
  });

  it('OCI wrapping-key get (kebab-case CLI) and the REST/SDK WrappingKey (camelCase)', () => {
    const w = readOciWrappingKey(enc(ociCliJson(k4096)));
    expect([w.cloud, w.source, w.bits, fp(w)]).toEqual(['oci', 'oci-json', 4096, opensslFingerprint(k4096)]);
    expect(w.oci).toMatchObject({ keyId: OCI_IDS.key, vaultId: OCI_IDS.vault, compartmentId: OCI_IDS.compartment, lifecycleState: 'ENABLED' });
    expect(w.validity.warnings).toEqual([]);
    const rest = readOciWrappingKey({ compartmentId: OCI_IDS.compartment, id: OCI_IDS.key, lifecycleState: 'DISABLED', publicKey: pem(k4096), timeCreated: '2018-04-03T21:10:29.600Z', vaultId: OCI_IDS.vault });
    expect(rest.oci.timeCreated?.toISOString()).toBe('2018-04-03T21:10:29.600Z');
    expect(rest.validity.warnings.join()).toMatch(/is DISABLED, not ENABLED/);
  });

  it('Vault transit/wrapping_key (the response envelope; the HTTP API prints the same)', () => {
    const w = readVaultWrappingKey(enc(vaultCliJson(k4096)));
    expect([w.cloud, w.source, w.bits, fp(w), w.vault.mountType]).toEqual(['vault', 'vault-json', 4096, opensslFingerprint(k4096), 'transit']);
    expect(readVaultWrappingKey(pem(k4096)).source).toBe('spki-pem');
  });
});

describe('readWrappingKey: the cloud inferred, another cloud refused by name', () => {
  it('each JSON says its cloud; a bare PEM is read for the cloud asked for (Azure by default)', () => {
    for (const [cloud, make] of Object.entries(CLI_JSON)) {
      const json = make(k3072);
      expect(wrappingKeyCloud(enc(json))).toBe(cloud);
      expect(readWrappingKey(enc(json)).cloud).toBe(cloud);
      expect(readWrappingKey(JSON.parse(json) as object).cloud).toBe(cloud);
      expect(readWrappingKey(pem(k3072), { cloud: cloud as Cloud }).cloud).toBe(cloud);
    }
    expect(wrappingKeyCloud(azureJson(k3072))).toBe('azure');
    expect(readWrappingKey(pem(k3072)).cloud).toBe('azure');
    expect(wrappingKeyCloud(pem(k3072))).toBeUndefined();
  });

  it('every pair of clouds: the JSON of one given for another is KEK_WRONG_CLOUD naming both', () => {
    const names: Record<Cloud, RegExp> = { azure: /Azure/, aws: /AWS KMS/, gcp: /Google Cloud KMS/, oci: /OCI Vault/, vault: /HashiCorp Vault/ };
    const all: Record<Cloud, string> = { ...Object.fromEntries(Object.entries(CLI_JSON).map(([c, f]) => [c, f(k3072)])), azure: azureJson(k3072) } as Record<Cloud, string>;
    let pairs = 0;
    for (const [from, json] of Object.entries(all) as [Cloud, string][]) {
      for (const to of Object.keys(all) as Cloud[]) {
        if (from === to) continue;
        const e = errorOf(() => readWrappingKey(json, { cloud: to }));
        expect([from, to, e.code]).toEqual([from, to, 'KEK_WRONG_CLOUD']);
        expect(e.message).toMatch(names[from]);
        expect(e.message).toContain(`--for ${from}`);
        // the cloud's own reader, and Azure's readKek, refuse it the same way
        const own = to === 'azure' ? () => readKek(json) : () => READERS[to](json);
        expect(codeOf(own)).toBe('KEK_WRONG_CLOUD');
        pairs++;
      }
    }
    expect(pairs).toBe(20);
  });

  it('toWrappingKey: a bare key read earlier is taken as the cloud\'s, a cloud\'s key is not another\'s', () => {
    const bare = readKek(pem(k3072));
    const asAws = toWrappingKey(bare, 'aws');
    expect([asAws.cloud, fp(asAws)]).toEqual(['aws', fp(bare)]);
    const gcp = readWrappingKey(CLI_JSON.gcp(k3072));
    expect(toWrappingKey(gcp, 'gcp')).toBe(gcp);
    expect(codeOf(() => toWrappingKey(gcp, 'aws'))).toBe('KEK_WRONG_CLOUD');
    expect(codeOf(() => toWrappingKey(readKek(azureJson(k3072)), 'vault'))).toBe('KEK_WRONG_CLOUD');
    expect(codeOf(() => toWrappingKey(readKek(pem(k1024)), 'oci'))).toBe('KEK_UNSUPPORTED_SIZE');
  });
});

describe('malformed wrapping-key files: typed errors naming the member', () => {
  const base = (): Record<Exclude<Cloud, 'azure'>, Record<string, unknown>> => ({
    aws: JSON.parse(CLI_JSON.aws(k3072)) as Record<string, unknown>,
    gcp: JSON.parse(CLI_JSON.gcp(k3072)) as Record<string, unknown>,
    oci: JSON.parse(CLI_JSON.oci(k3072)) as Record<string, unknown>,
    vault: JSON.parse(CLI_JSON.vault(k3072)) as Record<string, unknown>,
  });
  const privPem = (): string => rsaPriv.export({ type: 'pkcs8', format: 'pem' }) as string;
  type Case = [string, Exclude<Cloud, 'azure'>, (o: Record<string, unknown>) => unknown, string, RegExp?];
  const dataOf = (o: Record<string, unknown>): Record<string, unknown> => o['data'] as Record<string, unknown>;
  const cases: Case[] = [
    ['AWS: PublicKey missing', 'aws', (o) => { delete o['PublicKey']; }, 'MALFORMED_KEK', /PublicKey: missing member/],
    ['AWS: PublicKey not base64', 'aws', (o) => { o['PublicKey'] = 'MIIB!!'; }, 'MALFORMED_KEK', /PublicKey: not standard base64/],
    ['AWS: PublicKey a number', 'aws', (o) => { o['PublicKey'] = 5; }, 'MALFORMED_KEK'],
    ['AWS: PublicKey is a private key', 'aws', (o) => { o['PublicKey'] = rsaPriv.export({ type: 'pkcs8', format: 'der' }).toString('base64'); }, 'MALFORMED_KEK', /private key/],
    ['AWS: PublicKey RSA-1024', 'aws', (o) => { o['PublicKey'] = der(k1024).toString('base64'); }, 'KEK_UNSUPPORTED_SIZE'],
    ['AWS: PublicKey an EC key', 'aws', (o) => { o['PublicKey'] = der(ec).toString('base64'); }, 'KEK_NOT_RSA', /AWS KMS wrapping key/],
    ['AWS: ImportToken missing', 'aws', (o) => { delete o['ImportToken']; }, 'MALFORMED_KEK', /ImportToken: missing member/],
    ['AWS: ImportToken unpadded', 'aws', (o) => { o['ImportToken'] = (o['ImportToken'] as string).replace(/=+$/, '').slice(0, -1); }, 'MALFORMED_KEK', /ImportToken/],
    ['AWS: KeyId missing', 'aws', (o) => { delete o['KeyId']; }, 'MALFORMED_KEK', /KeyId: missing member/],
    ['AWS: KeyId an alias', 'aws', (o) => { o['KeyId'] = 'alias/my-key'; }, 'MALFORMED_KEK', /KeyId/],
    ['AWS: ParametersValidTo a word', 'aws', (o) => { o['ParametersValidTo'] = 'tomorrow'; }, 'MALFORMED_KEK', /ParametersValidTo/],
    ['AWS: ParametersValidTo 31 February', 'aws', (o) => { o['ParametersValidTo'] = '2031-02-31T00:00:00Z'; }, 'MALFORMED_KEK', /ParametersValidTo/],
    ['AWS: ParametersValidTo negative', 'aws', (o) => { o['ParametersValidTo'] = -5; }, 'MALFORMED_KEK'],
    ['Google: importMethod missing', 'gcp', (o) => { delete o['importMethod']; }, 'MALFORMED_KEK', /importMethod/],
    ['Google: importMethod of a post-quantum job', 'gcp', (o) => { o['importMethod'] = 'HPKE_KEM_XWING_HKDF_SHA256_AES_256_GCM'; }, 'UNSUPPORTED_ALGORITHM', /RSA-OAEP methods/],
    ['Google: publicKey missing on an ACTIVE job', 'gcp', (o) => { delete o['publicKey']; }, 'MALFORMED_KEK', /publicKey: missing member/],
    ['Google: publicKey.pem missing', 'gcp', (o) => { o['publicKey'] = {}; }, 'MALFORMED_KEK', /publicKey.pem/],
    ['Google: publicKey a string', 'gcp', (o) => { o['publicKey'] = pem(k3072); }, 'MALFORMED_KEK', /publicKey: expected an object/],
    ['Google: publicKey.pem is a private key', 'gcp', (o) => { o['publicKey'] = { pem: privPem() }; }, 'MALFORMED_KEK', /publicKey.pem > PEM: this is a private key/],
    ['Google: publicKey.pem damaged', 'gcp', (o) => { o['publicKey'] = { pem: pem(k3072).replace(/[A-Za-z]/, '*') }; }, 'MALFORMED_KEK', /publicKey.pem > PEM/],
    ['Google: publicKey.pem RSA-1024', 'gcp', (o) => { o['publicKey'] = { pem: pem(k1024) }; }, 'KEK_UNSUPPORTED_SIZE'],
    ['Google: job still generating', 'gcp', (o) => { delete o['publicKey']; o['state'] = 'PENDING_GENERATION'; }, 'KEK_NOT_READY'],
    ['Google: name not a job', 'gcp', (o) => { o['name'] = 'projects/p/locations/l/keyRings/r/cryptoKeys/k'; }, 'MALFORMED_KEK', /name/],
    ['Google: expireTime not RFC 3339', 'gcp', (o) => { o['expireTime'] = '2031-03-01 10:00:00'; }, 'MALFORMED_KEK', /expireTime/],
    ['OCI: public-key missing', 'oci', (o) => { delete dataOf(o)['public-key']; }, 'MALFORMED_KEK', /data.public-key: missing member/],
    ['OCI: public-key an EC key', 'oci', (o) => { dataOf(o)['public-key'] = pem(ec); }, 'KEK_NOT_RSA', /OCI Vault wrapping key/],
    ['OCI: public-key is a private key', 'oci', (o) => { dataOf(o)['public-key'] = privPem(); }, 'MALFORMED_KEK', /private key/],
    ['OCI: vault-id not an OCID', 'oci', (o) => { dataOf(o)['vault-id'] = 'my-vault'; }, 'MALFORMED_KEK', /data.vault-id/],
    ['OCI: time-created garbage', 'oci', (o) => { dataOf(o)['time-created'] = 17; }, 'MALFORMED_KEK', /time-created/],
    ['OCI: data not an object', 'oci', (o) => { o['data'] = 'x'; o['public-key'] = 'x'; }, 'MALFORMED_KEK', /data: expected an object/],
    ['Vault: public_key missing', 'vault', (o) => { dataOf(o)['public_key'] = null; }, 'MALFORMED_KEK', /data.public_key: missing member/],
    ['Vault: public_key RSA-1024', 'vault', (o) => { dataOf(o)['public_key'] = pem(k1024); }, 'KEK_UNSUPPORTED_SIZE'],
    ['Vault: public_key a number', 'vault', (o) => { dataOf(o)['public_key'] = 4096; }, 'MALFORMED_KEK'],
    ['Vault: public_key is a private key', 'vault', (o) => { dataOf(o)['public_key'] = privPem(); }, 'MALFORMED_KEK', /private key/],
  ];
  for (const [name, cloud, edit, code, message] of cases) {
    it(name, () => {
      const o = base()[cloud];
      edit(o);
      for (const input of [JSON.stringify(o, null, 2), o]) {
        const e = errorOf(() => READERS[cloud](input));
        expect(e).toBeInstanceOf(ByokError);
        expect(e.code).toBe(code);
        if (message !== undefined) expect(e.message).toMatch(message);
        expect(codeOf(() => readWrappingKey(input, { cloud }))).toBe(code);
      }
    });
  }

  it('not JSON, not PEM, not DER; truncated JSON; a JSON array', () => {
    for (const read of Object.values(READERS)) {
      expect(codeOf(() => read('{"data": {"public_key": '))).toBe('MALFORMED_KEK');
      expect(codeOf(() => read('[1, 2]'))).toBe('MALFORMED_KEK');
      expect(codeOf(() => read('hello'))).toBe('MALFORMED_KEK');
      expect(codeOf(() => read(new Uint8Array([0x30, 0x03, 0x02, 0x01])))).toBe('MALFORMED_KEK');
      expect(codeOf(() => read(42 as unknown as string))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => read(pem(k3072), { kid: 'https://x.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef' }))).toBe('INVALID_ARGUMENT');
    }
    expect(codeOf(() => readWrappingKey(pem(k3072), { cloud: 'ibm' as Cloud }))).toBe('UNSUPPORTED_CLOUD');
    expect(codeOf(() => readWrappingKey(pem(k3072), { now: new Date('x') }))).toBe('INVALID_ARGUMENT');
  });

  it('timestamps: every spelling the CLIs print, to the millisecond', () => {
    const at = new Date('2030-12-31T23:59:59.987Z');
    const read = (v: unknown): WrappingKey => readAwsWrappingKey({ ...JSON.parse(CLI_JSON.aws(k3072)) as object, ParametersValidTo: v });
    const spellings = [at.getTime() / 1000, pythonIsoformat(at, 0), pythonIsoformat(at, -480), pythonIsoformat(at, 330), '2030-12-31T23:59:59.987654321Z', '2030-12-31t23:59:59.987z', at];
    for (const s of spellings) expect((read(s) as Extract<WrappingKey, { cloud: 'aws' }>).aws.parametersValidTo?.toISOString()).toBe(at.toISOString());
    expect((read('2031-01-01T00:00:00Z') as Extract<WrappingKey, { cloud: 'aws' }>).aws.parametersValidTo?.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    for (const bad of ['2030-12-31T24:00:00Z', '2030-13-01T00:00:00Z', '2030-12-31T23:59:59+25:00', '2030-12-31T23:59:59', '1969-12-31T23:59:59Z', Number.NaN, Infinity, 1e12, true]) {
      expect(codeOf(() => read(bad))).toBe('MALFORMED_KEK');
    }
  });
});
