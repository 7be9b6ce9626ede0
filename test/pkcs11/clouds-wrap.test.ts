// The token as the mechanism behind every cloud format (issue 11 × issue 12): keys generated inside a token
// are wrapped for AWS, Google Cloud, OCI and Vault (and Azure) through prepareWrap → tokenParts →
// completeWrap, with the wrapping keys as each cloud's CLI prints them (test/helpers/cloud-keks.ts). Each
// blob is opened by that cloud's OpenSSL recipe run backwards (test/helpers/openssl-recipe.ts, as in
// test/e2e/clouds-recipes.test.ts) and what is inside is compared with the token's key: its public key
// (RSA, EC) or one block encrypted by the token (AES); the library's own rehearsal check agrees.
// SoftHSM 2.6 has OAEP with SHA-1 only: its SHA-1 formats are made, and each SHA-256 one is refused naming
// the mechanism and what it can produce (no host crypto instead). NSS's softokn does SHA-256: the SHA-256
// formats, OCI's included, are made there.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek, type Cloud } from '../../src/kek/index.js';
import { openTokenSession, type TokenKey, type TokenSession } from '../../src/pkcs11/index.js';
import type { WrapResult } from '../../src/transfer/cloud-wrap.js';
import { readByok } from '../../src/transfer/read.js';
import { prepareTokenWrap, verifyTokenKeyFor, wrapTokenKeyFor } from '../../src/transfer/token.js';
import { awsCliJson, gcloudImportJobJson, ociCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { tempDir } from '../helpers/openssl.js';
import { errorOf } from '../helpers/errors.js';
import { nssUsable, openNss, openNssSession } from '../helpers/nss.js';
import { opensslUsable } from '../helpers/openssl-recipe.js';
import { createSoftHsmLab, softHsmUsable, type SoftHsm } from '../helpers/softhsm.js';
import { openBlob, opensslAesEcb, opensslSpkiOfPkcs8 } from '../helpers/token-blobs.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE_SOFTHSM = requireTool('SoftHSM 2 with pkcs11js, and OpenSSL 3', softHsmUsable() && opensslUsable(), 'apt-get install softhsm2 openssl; npm ci builds pkcs11js');
const HAVE_NSS = requireTool('NSS softokn (libnss3) with pkcs11js, and OpenSSL 3', nssUsable() && opensslUsable(), 'apt-get install libnss3 openssl; npm ci builds pkcs11js');

type Hash = 'sha1' | 'sha256';

/** A destination as the cloud names it, with what its OpenSSL recipe needs: written from byok-formats.md §2, not src/. */
interface Destination {
  readonly cloud: Cloud;
  readonly algorithm: string;
  readonly kekBits: 2048 | 3072 | 4096;
  readonly hash: Hash;
  /** false: one OAEP of the key itself (direct). */
  readonly aes: boolean;
}

const dest = (cloud: Cloud, algorithm: string, kekBits: 2048 | 3072 | 4096, hash: Hash, aes: boolean): Destination => ({ cloud, algorithm, kekBits, hash, aes });

let tmp: ReturnType<typeof tempDir>;
const keks = new Map<number, { pub: KeyObject; privPem: string }>();

beforeAll(() => {
  tmp = tempDir('byok-p11-clouds-');
  for (const bits of [2048, 3072, 4096]) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    keks.set(bits, { pub: publicKey, privPem: tmp.file(`kek${bits}.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) });
  }
}, 120_000);

afterAll(() => tmp?.cleanup());

/** The wrapping key as the cloud's CLI prints it (Azure: the KEK with its kid). */
function kekInput(d: Destination): unknown {
  const pub = keks.get(d.kekBits)!.pub;
  switch (d.cloud) {
    case 'azure': return readKek(pub.export({ type: 'spki', format: 'pem' }) as string, { kid: KID });
    case 'aws': return awsCliJson(pub).json;
    case 'gcp': return gcloudImportJobJson(pub, { method: d.algorithm });
    case 'oci': return ociCliJson(pub);
    default: return vaultCliJson(pub);
  }
}

/** The RSA blob inside the file each cloud is given. */
function blobOf(r: WrapResult): Buffer {
  if ('wrappedImportKey' in r) return Buffer.from(r.wrappedImportKey.keyMaterial, 'base64');
  if ('httpBody' in r) return Buffer.from(r.ciphertext, 'base64');
  if ('byok' in r) return Buffer.from(readByok(r.bytes).ciphertext);
  return Buffer.from(r.bytes);
}

function wrap(session: TokenSession, key: TokenKey, d: Destination): WrapResult {
  return wrapTokenKeyFor(d.cloud, kekInput(d) as never, session, key, {
    ...(d.cloud === 'azure' ? {} : { algorithm: d.algorithm }),
    ...(key.kind === 'oct' ? {} : { allowZeroPaddedKwp: true }),
  });
}

/** Wraps each key for each destination in the token, opens each blob with the cloud's recipe, compares. */
function wrapAndOpen(session: TokenSession, token: SoftHsm, cases: readonly [Destination, string][]): string[] {
  const lines: string[] = [];
  for (const [d, label] of cases) {
    const key = session.findKey(`pkcs11:object=${label}`);
    const r = wrap(session, key, d);
    expect(r.summary.target.format).toBe('pkcs11');
    const { privPem } = keks.get(d.kekBits)!;
    const blob = blobOf(r);
    expect(blob.length).toBeGreaterThanOrEqual(d.kekBits / 8);
    const opened = openBlob(tmp.dir, privPem, d.kekBits, blob, key.kind!, { hash: d.hash, aes: d.aes });
    if (key.kind === 'oct') {
      expect(opened.material.length * 8).toBe(key.bits);
      const block = randomBytes(16);
      expect(opensslAesEcb(opened.material, block).equals(token.encryptBlock(key.handle as Buffer, block))).toBe(true);
    } else {
      expect(opensslSpkiOfPkcs8(tmp.dir, opened.material, `${d.cloud}-${label}`).equals(Buffer.from(key.publicKey!))).toBe(true);
    }
    const v = verifyTokenKeyFor(d.cloud, r.bytes, new Uint8Array(readFileSync(privPem)), session, key, d.cloud === 'azure' ? {} : { algorithm: d.algorithm });
    expect(v.zeroPadding ?? 0).toBe(opened.zeroPadding);
    lines.push(`${d.cloud} ${d.algorithm} ${label}: ${blob.length}-byte blob opened by the recipe${opened.zeroPadding > 0 ? ` (${opened.zeroPadding} zero pad bytes)` : ''}`);
  }
  return lines;
}

describe.skipIf(!HAVE_SOFTHSM)('SoftHSM (OAEP SHA-1 only) as the mechanism for every cloud', () => {
  let lab: ReturnType<typeof createSoftHsmLab>;
  let token: SoftHsm;
  let session: TokenSession;

  beforeAll(async () => {
    lab = createSoftHsmLab(['byok-clouds']);
    token = lab.token('byok-clouds');
    token.generateRsa('rsa', 2048, { id: Buffer.from([1]) });
    token.generateEc('ec', 'P-256', { id: Buffer.from([2]) });
    token.generateAes('aes', 256);
    token.generateEc('ec-521', 'P-521', { id: Buffer.from([3]) });
    session = await openTokenSession(`pkcs11:token=byok-clouds?module-path=${lab.library}`, { pin: new TextEncoder().encode(lab.pin) });
  }, 120_000);

  afterAll(() => {
    session?.close();
    lab?.close();
  });

  it('makes Azure, AWS, Google Cloud and Vault SHA-1 formats in the token; each cloud\'s recipe opens them to the token\'s key', () => {
    const lines = wrapAndOpen(session, token, [
      [dest('azure', 'CKM_RSA_AES_KEY_WRAP', 2048, 'sha1', true), 'rsa'],
      [dest('azure', 'CKM_RSA_AES_KEY_WRAP', 2048, 'sha1', true), 'aes'],
      [dest('aws', 'RSA_AES_KEY_WRAP_SHA_1', 3072, 'sha1', true), 'rsa'],
      [dest('aws', 'RSA_AES_KEY_WRAP_SHA_1', 3072, 'sha1', true), 'ec'],
      [dest('aws', 'RSAES_OAEP_SHA_1', 3072, 'sha1', false), 'aes'],
      [dest('gcp', 'RSA_OAEP_3072_SHA1_AES_256', 3072, 'sha1', true), 'rsa'],
      [dest('gcp', 'RSA_OAEP_3072_SHA1_AES_256', 3072, 'sha1', true), 'aes'],
      [dest('gcp', 'RSA_OAEP_4096_SHA1_AES_256', 4096, 'sha1', true), 'ec'],
      [dest('vault', 'SHA1', 4096, 'sha1', true), 'aes'],
      [dest('vault', 'SHA1', 4096, 'sha1', true), 'ec'],
    ]);
    console.log(`SoftHSM as the mechanism:\n  ${lines.join('\n  ')}`);
    expect(lines.length).toBe(10);
  }, 120_000);

  it('refuses every SHA-256 format (no fallback to host crypto), naming the mechanism and the formats this token can produce', () => {
    const can = /this token can produce: Azure Key Vault \/ Managed HSM \.byok \(CKM_RSA_AES_KEY_WRAP, OAEP SHA-1\); AWS KMS RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_1; Google Cloud KMS RSA_OAEP_3072_SHA1_AES_256, RSA_OAEP_4096_SHA1_AES_256; HashiCorp Vault transit hash_function=SHA1$/;
    for (const [d, label] of [
      [dest('aws', 'RSA_AES_KEY_WRAP_SHA_256', 3072, 'sha256', true), 'rsa'],
      [dest('aws', 'RSAES_OAEP_SHA_256', 3072, 'sha256', false), 'aes'],
      [dest('gcp', 'RSA_OAEP_4096_SHA256_AES_256', 4096, 'sha256', true), 'ec'],
      [dest('gcp', 'RSA_OAEP_3072_SHA256', 3072, 'sha256', false), 'aes'],
      [dest('oci', 'RSA_OAEP_AES_SHA256', 2048, 'sha256', true), 'rsa'],
      [dest('oci', 'RSA_OAEP_SHA256', 2048, 'sha256', false), 'aes'],
      [dest('vault', 'SHA256', 4096, 'sha256', true), 'aes'],
    ] as const) {
      const e = errorOf(() => wrap(session, session.findKey(`pkcs11:object=${label}`), d));
      expect(e.code, `${d.cloud} ${d.algorithm}`).toBe('PKCS11_MECHANISM_MISSING');
      expect(e.message).toMatch(/cannot do CKM_RSA_PKCS_OAEP with SHA-256 \(MGF1-SHA-256, empty label\)/);
      expect(e.message).toMatch(/No host crypto is used instead/);
      expect(e.message).toMatch(can);
    }
  });

  it('a plan made for a token key keeps none of the token\'s options (no PIN in the plan)', () => {
    const d = dest('vault', 'SHA1', 4096, 'sha1', true);
    const options = { algorithm: 'SHA1', pin: new TextEncoder().encode(lab.pin), moduleParameters: 'x', allowZeroPaddedKwp: true };
    const plan = prepareTokenWrap('vault', kekInput(d) as never, session, session.findKey('pkcs11:object=aes'), options);
    expect(Object.keys(plan.options).sort()).toEqual(['algorithm']);
    expect(plan.targetFormat).toBe('pkcs11');
  });

  it('refuses what the token path cannot do and the cloud would refuse, before the token works', () => {
    // direct OAEP carries secret keys only: an EC key AWS would take under RSAES_OAEP_SHA_1 stays in the token
    expect(errorOf(() => wrap(session, session.findKey('pkcs11:object=ec'), dest('aws', 'RSAES_OAEP_SHA_1', 3072, 'sha1', false))).code).toBe('PKCS11_UNSUPPORTED_KEY');
    // the cloud's own rules, from the key's public attributes: AWS takes AES keys only by direct OAEP
    expect(errorOf(() => wrap(session, session.findKey('pkcs11:object=aes'), dest('aws', 'RSA_AES_KEY_WRAP_SHA_1', 3072, 'sha1', true))).code).toBe('UNSUPPORTED_ALGORITHM');
    // Google imports no P-521 key, OCI no EC key
    expect(errorOf(() => wrap(session, session.findKey('pkcs11:object=ec-521'), dest('gcp', 'RSA_OAEP_4096_SHA1_AES_256', 4096, 'sha1', true))).code).toBe('UNSUPPORTED_CURVE');
    expect(errorOf(() => wrap(session, session.findKey('pkcs11:object=ec'), dest('oci', 'RSA_OAEP_AES_SHA256', 2048, 'sha256', true))).code).toBe('UNSUPPORTED_KEY_TYPE');
  });
});

describe.skipIf(!HAVE_NSS)('NSS softokn (OAEP SHA-256) as the mechanism for the SHA-256 formats', () => {
  let nss: ReturnType<typeof openNss>;
  let session: TokenSession;

  beforeAll(async () => {
    nss = openNss();
    nss.generateRsa('rsa', 2048, { id: Buffer.from([1]) });
    nss.generateEc('ec', 'P-384', { id: Buffer.from([2]) });
    nss.generateAes('aes', 256);
    session = await openNssSession(nss);
  }, 120_000);

  afterAll(() => {
    session?.close();
    nss?.close();
  });

  it('makes AWS, Google Cloud, OCI and Vault SHA-256 formats in the token; each recipe opens them exactly', () => {
    const lines = wrapAndOpen(session, nss, [
      [dest('aws', 'RSA_AES_KEY_WRAP_SHA_256', 3072, 'sha256', true), 'rsa'],
      [dest('aws', 'RSAES_OAEP_SHA_256', 3072, 'sha256', false), 'aes'],
      [dest('gcp', 'RSA_OAEP_3072_SHA256_AES_256', 3072, 'sha256', true), 'ec'],
      [dest('gcp', 'RSA_OAEP_4096_SHA256', 4096, 'sha256', false), 'aes'],
      [dest('oci', 'RSA_OAEP_AES_SHA256', 2048, 'sha256', true), 'rsa'],
      [dest('oci', 'RSA_OAEP_SHA256', 2048, 'sha256', false), 'aes'],
      [dest('vault', 'SHA256', 4096, 'sha256', true), 'ec'],
      [dest('vault', 'SHA1', 4096, 'sha1', true), 'rsa'],
    ]);
    console.log(`NSS softokn as the mechanism:\n  ${lines.join('\n  ')}`);
    expect(lines.some((l) => /zero pad/.test(l))).toBe(false);
    expect(lines.length).toBe(8);
  }, 120_000);
});
