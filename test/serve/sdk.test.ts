// `byok serve` driven by the real clients over TLS: @azure/identity's ClientSecretCredential signs in at
// the server's token endpoint, @azure/keyvault-keys creates a KEK, downloads it, imports what
// wrapForAzure (the Wasm core) wrapped, and uses the key; node:crypto checks every result against the
// original key. The server opens the blobs with node:crypto, independently of the core.
import {
  createCipheriv, createDecipheriv, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes,
  constants, verify, type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek, wrapForAzure } from '../../src/index.js';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { call, handMadeByok, startTestServer, tokenFor, type TestServer } from '../helpers/serve.js';

interface RestErrorLike { statusCode?: number; code?: string; message: string }

async function refusal(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (e) {
    return e as RestErrorLike;
  }
  throw new Error('expected the service to refuse');
}

const der = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));

describe('byok serve with @azure/keyvault-keys and @azure/identity over TLS', () => {
  let t: TestServer;
  let cred: ClientSecretCredential;
  let client: KeyClient;
  let kek: KeyVaultKey;
  const crypto = (id: string): CryptographyClient => new CryptographyClient(id, cred, { disableChallengeResourceVerification: true, tlsOptions: { ca: t.ca } });

  beforeAll(async () => {
    t = await startTestServer();
    cred = new ClientSecretCredential(t.admin.tenantId, t.admin.clientId, t.admin.clientSecret, { authorityHost: t.url, disableInstanceDiscovery: true, tlsOptions: { ca: t.ca } });
    client = new KeyClient(t.url, cred, { disableChallengeResourceVerification: true, tlsOptions: { ca: t.ca }, retryOptions: { maxRetries: 0 } });
    kek = await client.createRsaKey('KEKforBYOK', { hsm: true, keySize: 4096, keyOps: ['import'] });
  });
  afterAll(() => t?.stop());

  it('creates an import-only RSA-HSM KEK with a versioned kid on this server', async () => {
    expect(kek.keyType).toBe('RSA-HSM');
    expect(kek.keyOperations).toEqual(['import']);
    expect(kek.id).toMatch(new RegExp(`^${t.url}/keys/KEKforBYOK/[0-9a-f]{32}$`));
    const downloaded = await client.getKey('KEKforBYOK');
    expect(downloaded.id).toBe(kek.id);
    expect(readKek(downloaded).bits).toBe(4096);
  });

  it('RSA: wrapForAzure → importKey (t) → sign RS256/PS384 and decrypt, checked with node:crypto', async () => {
    const target = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const w = wrapForAzure(readKek(await client.getKey('KEKforBYOK')), der(target.privateKey));
    const imported = await client.importKey('rsa-target', w.sdkKey, { hardwareProtected: true });
    expect(imported.keyType).toBe('RSA-HSM');
    const jwk = target.publicKey.export({ format: 'jwk' });
    expect(Buffer.from(imported.key!.n!).toString('base64url')).toBe(jwk.n);
    const cc = crypto(imported.id!);
    const msg = Buffer.from('rehearsal');
    const rs = await cc.sign('RS256', createHash('sha256').update(msg).digest());
    expect(verify('sha256', msg, target.publicKey, Buffer.from(rs.result))).toBe(true);
    const ps = await cc.sign('PS384', createHash('sha384').update(msg).digest());
    expect(verify('sha384', msg, { key: target.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }, Buffer.from(ps.result))).toBe(true);
    for (const [alg, hash] of [['RSA-OAEP', 'sha1'], ['RSA-OAEP-256', 'sha256']] as const) {
      const ct = publicEncrypt({ key: target.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, msg);
      expect(Buffer.from((await cc.decrypt({ algorithm: alg, ciphertext: ct })).result).toString()).toBe('rehearsal');
    }
    const ct15 = publicEncrypt({ key: target.publicKey, padding: constants.RSA_PKCS1_PADDING }, msg);
    expect(Buffer.from((await cc.decrypt({ algorithm: 'RSA1_5', ciphertext: ct15 })).result).toString()).toBe('rehearsal');
    // the service's own verify agrees (the SDK would verify locally; ask the REST API directly)
    const token = await tokenFor(t.url, t.ca, t.admin);
    const v = await call(t.url, t.ca, 'POST', `/keys/rsa-target/${imported.properties.version}/verify?api-version=7.6`, {
      token, body: { alg: 'PS384', digest: createHash('sha384').update(msg).digest('base64url'), value: Buffer.from(ps.result).toString('base64url') },
    });
    expect(v.json()).toEqual({ value: true });
  });

  it('byok wrap (the CLI) takes the KEK as the server shows it, loopback kid with port, and its blob imports', async () => {
    requireBuiltCli();
    const tmp = tempDir('byok-serve-wrap-');
    try {
      const token = await tokenFor(t.url, t.ca, t.admin);
      writeFileSync(tmp.path('kek.json'), (await call(t.url, t.ca, 'GET', '/keys/KEKforBYOK?api-version=7.6', { token })).text);
      const target = generateKeyPairSync('ec', { namedCurve: 'P-521' });
      writeFileSync(tmp.path('key.pem'), target.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const r = byok(['wrap', '--kek', tmp.path('kek.json'), '--key', tmp.path('key.pem'), '--out', tmp.path('key.byok')]);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain(kek.id!);
      expect(r.stdout).toMatch(/az keyvault key import --hsm-name localhost /);
      const imported = await client.importKey('cli-wrapped', { kty: 'EC-HSM', keyOps: ['sign', 'verify'], t: readFileSync(tmp.path('key.byok')) }, { hardwareProtected: true });
      expect(Buffer.from(imported.key!.x!).toString('base64url')).toBe(target.publicKey.export({ format: 'jwk' }).x);
    } finally {
      tmp.cleanup();
    }
  });

  it('EC: P-256 and secp256k1 keys sign ES256 / ES256K, checked with node:crypto', async () => {
    for (const [curve, alg] of [['P-256', 'ES256'], ['secp256k1', 'ES256K']] as const) {
      const target = generateKeyPairSync('ec', { namedCurve: curve });
      const w = wrapForAzure(readKek(kek), der(target.privateKey));
      const imported = await client.importKey(`ec-${alg.toLowerCase()}`, w.sdkKey, { hardwareProtected: true });
      expect(imported.keyType).toBe('EC-HSM');
      expect(imported.key!.crv).toBe(curve === 'P-256' ? 'P-256' : 'P-256K');
      expect(imported.keyOperations).toEqual(['sign', 'verify']);
      const msg = Buffer.from(`signed by ${curve}`);
      const sig = await crypto(imported.id!).sign(alg, createHash('sha256').update(msg).digest());
      expect(verify('sha256', msg, { key: target.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig.result))).toBe(true);
    }
  });

  it('AES: an oct-HSM key wraps (A256KW, CKM_AES_KEY_WRAP_PAD) and encrypts (A256GCM, A256CBCPAD) as node:crypto does with the original', async () => {
    const aes = randomBytes(32);
    const w = wrapForAzure(readKek(kek), aes);
    const imported = await client.importKey('aes-target', w.sdkKey, { hardwareProtected: true });
    expect(imported.keyType).toBe('oct-HSM');
    expect(imported.key!.k).toBeUndefined();
    const cc = crypto(imported.id!);
    const secret = randomBytes(32);
    const wrapped = await cc.wrapKey('A256KW', secret);
    const kw = createDecipheriv('id-aes256-wrap', aes, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
    expect(Buffer.concat([kw.update(wrapped.result), kw.final()]).equals(secret)).toBe(true);
    const kwp = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
    const odd = randomBytes(20);
    const wrappedPad = Buffer.concat([kwp.update(odd), kwp.final()]);
    expect(Buffer.from((await cc.unwrapKey('CKM_AES_KEY_WRAP_PAD', wrappedPad)).result).equals(odd)).toBe(true);
    const gcm = await cc.encrypt({ algorithm: 'A256GCM', plaintext: Buffer.from('hello gcm'), additionalAuthenticatedData: Buffer.from('aad') });
    const d = createDecipheriv('aes-256-gcm', aes, gcm.iv!);
    d.setAAD(Buffer.from('aad'));
    d.setAuthTag(gcm.authenticationTag!);
    expect(Buffer.concat([d.update(gcm.result), d.final()]).toString()).toBe('hello gcm');
    const iv = randomBytes(16);
    const cbc = createCipheriv('aes-256-cbc', aes, iv);
    const ct = Buffer.concat([cbc.update('hello cbc'), cbc.final()]);
    expect(Buffer.from((await cc.decrypt({ algorithm: 'A256CBCPAD', ciphertext: ct, iv })).result).toString()).toBe('hello cbc');
  });

  it('refuses, with the service\'s error and the failing layer named: another KEK, tampering, a KEK without import, an unsupported curve', async () => {
    const target = der(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const kekInfo = readKek(kek);
    // another 4096-bit public key under this kid (the KEK's modulus with other low bits: any odd number of
    // that size encrypts): the RSA-OAEP layer does not open
    const otherN = Buffer.from(kek.key!.n!);
    otherN[otherN.length - 2]! ^= 0x10;
    const forOther = wrapForAzure(readKek({ kty: 'RSA', n: otherN.toString('base64url'), e: 'AQAB' }, { kid: kek.id! }), target);
    let e = await refusal(client.importKey('x1', forOther.sdkKey, { hardwareProtected: true }));
    expect([e.statusCode, e.code]).toEqual([400, 'BadParameter']);
    expect(e.message).toMatch(/RSA-OAEP layer does not decrypt/);
    // tampered: one bit in the key-wrap part, then one in the RSA part
    const good = wrapForAzure(kekInfo, target);
    const tamper = (at: (ct: Buffer) => number): Uint8Array => {
      const file = JSON.parse(Buffer.from(good.bytes).toString()) as { ciphertext: string };
      const ct = Buffer.from(file.ciphertext, 'base64url');
      ct[at(ct)]! ^= 0x01;
      return Buffer.from(JSON.stringify({ ...file, ciphertext: ct.toString('base64url') }));
    };
    e = await refusal(client.importKey('x2', { ...good.sdkKey, t: tamper((ct) => ct.length - 3) }, { hardwareProtected: true }));
    expect([e.statusCode, e.code]).toEqual([400, 'BadParameter']);
    expect(e.message).toMatch(/AES key-wrap layer failed its integrity check/);
    e = await refusal(client.importKey('x3', { ...good.sdkKey, t: tamper(() => 100) }, { hardwareProtected: true }));
    expect(e.message).toMatch(/RSA-OAEP layer does not decrypt/);
    // a KEK without the import operation
    const plain = await client.createRsaKey('not-a-kek', { hsm: true, keySize: 2048 });
    const plainJwk = { kty: 'RSA', n: Buffer.from(plain.key!.n!).toString('base64url'), e: Buffer.from(plain.key!.e!).toString('base64url') };
    const forPlain = wrapForAzure(readKek(plainJwk, { kid: plain.id! }), target);
    e = await refusal(client.importKey('x4', forPlain.sdkKey, { hardwareProtected: true }));
    expect(e.message).toMatch(/is not a key-exchange key: its key_ops are .*exactly \["import"\]/);
    // an unsupported curve (P-224: the toolkit refuses to wrap it, so the blob is made with node:crypto)
    const p224 = der(generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).privateKey);
    const blob224 = handMadeByok(kek.id!, createPublicKey({ key: kekInfo.spki as Buffer, format: 'der', type: 'spki' }), p224);
    e = await refusal(client.importKey('x5', { kty: 'EC-HSM', keyOps: ['sign', 'verify'], t: blob224 }, { hardwareProtected: true }));
    expect([e.statusCode, e.code]).toEqual([400, 'BadParameter']);
    expect(e.message).toMatch(/curve "secp224r1" is not supported/);
    // the kty says RSA, the blob holds an EC key; the kid names no key of this HSM
    e = await refusal(client.importKey('x6', { ...good.sdkKey, kty: 'RSA-HSM', keyOps: ['sign'] }, { hardwareProtected: true }));
    expect(e.message).toMatch(/kty\) is RSA-HSM but the key is an EC key/);
    const elsewhere = wrapForAzure(readKek(kekInfo.spki, { kid: 'https://contoso.managedhsm.azure.net/keys/KEK/0123456789abcdef0123456789abcdef' }), target);
    e = await refusal(client.importKey('x7', elsewhere.sdkKey, { hardwareProtected: true }));
    expect(e.message).toMatch(/is not a key of this HSM/);
    // nothing half-made: none of the refused names exists
    const names: string[] = [];
    for await (const p of client.listPropertiesOfKeys()) names.push(p.name);
    expect(names.filter((n) => /^x\d$/.test(n))).toEqual([]);
  });

  it('imports plain JWKs, and soft-deletes, recovers and purges as the SDK expects', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = rsa.privateKey.export({ format: 'jwk' });
    const b = (s: string | undefined): Uint8Array => Buffer.from(s!, 'base64url');
    const imported = await client.importKey('jwk-rsa', { kty: 'RSA', n: b(j.n), e: b(j.e), d: b(j.d), p: b(j.p), q: b(j.q), dp: b(j.dp), dq: b(j.dq), qi: b(j.qi) });
    expect(imported.keyType).toBe('RSA-HSM');
    const again = await client.importKey('jwk-rsa', { kty: 'RSA', n: b(j.n), e: b(j.e), d: b(j.d), p: b(j.p), q: b(j.q), dp: b(j.dp), dq: b(j.dq), qi: b(j.qi) });
    const versions: string[] = [];
    for await (const v of client.listPropertiesOfKeyVersions('jwk-rsa')) versions.push(v.version!);
    expect(versions.sort()).toEqual([imported.properties.version, again.properties.version].sort());
    const poller = await client.beginDeleteKey('jwk-rsa', { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${t.url}/deletedkeys/jwk-rsa`);
    expect((await refusal(client.getKey('jwk-rsa'))).statusCode).toBe(404);
    const conflict = await refusal(client.createRsaKey('jwk-rsa'));
    expect([conflict.statusCode, conflict.code]).toEqual([409, 'Conflict']);
    await (await client.beginRecoverDeletedKey('jwk-rsa', { intervalInMs: 10 })).pollUntilDone();
    expect((await client.getKey('jwk-rsa')).properties.version).toBe(again.properties.version);
    await (await client.beginDeleteKey('jwk-rsa', { intervalInMs: 10 })).pollUntilDone();
    await client.purgeDeletedKey('jwk-rsa');
    expect((await refusal(client.getDeletedKey('jwk-rsa'))).statusCode).toBe(404);
    const keyLog = readFileSync(join(t.dir, 'keys', 'keys.log'), 'utf8');
    expect(keyLog).toContain('"name":"not-a-kek"'); // the store holds the key, and only sealed
    expect(keyLog).not.toContain(j.d!);
    expect(keyLog).not.toContain(Buffer.from(j.d!, 'base64url').toString('base64'));
  });

  it('answers the 401 challenge without a body, and refuses tokens of another server and expired ones', async () => {
    const none = await call(t.url, t.ca, 'GET', '/keys?api-version=7.6');
    expect(none.status).toBe(401);
    expect(none.text).toBe('');
    expect(none.headers['www-authenticate']).toBe(`Bearer authorization="${t.url}/${t.admin.tenantId}", resource="https://managedhsm.azure.net"`);
    const good = await tokenFor(t.url, t.ca, t.admin);
    expect((await call(t.url, t.ca, 'GET', '/keys?api-version=7.6', { token: good })).status).toBe(200);
    const other = await startTestServer();
    try {
      const foreign = await tokenFor(other.url, other.ca, other.admin);
      expect((await call(t.url, t.ca, 'GET', '/keys?api-version=7.6', { token: foreign })).status).toBe(401);
    } finally {
      await other.stop();
    }
    const key = readFileSync(join(t.dir, 'private', 'token-key.pem'), 'utf8');
    const { createPrivateKey } = await import('node:crypto');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tid: t.admin.tenantId, oid: t.admin.objectId, appid: t.admin.clientId })
      .setProtectedHeader({ alg: 'ES256' }).setIssuer(`https://sts.windows.net/${t.admin.tenantId}/`).setAudience('https://managedhsm.azure.net')
      .setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(createPrivateKey(key));
    expect((await call(t.url, t.ca, 'GET', '/keys?api-version=7.6', { token: expired })).status).toBe(401);
    const bad = await call(t.url, t.ca, 'POST', `/${t.admin.tenantId}/oauth2/v2.0/token`, {
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: `${t.admin.clientSecret}x`, scope: 'https://managedhsm.azure.net/.default' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([bad.status, bad.json()['error']]).toEqual([401, 'invalid_client']);
    expect(t.admin.clientSecret).toMatch(/^[A-Za-z]/);
  });

  it('serves what an az custom cloud reads: ADFS metadata and token endpoint, subscriptions, tenants', async () => {
    const meta = (await call(t.url, t.ca, 'GET', '/adfs/.well-known/openid-configuration')).json();
    expect(meta).toMatchObject({ issuer: `${t.url}/adfs`, token_endpoint: `${t.url}/adfs/oauth2/token` });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: t.admin.clientSecret, resource: 'https://management.core.windows.net/' });
    const arm = await call(t.url, t.ca, 'POST', '/adfs/oauth2/token', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const token = arm.json<{ access_token: string }>().access_token;
    expect((await call(t.url, t.ca, 'GET', '/subscriptions?api-version=2022-12-01', { token })).json()).toEqual({ value: [] });
    expect((await call(t.url, t.ca, 'GET', '/tenants?api-version=2022-12-01', { token })).json<{ value: { tenantId: string }[] }>().value[0]!.tenantId).toBe(t.admin.tenantId);
    // a management token is not a Managed HSM token
    expect((await call(t.url, t.ca, 'GET', '/keys?api-version=7.6', { token })).status).toBe(401);
    expect((await call(t.url, t.ca, 'GET', '/subscriptions')).status).toBe(401);
  });
});
