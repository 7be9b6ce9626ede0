// Every function the library exports (src/index.ts) checks its arguments and fails with a ByokError, never
// a raw TypeError (issue 10, bug 4); a key file's PEM text is accepted wherever its bytes are; a Node
// Buffer is read like any Uint8Array and left as the caller passed it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { ByokError } from '../../src/errors.js';
import { errorOf } from '../helpers/errors.js';
import { nodeOpen, publicOfPkcs8, spkiDer } from '../cli/fixtures.js';
import { azureAttestation, preparePki, testAnchors, testRoots } from '../helpers/attestation.js';
import { createSoftHsmLab, softHsmUsable } from '../helpers/softhsm.js';
import { requireTool } from '../helpers/tools.js';

await preparePki();

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
const pub = { n: kek.n, e: kek.e };
const aes = new Uint8Array(32).fill(7);
// The other clouds: a bare 4096-bit wrapping key fits every algorithm each of them offers.
const cloudPair = generateKeyPairSync('rsa', { modulusLength: 4096 });
const cloudPem = cloudPair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const cloudPrivPem = cloudPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const cloudPub = lib.readKek(cloudPem);
const cloudJwk = cloudPair.privateKey.export({ format: 'jwk' });
const b64u = (k: 'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'): Uint8Array => new Uint8Array(Buffer.from(cloudJwk[k]!, 'base64url'));
const cloudPriv = { n: b64u('n'), e: b64u('e'), d: b64u('d'), p: b64u('p'), q: b64u('q'), dp: b64u('dp'), dq: b64u('dq'), qi: b64u('qi') };
const ecTarget = lib.readTargetKey(ecBytes);
const ecDescription = lib.describeTarget(ecTarget);
// OCI imports no EC key: an AES-256 JWK for it.
const aesJwk = new TextEncoder().encode(JSON.stringify({ kty: 'oct', k: Buffer.from(aes).toString('base64url') }));
const aesDescription = lib.describeTarget(lib.readTargetKey(aesJwk));
const kwp = lib.rsaAesKwp('sha256');
const kwpParts = lib.softwareWrap(kwp, cloudPub, 4096, ecTarget.material);
const awsOpts = { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' } as const;
const awsWrapped = lib.wrapForAws(cloudPem, ecBytes, awsOpts);
const azurePlan = lib.prepareAzureWrap(kek, ecDescription);
const azureParts = lib.softwareWrap(azurePlan.scheme, kek, 2048, ecTarget.material);
const awsPlan = lib.prepareAwsWrap(cloudPem, ecDescription, awsOpts);
const gcpOpts = { algorithm: 'RSA_OAEP_4096_SHA256_AES_256' } as const;
const gcpPlan = lib.prepareGcpWrap(cloudPem, ecDescription, gcpOpts);
const ociOpts = { algorithm: 'RSA_OAEP_AES_SHA256' } as const;
const ociPlan = lib.prepareOciWrap(cloudPem, aesDescription, ociOpts);
const ociParts = lib.softwareWrap(kwp, cloudPub, 4096, aes);
const vaultOpts = { algorithm: 'sha256' } as const;
const vaultPlan = lib.prepareVaultWrap(cloudPem, ecDescription, vaultOpts);
const attestation = azureAttestation().json;
const attestOpts = { roots: [testRoots()], anchors: testAnchors() };
const attested = lib.verifyKeyAttestation(attestation, attestOpts);
// The PKCS#11 source's functions take a session and a key of a real token: SoftHSM, an AES-256 key.
const HAVE_P11 = requireTool('SoftHSM 2 with pkcs11js', softHsmUsable(), 'apt-get install softhsm2; npm ci builds pkcs11js');
const P11 = new Set([
  'parsePkcs11Uri', 'isPkcs11Uri', 'formatPkcs11Uri', 'redactPkcs11Uri', 'openTokenSession', 'closeAllTokenSessions', 'readPinFile',
  'tokenParts', 'wrapInToken', 'checkWrappable', 'zeroPaddingWarning', 'listPkcs11', 'destinationsFor', 'describeTokenTarget',
  'wrapForInToken', 'wrapTokenKeyFor', 'prepareTokenWrap', 'verifyTokenKeyFor', 'describeTokenKey', 'tokenGenerator',
]);
const lab = HAVE_P11 ? createSoftHsmLab(['byok-args']) : undefined;
lab?.token('byok-args').generateAes('aes', 256);
const pinFile = lab === undefined ? '' : join(lab.dir, 'pin');
if (lab !== undefined) writeFileSync(pinFile, `${lab.pin}\n`);
const tokenUri = `pkcs11:token=byok-args;object=aes?module-path=${lab?.library ?? ''}`;
const pinOpts = { pin: new TextEncoder().encode(lab?.pin ?? '') };
const session = lab === undefined ? undefined : await lib.openTokenSession(tokenUri, pinOpts);
const tokenKey = session?.findKey(tokenUri);
const tokenWrapped = session === undefined ? undefined : lib.wrapTokenKeyFor('azure', kek, session, tokenKey!);
afterAll(() => {
  lib.closeAllTokenSessions();
  lab?.close();
});

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
  azureImportType: [ecTarget],
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
  rsaAesKwp: ['sha256'],
  rsaOaep: ['sha1'],
  describeScheme: [kwp],
  oaepCapacity: [2048, 'sha256'],
  kwpLength: [32],
  checkParts: [kwp, 4096, kwpParts],
  joinParts: [kwpParts],
  splitParts: [kwp, lib.joinParts(kwpParts), 4096],
  describeTarget: [ecTarget],
  targetLabel: [ecDescription],
  targetType: [ecDescription],
  gcpKeyAlgorithms: [ecDescription],
  readWrappingKey: [cloudPem, { cloud: 'aws' }],
  toWrappingKey: [cloudPem, 'aws'],
  wrappingKeyCloud: [cloudPem],
  readAwsWrappingKey: [cloudPem, {}],
  readGcpWrappingKey: [cloudPem, {}],
  readOciWrappingKey: [cloudPem, {}],
  readVaultWrappingKey: [cloudPem, {}],
  verifyKeyAttestation: [attestation, attestOpts],
  attestationReport: [attested],
  prepareAzureWrap: [kek, ecDescription, {}],
  completeAzureWrap: [azurePlan, azureParts],
  wrapFor: ['aws', cloudPem, ecBytes, awsOpts],
  wrapForAws: [cloudPem, ecBytes, awsOpts],
  wrapForGcp: [cloudPem, ecBytes, gcpOpts],
  wrapForOci: [cloudPem, aesJwk, ociOpts],
  wrapForVault: [cloudPem, ecBytes, vaultOpts],
  prepareWrap: ['aws', cloudPem, ecDescription, awsOpts],
  checkWrappingKeyFor: ['gcp', cloudPem, gcpOpts],
  completeWrap: [awsPlan, kwpParts],
  prepareAwsWrap: [cloudPem, ecDescription, awsOpts],
  prepareGcpWrap: [cloudPem, ecDescription, gcpOpts],
  prepareOciWrap: [cloudPem, aesDescription, ociOpts],
  prepareVaultWrap: [cloudPem, ecDescription, vaultOpts],
  completeAwsWrap: [awsPlan, kwpParts],
  completeGcpWrap: [gcpPlan, kwpParts],
  completeOciWrap: [ociPlan, ociParts],
  completeVaultWrap: [vaultPlan, kwpParts],
  unwrapFor: ['aws', awsWrapped.bytes, cloudPrivPem, awsOpts],
  unwrapForAws: [awsWrapped.bytes, cloudPrivPem, awsOpts],
  unwrapForGcp: [lib.wrapForGcp(cloudPem, ecBytes, gcpOpts).bytes, cloudPrivPem, gcpOpts],
  unwrapForOci: [lib.wrapForOci(cloudPem, aesJwk, ociOpts).bytes, cloudPrivPem, ociOpts],
  unwrapForVault: [lib.wrapForVault(cloudPem, ecBytes, vaultOpts).ciphertext, cloudPrivPem, vaultOpts],
  verifyFor: ['aws', awsWrapped.bytes, cloudPrivPem, ecBytes, awsOpts],
  verifyForAws: [awsWrapped.bytes, cloudPrivPem, ecBytes, awsOpts],
  verifyForGcp: [lib.wrapForGcp(cloudPem, ecBytes, gcpOpts).bytes, cloudPrivPem, ecBytes, gcpOpts],
  verifyForOci: [lib.wrapForOci(cloudPem, aesJwk, ociOpts).bytes, cloudPrivPem, aesJwk, ociOpts],
  verifyForVault: [lib.wrapForVault(cloudPem, ecBytes, vaultOpts).ciphertext, cloudPrivPem, ecBytes, vaultOpts],
  softwareWrap: [kwp, cloudPub, 4096, ecTarget.material],
  softwareUnwrap: [kwp, cloudPriv, lib.joinParts(kwpParts), 'the key'],
  parsePkcs11Uri: [tokenUri],
  isPkcs11Uri: [tokenUri],
  formatPkcs11Uri: [{ token: 'byok-args', object: 'aes', type: 'secret-key' }],
  redactPkcs11Uri: [tokenUri],
  openTokenSession: [tokenUri, pinOpts],
  closeAllTokenSessions: [],
  readPinFile: [pinFile],
  tokenParts: [session, tokenKey, {}],
  wrapInToken: [session, tokenKey, pub, 2048, lib.AZURE_SCHEME, {}],
  checkWrappable: [tokenKey, lib.AZURE_SCHEME],
  zeroPaddingWarning: [session, tokenKey, lib.AZURE_SCHEME],
  listPkcs11: [tokenUri, pinOpts],
  destinationsFor: [tokenKey],
  describeTokenTarget: [tokenKey],
  wrapForInToken: ['azure', kek, tokenUri, pinOpts],
  wrapTokenKeyFor: ['azure', kek, session, tokenKey, {}],
  prepareTokenWrap: ['azure', kek, session, tokenKey, {}],
  verifyTokenKeyFor: ['azure', tokenWrapped?.bytes, kekPrivPem, session, tokenKey, {}],
  describeTokenKey: [tokenKey],
  tokenGenerator: [session],
  'core.init': [],
  'core.initSync': [],
  'core.getCore': [],
  'core.coreInfo': [],
  'core.sha1': [new Uint8Array(1)],
  'core.sha256': [new Uint8Array(1)],
  'core.sha384': [new Uint8Array(1)],
  'core.sha512': [new Uint8Array(1)],
  'core.aesKwWrap': [aes, new Uint8Array(16)],
  'core.aesKwUnwrap': [aes, lib.core.aesKwWrap(aes, new Uint8Array(16))],
  'core.aesKwpWrap': [aes, new Uint8Array(5)],
  'core.aesKwpUnwrap': [aes, lib.core.aesKwpWrap(aes, new Uint8Array(5))],
  'core.aesCbcDecrypt': [aes, new Uint8Array(16), new Uint8Array(16)],
  'core.aesKcv': [aes],
  'core.rsaOaepEncrypt': [pub, new Uint8Array(4), { hash: 'sha1' }],
  'core.rsaOaepDecrypt': [cloudPriv, lib.core.rsaOaepEncrypt(cloudPub, new Uint8Array(4), { hash: 'sha1' }), { hash: 'sha1' }],
  'core.rsaAesKeyWrap': [pub, aes, { hash: 'sha1' }],
  'core.rsaAesKeyUnwrap': [cloudPriv, lib.core.rsaAesKeyWrap(cloudPub, aes, { hash: 'sha1' }), { hash: 'sha1' }],
  'core.rsaPublicRaw': [pub, new Uint8Array(256)],
};

