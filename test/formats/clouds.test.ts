// The four clouds' encodings and submission forms (exact bytes, command lines, SDK arguments), every refusal
// the issue lists (typed, before anything is made), the rehearsal's refusals, and the scheme/encoding seam a
// PKCS#11 source will use: parts made outside the core (node:crypto here, standing in for a token) encode to
// files that open like the core's.
import {
  constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject,
} from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RsaPrivateKey } from '../../src/core/index.js';
import { ByokError } from '../../src/errors.js';
import { readWrappingKey } from '../../src/kek/index.js';
import { readTargetKey, type TargetKey } from '../../src/keys/index.js';
import { base64Encode } from '../../src/formats/base64url.js';
import { describeTarget } from '../../src/formats/target.js';
import type { WrappedParts } from '../../src/formats/scheme.js';
import {
  completeWrap, prepareWrap, unwrapByok, unwrapFor, verifyFor, wrapFor, wrapForAws, wrapForAzure, wrapForGcp, wrapForOci, wrapForVault,
} from '../../src/transfer/index.js';
import { AWS_KEY_ARN, GCP_JOB, OCI_IDS, awsCliJson, gcloudImportJobJson, ociCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { codeOf, errorOf } from '../helpers/errors.js';
import { fromKeyObject } from '../helpers/rsa-keys.js';

const KID = 'https://contoso.vault.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Pair { pub: KeyObject; priv: RsaPrivateKey; pem: string }
const pairs = new Map<number, Pair>();
const t: Record<string, TargetKey> = {};

beforeAll(() => {
  for (const bits of [2048, 2560, 3072, 4096]) {
    const k = generateKeyPairSync('rsa', { modulusLength: bits });
    pairs.set(bits, { pub: k.publicKey, priv: fromKeyObject(k.privateKey).priv, pem: k.publicKey.export({ type: 'spki', format: 'pem' }) as string });
  }
  const pk8 = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));
  t['rsa'] = readTargetKey(pk8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
  t['p256'] = readTargetKey(pk8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
  t['p521'] = readTargetKey(pk8(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey));
  t['k1'] = readTargetKey(pk8(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey));
  t['ed'] = readTargetKey(pk8(generateKeyPairSync('ed25519').privateKey));
  t['aes128'] = readTargetKey(new Uint8Array(randomBytes(16)));
  t['aes192'] = readTargetKey(new Uint8Array(randomBytes(24)));
  t['aes256'] = readTargetKey(new Uint8Array(randomBytes(32)));
  for (const n of [20, 28, 32, 33, 64]) t[`hmac${n}`] = readTargetKey(new Uint8Array(randomBytes(n)), { keyType: 'hmac' });
}, 120_000);

const pair = (bits: number): Pair => pairs.get(bits) as Pair;
const T = (name: string): TargetKey => t[name] as TargetKey;

describe('what each cloud is given: exact bytes, the command line, the SDK argument', () => {
  it('AWS: binary EncryptedKeyMaterial, the ImportToken beside it, import-key-material, ImportKeyMaterialCommand input', () => {
    const params = awsCliJson(pair(3072).pub);
    const r = wrapForAws(params.json, T('p256'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    expect(r.keySpec).toBe('ECC_NIST_P256');
    expect(r.bytes.length).toBe(384 + 8 * Math.ceil(T('p256').material.length / 8) + 8);
    expect(Buffer.from(r.importToken as Uint8Array).equals(params.importToken)).toBe(true);
    expect(r.command).toBe(`aws kms import-key-material --key-id ${AWS_KEY_ARN} --encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE`);
    expect(r.sdkInput).toEqual({ KeyId: AWS_KEY_ARN, ImportToken: r.importToken, EncryptedKeyMaterial: r.bytes, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    const validTo = new Date('2031-01-01T00:00:00Z');
    const r2 = wrapForAws(params.json, T('aes256'), { algorithm: 'RSAES_OAEP_SHA_256', validTo, materialPath: 'out/key material.bin', tokenPath: 'out/token.bin' });
    expect([r2.keySpec, r2.bytes.length]).toEqual(['SYMMETRIC_DEFAULT', 384]);
    expect(r2.command).toBe(`aws kms import-key-material --key-id ${AWS_KEY_ARN} --encrypted-key-material 'fileb://out/key material.bin' --import-token fileb://out/token.bin --expiration-model KEY_MATERIAL_EXPIRES --valid-to 2031-01-01T00:00:00.000Z`);
    expect(r2.sdkInput.ValidTo).toEqual(validTo);
    // A bare public key: the ARN and token are the user's to add.
    const bare = wrapForAws(pair(3072).pem, T('hmac64'), { algorithm: 'RSAES_OAEP_SHA_1' });
    expect([bare.keySpec, bare.importToken, bare.sdkInput.ImportToken, bare.sdkInput.KeyId]).toEqual(['HMAC_512', undefined, undefined, '<key-id>']);
    expect(bare.command).toContain("--key-id '<key-id>'");
    expect(wrapForAws(pair(3072).pem, T('ed'), { algorithm: 'RSAES_OAEP_SHA_256' }).keySpec).toBe('ECC_NIST_EDWARDS25519');
    expect(wrapForAws(pair(3072).pem, T('k1'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }).keySpec).toBe('ECC_SECG_P256K1');
    expect(wrapForAws(pair(3072).pem, T('rsa'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }).keySpec).toBe('RSA_2048');
  });

  it('Google Cloud: binary wrapped key, gcloud kms keys versions import, importCryptoKeyVersion request', () => {
    const job = gcloudImportJobJson(pair(3072).pub, { method: 'RSA_OAEP_3072_SHA256_AES_256' });
    const r = wrapForGcp(job, T('p256'), { keyName: 'signing-key' });
    expect([r.algorithm, r.keyAlgorithm, r.bytes.length]).toEqual(['RSA_OAEP_3072_SHA256_AES_256', 'EC_SIGN_P256_SHA256', 384 + 8 * Math.ceil(T('p256').material.length / 8) + 8]);
    expect(r.command).toBe('gcloud kms keys versions import --import-job byok-job-1 --location us-east1 --keyring byok-ring --key signing-key --algorithm ec-sign-p256-sha256 --wrapped-key-file wrapped-key.bin --project contoso-prod');
    expect(r.sdkRequest).toEqual({ parent: 'projects/contoso-prod/locations/us-east1/keyRings/byok-ring/cryptoKeys/signing-key', algorithm: 'EC_SIGN_P256_SHA256', importJob: GCP_JOB, wrappedKey: r.bytes });
    // RSA: the purpose is the user's choice, named in the warnings; given, it is checked and used.
    const rsa = wrapForGcp(job, T('rsa'));
    expect([rsa.keyAlgorithm, rsa.sdkRequest.algorithm]).toEqual([undefined, '<algorithm>']);
    expect(rsa.command).toContain("--algorithm '<algorithm>'");
    expect(rsa.warnings.join()).toContain('RSA_SIGN_PSS_2048_SHA256');
    expect(wrapForGcp(job, T('rsa'), { keyAlgorithm: 'RSA_DECRYPT_OAEP_2048_SHA256' }).command).toContain('--algorithm rsa-decrypt-oaep-2048-sha256');
    expect(codeOf(() => wrapForGcp(job, T('rsa'), { keyAlgorithm: 'RSA_DECRYPT_OAEP_4096_SHA256' }))).toBe('UNSUPPORTED_ALGORITHM');
    expect(wrapForGcp(job, T('aes256')).keyAlgorithm).toBe('GOOGLE_SYMMETRIC_ENCRYPTION');
    expect(wrapForGcp(job, T('hmac20')).keyAlgorithm).toBe('HMAC_SHA1');
    expect(wrapForGcp(job, T('ed')).keyAlgorithm).toBe('EC_SIGN_ED25519');
    // secp256k1 only at the HSM protection level: said, not refused (the job may be re-created).
    const soft = gcloudImportJobJson(pair(3072).pub, { method: 'RSA_OAEP_3072_SHA256', protectionLevel: 'SOFTWARE' });
    expect(wrapForGcp(soft, T('k1')).warnings.join()).toMatch(/HSM protection level only/);
    const bare = wrapForGcp(pair(4096).pem, T('aes128'), { algorithm: 'RSA_OAEP_4096_SHA256', keyAlgorithm: 'AES_128_GCM' });
    expect(bare.bytes.length).toBe(512);
    expect(bare.sdkRequest.parent).toBe('projects/<project>/locations/<location>/keyRings/<keyring>/cryptoKeys/<key>');
  });

  it('OCI: the --wrapped-import-key JSON file, key import, ImportKeyDetails', () => {
    const json = ociCliJson(pair(2048).pub);
    const r = wrapForOci(json, T('aes256'), { displayName: 'payments', endpoint: 'https://abc-management.kms.us-ashburn-1.oraclecloud.com' });
    expect(r.algorithm).toBe('RSA_OAEP_AES_SHA256');
    const file = JSON.parse(Buffer.from(r.bytes).toString('utf8')) as Record<string, string>;
    expect(Object.keys(file)).toEqual(['keyMaterial', 'wrappingAlgorithm']);
    expect(file['keyMaterial']).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(file['keyMaterial'] as string, 'base64').length).toBe(256 + 40);
    expect(Buffer.from(r.bytes).toString('utf8')).toBe(JSON.stringify(r.wrappedImportKey));
    expect(r.keyShape).toEqual({ algorithm: 'AES', length: 32 });
    expect(r.command).toBe(`oci kms management key import --compartment-id ${OCI_IDS.compartment} --display-name payments --key-shape '{"algorithm":"AES","length":32}' --wrapped-import-key file://wrapped-key.json --protection-mode HSM --endpoint https://abc-management.kms.us-ashburn-1.oraclecloud.com`);
    expect(r.sdkDetails).toEqual({ compartmentId: OCI_IDS.compartment, displayName: 'payments', keyShape: { algorithm: 'AES', length: 32 }, wrappedImportKey: r.wrappedImportKey, protectionMode: 'HSM' });
    expect(wrapForOci(json, T('rsa')).keyShape).toEqual({ algorithm: 'RSA', length: 256 });
    const direct = wrapForOci(json, T('aes128'), { algorithm: 'RSA_OAEP_SHA256', protectionMode: 'SOFTWARE' });
    expect([direct.keyShape, direct.sdkDetails.protectionMode, Buffer.from(direct.wrappedImportKey.keyMaterial, 'base64').length]).toEqual([{ algorithm: 'AES', length: 16 }, 'SOFTWARE', 256]);
  });

  it('Vault: the padded standard base64 file, vault write …/import, the HTTP body', () => {
    const json = vaultCliJson(pair(4096).pub);
    const r = wrapForVault(json, T('aes256'));
    expect([r.algorithm, r.type]).toEqual(['SHA256', 'aes256-gcm96']);
    expect(Buffer.from(r.bytes).toString('ascii')).toBe(r.ciphertext);
    expect(r.ciphertext).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(r.ciphertext.length % 4).toBe(0);
    expect(Buffer.from(r.ciphertext, 'base64').length).toBe(512 + 40);
    expect(r.command).toBe("vault write 'transit/keys/<key-name>/import' ciphertext=@ciphertext.b64 hash_function=SHA256 type=aes256-gcm96");
    expect(r.httpBody).toEqual({ ciphertext: r.ciphertext, hash_function: 'SHA256', type: 'aes256-gcm96' });
    const named = wrapForVault(json, T('aes256'), { algorithm: 'sha512', keyName: 'payments', mount: 'kv-transit/', ciphertextPath: 'payments.b64', keyType: 'chacha20-poly1305' });
    expect(named.command).toBe('vault write kv-transit/keys/payments/import ciphertext=@payments.b64 hash_function=SHA512 type=chacha20-poly1305');
    expect(wrapForVault(json, T('ed')).type).toBe('ed25519');
    expect(wrapForVault(json, T('p521')).type).toBe('ecdsa-p521');
    expect(wrapForVault(json, T('hmac64')).type).toBe('hmac');
    expect(wrapForVault(json, T('rsa')).type).toBe('rsa-2048');
  });

  it('standard padded base64 (OCI, Vault) equals node\'s at every length', () => {
    for (let n = 0; n <= 70; n++) {
      const b = randomBytes(n);
      expect(base64Encode(new Uint8Array(b))).toBe(b.toString('base64'));
    }
  });

  it('summaries carry no key material; wrapFor is the per-cloud function', () => {
    const r = wrapFor('vault', vaultCliJson(pair(4096).pub), T('hmac64'));
    const text = JSON.stringify(r.summary);
    const m = Buffer.from(T('hmac64').material);
    for (const s of [m.toString('hex'), m.toString('base64'), m.toString('base64url')]) expect(text).not.toContain(s);
    expect(r.summary).toMatchObject({ cloud: 'vault', algorithm: 'SHA256', kek: { bits: 4096, source: 'vault-json' }, target: { kind: 'oct', keyType: 'hmac', bits: 512, label: 'HMAC key of 64 bytes', importAs: 'hmac', format: 'raw' } });
    expect(wrapFor('oci', ociCliJson(pair(2048).pub), T('aes128')).cloud).toBe('oci');
    const az = wrapFor('azure', pair(2048).pem, T('p256'), { kid: KID });
    expect([az.byok.header.kid, az.summary.target.kty]).toEqual([KID, 'EC-HSM']);
  });
});

describe('every refusal the issue lists: a typed error, from prepareWrap and wrapFor alike, before anything is made', () => {
  const cases: [string, () => unknown, string][] = [];
  const both = (name: string, cloud: Parameters<typeof prepareWrap>[0], kek: () => unknown, target: () => TargetKey, options: Record<string, unknown>, code: string): void => {
    cases.push([`${name} (prepareWrap)`, () => prepareWrap(cloud, kek() as string, target(), options), code]);
    cases.push([`${name} (wrapFor)`, () => wrapFor(cloud, kek() as string, target(), options), code]);
  };
  const aws = (bits: number): string => awsCliJson(pair(bits).pub).json;
  both('AWS: no wrapping algorithm named', 'aws', () => aws(3072), () => T('aes256'), {}, 'ALGORITHM_REQUIRED');
  both('AWS: an algorithm AWS does not have', 'aws', () => aws(3072), () => T('aes256'), { algorithm: 'RSAES_PKCS1_V1_5' }, 'UNSUPPORTED_ALGORITHM');
  both('AWS: an RSA private key with RSAES_OAEP_SHA_256', 'aws', () => aws(3072), () => T('rsa'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'UNSUPPORTED_ALGORITHM');
  both('AWS: an RSA private key with RSAES_OAEP_SHA_1', 'aws', () => aws(3072), () => T('rsa'), { algorithm: 'RSAES_OAEP_SHA_1' }, 'UNSUPPORTED_ALGORITHM');
  both('AWS: P-521 with RSAES_OAEP_SHA_256 under RSA_2048 (too long for direct OAEP)', 'aws', () => aws(2048), () => T('p521'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'TARGET_TOO_LONG');
  both('AWS: P-521 with RSAES_OAEP_SHA_1 under RSA_2048', 'aws', () => aws(2048), () => T('p521'), { algorithm: 'RSAES_OAEP_SHA_1' }, 'TARGET_TOO_LONG');
  both('AWS: HMAC of 20 bytes (not 28/32/48/64)', 'aws', () => aws(3072), () => T('hmac20'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'UNSUPPORTED_TARGET_SIZE');
  both('AWS: HMAC of 33 bytes', 'aws', () => aws(3072), () => T('hmac33'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'UNSUPPORTED_TARGET_SIZE');
  both('AWS: AES-128', 'aws', () => aws(3072), () => T('aes128'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'UNSUPPORTED_TARGET_SIZE');
  both('AWS: symmetric material with RSA_AES_KEY_WRAP_SHA_256', 'aws', () => aws(3072), () => T('aes256'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }, 'UNSUPPORTED_ALGORITHM');
  both('AWS: a wrapping key of a size AWS does not issue', 'aws', () => pair(2560).pem, () => T('aes256'), { algorithm: 'RSAES_OAEP_SHA_256' }, 'KEK_UNSUPPORTED_SIZE');
  both('AWS: a keyId other than the parameters\'', 'aws', () => aws(3072), () => T('aes256'), { algorithm: 'RSAES_OAEP_SHA_256', keyId: 'arn:aws:kms:us-west-2:111122223333:key/00000000-0000-0000-0000-000000000000' }, 'INVALID_ARGUMENT');
  const job = (bits: number, method: string, extra: Record<string, unknown> = {}): string => gcloudImportJobJson(pair(bits).pub, { method, ...extra });
  both('Google: a job whose key does not match its method\'s size', 'gcp', () => job(4096, 'RSA_OAEP_3072_SHA256_AES_256'), () => T('aes256'), {}, 'KEK_UNSUPPORTED_SIZE');
  both('Google: an EXPIRED job', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256_AES_256', { state: 'EXPIRED' }), () => T('aes256'), {}, 'KEK_EXPIRED');
  both('Google: a bare PEM without the import method', 'gcp', () => pair(3072).pem, () => T('aes256'), {}, 'ALGORITHM_REQUIRED');
  both('Google: a method other than the job\'s', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256_AES_256'), () => T('aes256'), { algorithm: 'RSA_OAEP_3072_SHA1_AES_256' }, 'ALGORITHM_MISMATCH');
  both('Google: an RSA private key with a direct method (RSA_OAEP_3072_SHA256)', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256'), () => T('rsa'), {}, 'UNSUPPORTED_ALGORITHM');
  both('Google: an RSA private key with RSA_OAEP_4096_SHA256', 'gcp', () => job(4096, 'RSA_OAEP_4096_SHA256'), () => T('rsa'), {}, 'UNSUPPORTED_ALGORITHM');
  both('Google: P-521', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256_AES_256'), () => T('p521'), {}, 'UNSUPPORTED_CURVE');
  both('Google: AES-192', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256_AES_256'), () => T('aes192'), {}, 'UNSUPPORTED_TARGET_SIZE');
  both('Google: HMAC of 33 bytes', 'gcp', () => job(3072, 'RSA_OAEP_3072_SHA256_AES_256'), () => T('hmac33'), {}, 'UNSUPPORTED_TARGET_SIZE');
  const oci = (): string => ociCliJson(pair(2048).pub);
  both('OCI: an EC key', 'oci', oci, () => T('p256'), {}, 'UNSUPPORTED_KEY_TYPE');
  both('OCI: an Ed25519 key', 'oci', oci, () => T('ed'), {}, 'UNSUPPORTED_KEY_TYPE');
  both('OCI: an HMAC key', 'oci', oci, () => T('hmac32'), {}, 'UNSUPPORTED_KEY_TYPE');
  both('OCI: an RSA private key with RSA_OAEP_SHA256', 'oci', oci, () => T('rsa'), { algorithm: 'RSA_OAEP_SHA256' }, 'UNSUPPORTED_ALGORITHM');
  both('OCI: an algorithm OCI does not have', 'oci', oci, () => T('aes256'), { algorithm: 'RSA_OAEP_SHA1' }, 'UNSUPPORTED_ALGORITHM');
  both('OCI: a protection mode OCI does not have', 'oci', oci, () => T('aes256'), { protectionMode: 'hsm' }, 'INVALID_ARGUMENT');
  const vault = (bits: number): string => vaultCliJson(pair(bits).pub);
  both('Vault: a wrapping key other than RSA-4096', 'vault', () => vault(3072), () => T('aes256'), {}, 'KEK_UNSUPPORTED_SIZE');
  both('Vault: secp256k1', 'vault', () => vault(4096), () => T('k1'), {}, 'UNSUPPORTED_CURVE');
  both('Vault: AES-192', 'vault', () => vault(4096), () => T('aes192'), {}, 'UNSUPPORTED_TARGET_SIZE');
  both('Vault: HMAC of 28 bytes (transit takes 32 to 512)', 'vault', () => vault(4096), () => T('hmac28'), {}, 'UNSUPPORTED_TARGET_SIZE');
  both('Vault: a hash_function Vault does not have', 'vault', () => vault(4096), () => T('aes256'), { algorithm: 'MD5' }, 'UNSUPPORTED_ALGORITHM');
  both('Vault: a type that does not fit the key', 'vault', () => vault(4096), () => T('aes128'), { keyType: 'aes256-gcm96' }, 'UNSUPPORTED_ALGORITHM');
  both('Azure: an Ed25519 key', 'azure', () => pair(2048).pem, () => T('ed'), { kid: KID }, 'UNSUPPORTED_KEY_TYPE');
  both('Azure: an HMAC key', 'azure', () => pair(2048).pem, () => T('hmac32'), { kid: KID }, 'UNSUPPORTED_KEY_TYPE');
  both('another cloud\'s wrapping-key JSON', 'vault', () => aws(3072), () => T('aes256'), {}, 'KEK_WRONG_CLOUD');
  both('Azure given AWS\'s JSON', 'azure', () => aws(3072), () => T('aes256'), { kid: KID }, 'KEK_WRONG_CLOUD');
  both('a cloud this tool does not know', 'ibm' as 'aws', () => aws(3072), () => T('aes256'), {}, 'UNSUPPORTED_CLOUD');

  it('each', () => {
    for (const [name, fn, code] of cases) {
      const e = errorOf(fn);
      expect([name, e.code]).toEqual([name, code]);
      expect(e).toBeInstanceOf(ByokError);
      expect(e.message.length).toBeGreaterThan(20);
    }
    console.log(`refusals: ${cases.length} cases (prepareWrap and wrapFor)`);
  });

  it('Vault SHA224: a valid hash_function the plan accepts (a token may do it) and the software core refuses', () => {
    const plan = prepareWrap('vault', vaultCliJson(pair(4096).pub), T('aes256'), { algorithm: 'SHA224' });
    expect(plan.scheme).toEqual({ mechanism: 'rsa-aes-kwp', oaepHash: 'sha224', aesKeyBits: 256 });
    const e = errorOf(() => wrapForVault(vaultCliJson(pair(4096).pub), T('aes256'), { algorithm: 'SHA224' }));
    expect([e.code, /SHA256/.test(e.message)]).toEqual(['UNSUPPORTED_HASH', true]);
  });
});

describe('rehearsals: unwrapFor and verifyFor refuse with typed errors', () => {
  it('algorithm required or mismatched, a wrong key or algorithm is the one DECRYPT_FAILED, damage is WRAPPED_KEY_MALFORMED', () => {
    const p3 = pair(3072);
    const r = wrapForAws(p3.pem, T('p256'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    expect(codeOf(() => unwrapFor('aws', r.bytes, p3.priv))).toBe('ALGORITHM_REQUIRED');
    const wrongAlg = errorOf(() => unwrapFor('aws', r.bytes, p3.priv, { algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }));
    const tampered = r.bytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    const wrongBits = errorOf(() => unwrapFor('aws', tampered, p3.priv, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }));
    expect([wrongAlg.code, wrongBits.code, wrongAlg.message]).toEqual(['DECRYPT_FAILED', 'DECRYPT_FAILED', wrongBits.message]);
    expect(codeOf(() => unwrapFor('aws', r.bytes.subarray(0, r.bytes.length - 4), p3.priv, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }))).toBe('WRAPPED_KEY_MALFORMED');
    expect(codeOf(() => unwrapFor('aws', r.bytes, pair(2560).priv, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }))).toBe('KEK_UNSUPPORTED_SIZE');
    expect(codeOf(() => unwrapFor('gcp', r.bytes, p3.priv))).toBe('ALGORITHM_REQUIRED');
    expect(codeOf(() => verifyFor('aws', r.bytes, p3.priv, T('k1'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }))).toBe('BYOK_KEY_MISMATCH');
    expect(verifyFor('aws', r.bytes, p3.priv, T('p256'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).match).toBe('exact');
    const ecPem = enc(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(codeOf(() => unwrapFor('aws', r.bytes, ecPem, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }))).toBe('INVALID_PRIVATE_KEY');
    expect(codeOf(() => unwrapFor('ibm' as 'aws', r.bytes, p3.priv))).toBe('UNSUPPORTED_CLOUD');
  });

  it('OCI reads its algorithm from the file; Vault its base64; both refuse damage', () => {
    const p2 = pair(2048);
    const o = wrapForOci(ociCliJson(p2.pub), T('aes256'), { algorithm: 'RSA_OAEP_SHA256' });
    expect(Buffer.from(unwrapFor('oci', o.bytes, p2.priv)).equals(Buffer.from(T('aes256').material))).toBe(true);
    expect(codeOf(() => unwrapFor('oci', o.bytes, p2.priv, { algorithm: 'RSA_OAEP_AES_SHA256' }))).toBe('ALGORITHM_MISMATCH');
    expect(codeOf(() => unwrapFor('oci', '{"keyMaterial": 5}', p2.priv))).toBe('WRAPPED_KEY_MALFORMED');
    expect(codeOf(() => unwrapFor('oci', JSON.stringify({ keyMaterial: 'a-b_', wrappingAlgorithm: 'RSA_OAEP_SHA256' }), p2.priv))).toBe('WRAPPED_KEY_MALFORMED');
    expect(codeOf(() => unwrapFor('oci', 'not json', p2.priv))).toBe('WRAPPED_KEY_MALFORMED');
    const p4 = pair(4096);
    const v = wrapForVault(vaultCliJson(p4.pub), T('ed'), { algorithm: 'SHA384' });
    expect(verifyFor('vault', `${v.ciphertext}\n`, p4.priv, T('ed'), { algorithm: 'SHA384' }).match).toBe('exact');
    expect(codeOf(() => unwrapFor('vault', v.bytes, p4.priv))).toBe('DECRYPT_FAILED'); // default SHA256
    expect(codeOf(() => unwrapFor('vault', v.ciphertext.replace(/=+$/, ''), p4.priv, { algorithm: 'SHA384' }))).toBe('WRAPPED_KEY_MALFORMED');
    expect(codeOf(() => unwrapFor('vault', v.bytes, p2.priv, { algorithm: 'SHA384' }))).toBe('KEK_UNSUPPORTED_SIZE');
  });
});

describe('the scheme/encoding seam: parts made outside the core encode to the same files', () => {
  /** What a PKCS#11 token returns for CKM_RSA_AES_KEY_WRAP (as two parts) or CKM_RSA_PKCS_OAEP — node:crypto here. */
  function tokenParts(pub: KeyObject, scheme: { mechanism: string; oaepHash: string }, material: Uint8Array): WrappedParts {
    const oaep = (m: Uint8Array): Buffer => publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: scheme.oaepHash }, m);
    if (scheme.mechanism === 'rsa-oaep') return { mechanism: 'rsa-oaep', ciphertext: oaep(material) };
    const eph = randomBytes(32);
    const c = createCipheriv('id-aes256-wrap-pad', eph, Buffer.from('A65959A6', 'hex'));
    return { mechanism: 'rsa-aes-kwp', encryptedKey: oaep(eph), wrappedTarget: Buffer.concat([c.update(material), c.final()]) };
  }

  it('every cloud: prepareWrap on a description (no material), parts from elsewhere, completeWrap, opened by unwrapFor', () => {
    const runs: [Parameters<typeof prepareWrap>[0], string, TargetKey, Record<string, unknown>, number][] = [
      ['aws', awsCliJson(pair(3072).pub).json, T('rsa'), { algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }, 3072],
      ['aws', awsCliJson(pair(3072).pub).json, T('hmac32'), { algorithm: 'RSAES_OAEP_SHA_256' }, 3072],
      ['gcp', gcloudImportJobJson(pair(4096).pub, { method: 'RSA_OAEP_4096_SHA1_AES_256' }), T('ed'), {}, 4096],
      ['gcp', gcloudImportJobJson(pair(3072).pub, { method: 'RSA_OAEP_3072_SHA256' }), T('aes128'), {}, 3072],
      ['oci', ociCliJson(pair(2048).pub), T('rsa'), {}, 2048],
      ['vault', vaultCliJson(pair(4096).pub), T('p256'), { algorithm: 'SHA512' }, 4096],
    ];
    for (const [cloud, kek, target, options, bits] of runs) {
      const plan = prepareWrap(cloud, kek, describeTarget(target), options);
      expect(plan.target.materialLength).toBe(target.material.length);
      const parts = tokenParts(pair(bits).pub, plan.scheme, target.material);
      const r = completeWrap(plan, parts);
      const back = unwrapFor(cloud, r.bytes as Uint8Array, pair(bits).priv, { ...(cloud === 'oci' ? {} : { algorithm: plan.algorithm }) });
      expect([cloud, Buffer.from(back).equals(Buffer.from(target.material))]).toEqual([cloud, true]);
      expect(r.summary.target).toMatchObject({ format: 'hsm' });
    }
  });

  it('Azure too: a .byok from a token\'s parts opens with unwrapByok', () => {
    const plan = prepareWrap('azure', pair(2048).pem, describeTarget(T('p256')), { kid: KID });
    expect(plan.scheme).toEqual({ mechanism: 'rsa-aes-kwp', oaepHash: 'sha1', aesKeyBits: 256 });
    const r = completeWrap(plan, tokenParts(pair(2048).pub, plan.scheme, T('p256').material));
    expect(Buffer.from(unwrapByok(r.bytes, pair(2048).priv)).equals(Buffer.from(T('p256').material))).toBe(true);
    expect(Object.keys(r.byok)).toEqual(Object.keys(wrapForAzure(pair(2048).pem, T('p256'), { kid: KID }).byok));
  });

  it('parts of the wrong shape are WRAPPED_KEY_MALFORMED', () => {
    const plan = prepareWrap('vault', vaultCliJson(pair(4096).pub), describeTarget(T('aes256')), {});
    const good = tokenParts(pair(4096).pub, plan.scheme, T('aes256').material) as Extract<WrappedParts, { mechanism: 'rsa-aes-kwp' }>;
    const bad: WrappedParts[] = [
      { mechanism: 'rsa-oaep', ciphertext: good.encryptedKey },
      { ...good, encryptedKey: good.encryptedKey.subarray(1) },
      { ...good, wrappedTarget: good.wrappedTarget.subarray(0, 36) },
      { ...good, wrappedTarget: good.wrappedTarget.subarray(0, 8) },
    ];
    for (const parts of bad) expect(codeOf(() => completeWrap(plan, parts))).toBe('WRAPPED_KEY_MALFORMED');
    const aws = prepareWrap('aws', awsCliJson(pair(3072).pub).json, describeTarget(T('aes256')), { algorithm: 'RSAES_OAEP_SHA_1' });
    expect(codeOf(() => completeWrap(aws, { mechanism: 'rsa-oaep', ciphertext: new Uint8Array(383) }))).toBe('WRAPPED_KEY_MALFORMED');
    expect(codeOf(() => prepareWrap('aws', pair(3072).pem, { kind: 'oct' } as never, { algorithm: 'RSAES_OAEP_SHA_1' }))).toBe('INVALID_ARGUMENT');
  });

  it('readWrappingKey output is accepted as is by every verb', () => {
    const k = readWrappingKey(vaultCliJson(pair(4096).pub));
    expect(wrapFor('vault', k, T('aes128')).type).toBe('aes128-gcm96');
  });
});