const BAD: readonly unknown[] = [undefined, null, 0, -1, 1.5, NaN, true, 'x', '', {}, [], [1], new Uint8Array(0), () => 1, Symbol('s'), 10n];

function functions(): [string, (...a: unknown[]) => unknown][] {
  const out: [string, (...a: unknown[]) => unknown][] = [];
  for (const [k, v] of Object.entries(lib)) if (typeof v === 'function' && (HAVE_P11 || !P11.has(k))) out.push([k, v as (...a: unknown[]) => unknown]);
  for (const [k, v] of Object.entries(lib.core)) if (typeof v === 'function') out.push([`core.${k}`, v as (...a: unknown[]) => unknown]);
  return out;
}

describe('every exported function', () => {
  it('has valid arguments listed here (add a new export to VALID in this file)', () => {
    expect(functions().map(([k]) => k).filter((k) => !(k in VALID))).toEqual([]);
  });

  it('succeeds with the valid arguments listed here (so each bad one below is the only thing wrong)', async () => {
    const failed: string[] = [];
    for (const [name, fn] of functions()) {
      // closeAllTokenSessions (no arguments) would end the session the others use: tested last, below.
      if (name === 'ByokError' || name.startsWith('core.init') || name === 'closeAllTokenSessions') continue;
      try {
        const r = fn(...VALID[name]!);
        if (r instanceof Promise) await r;
      } catch (e) {
        failed.push(`${name}: ${(e as Error).message}`);
      }
    }
    expect(failed).toEqual([]);
  });

  it('fails with a ByokError, never a TypeError or RangeError, whatever argument is wrong', async () => {
    const raw: string[] = [];
    let calls = 0;
    for (const [name, fn] of functions()) {
      // the error class and predicates take anything; closeAllTokenSessions takes no arguments (tested last)
      if (['ByokError', 'isByokError', 'isKek', 'isPkcs11Uri', 'closeAllTokenSessions'].includes(name)) continue;
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
      expect(lib.isPkcs11Uri(bad as string)).toBe(false);
    }
  });

  it.skipIf(!HAVE_P11)('closeAllTokenSessions ends every session: a session used after it is refused', () => {
    lib.closeAllTokenSessions();
    expect(errorOf(() => session!.findKey(tokenUri)).code).toBe('INVALID_ARGUMENT');
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
