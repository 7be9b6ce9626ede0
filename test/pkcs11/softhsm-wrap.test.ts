// Issue 11 proof with SoftHSM 2 as the on-prem HSM (library level; the CLI is in cli.test.ts). Targets are
// generated inside a token (RSA 2048/3072/4096, EC P-256/384/521, AES 128/192/256, sensitive and
// extractable) or imported into it, wrapped inside the token for Azure, and then:
// - each blob is opened by the OpenSSL CLI with the test KEK's private key: the RSA/EC key inside has the
//   token's public key (CKA_MODULUS, CKA_EC_POINT), the AES key encrypts a block as the token's C_Encrypt;
// - the same blob is imported into a second SoftHSM token that holds the KEK, and the key used there;
// - no token object appears and no session object stays behind;
// - every refusal is a one-line ByokError with its code.
// SoftHSM 2.6.1's padded AES wrap zero-pads its input to 8 bytes (kat.ts): AES keys come out exact, RSA and
// EC keys need allowZeroPaddedKwp and open to PKCS#8 followed by up to 7 zero bytes, which this test
// checks byte for byte. test/pkcs11/nss-wrap.test.ts covers a token whose RFC 5649 is exact.
import { createHash, generateKeyPairSync, randomBytes, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { rsaAesKwp, rsaOaep } from '../../src/formats/scheme.js';
import { readKek, type Kek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { checkWrappable, openTokenSession, wrapInToken, type TokenKey, type TokenSession } from '../../src/pkcs11/index.js';
import { readByok } from '../../src/transfer/read.js';
import { verifyTokenKeyFor, wrapTokenKeyFor, type WrapTokenKeyOptions } from '../../src/transfer/token.js';
import { wrapForAzure, type AzureWrapResult } from '../../src/transfer/wrap.js';
import { tempDir } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { createSoftHsmLab, softHsmUsable, type SoftHsm, type SoftHsmKek, type SoftHsmLab, type TargetKind, type TokenTarget } from '../helpers/softhsm.js';
import { openBlob, opensslAesEcb, opensslSpkiOfPkcs8 } from '../helpers/token-blobs.js';
import { opensslUsable } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE = requireTool('SoftHSM 2 with pkcs11js, and OpenSSL 3', softHsmUsable() && opensslUsable(), 'apt-get install softhsm2 openssl; npm ci builds pkcs11js');
const PIN = new TextEncoder().encode('1234');

interface Target extends TokenTarget {
  readonly label: string;
  readonly kind: TargetKind;
  readonly hash?: string;
  readonly aesValue?: Buffer;       // imported AES keys: their value, to compare with the software path
  readonly nodeKey?: KeyObject;     // imported RSA/EC keys: the private key, likewise
}

/** The ByokError code of a refusal, whose message must be one line. */
function codeOf(f: () => unknown): string {
  const e = errorOf(f);
  expect(e.message).not.toMatch(/\n/);
  return e.code;
}

async function codeOfAsync(f: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof ByokError)) throw e;
    expect(e.message).not.toMatch(/\n/);
    return [e.code, e.message];
  }
  return ['OK', ''];
}

describe.skipIf(!HAVE)('wrapping inside SoftHSM for Azure', () => {
  let lab: SoftHsmLab;
  let src: SoftHsm;
  let recv: SoftHsm;
  let tmp: ReturnType<typeof tempDir>;
  const keks: { kek: Kek; privPem: string; inRecv: SoftHsmKek }[] = [];
  const targets: Target[] = [];
  let uriBase: string;
  let session: TokenSession;
  let before: string[];

  beforeAll(async () => {
    lab = createSoftHsmLab(['byok-src', 'byok-recv']);
    src = lab.token('byok-src');
    recv = lab.token('byok-recv');
    tmp = tempDir('byok-p11-');
    uriBase = `?module-path=${lab.library}`;
    for (const bits of [2048, 4096]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      const privPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      keks.push({ kek: readKek(publicKey.export({ type: 'spki', format: 'pem' }) as string, { kid: KID }), privPem: tmp.path(`kek-${bits}.pem`), inRecv: recv.importKek(privateKey) });
      writeFileSync(tmp.path(`kek-${bits}.pem`), privPem);
    }
    for (const bits of [2048, 3072, 4096]) targets.push({ label: `gen-rsa-${bits}`, kind: 'rsa', hash: 'sha256', ...src.generateRsa(`gen-rsa-${bits}`, bits, { id: Buffer.from([bits >> 8]) }) });
    for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512']] as const) {
      targets.push({ label: `gen-ec-${curve}`, kind: 'ec', hash, ...src.generateEc(`gen-ec-${curve}`, curve, { id: Buffer.from(curve) }) });
    }
    for (const bits of [128, 192, 256]) targets.push({ label: `gen-aes-${bits}`, kind: 'oct', ...src.generateAes(`gen-aes-${bits}`, bits) });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    targets.push({ label: 'imp-rsa-2048', kind: 'rsa', hash: 'sha256', nodeKey: rsa, ...src.importPrivate('imp-rsa-2048', rsa, { id: Buffer.from('r1') }) });
    for (const curve of ['P-256', 'secp256k1'] as const) {
      const ec = generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
      targets.push({ label: `imp-ec-${curve}`, kind: 'ec', hash: 'sha256', nodeKey: ec, ...src.importPrivate(`imp-ec-${curve}`, ec, { id: Buffer.from(`e-${curve}`) }) });
    }
    const aes = randomBytes(32);
    targets.push({ label: 'imp-aes-256', kind: 'oct', aesValue: aes, ...src.importAes('imp-aes-256', aes) });
    // keys that must be refused
    src.generateAes('no-export', 256, { extractable: false });
    src.generateAes('trusted-only', 256, { wrapWithTrusted: true });
    src.generateAes('twice', 128);
    src.generateAes('twice', 128);
    src.generateDes3('des3');
    before = src.tokenObjects();
    session = await openTokenSession(`pkcs11:token=byok-src${uriBase}`, { pin: PIN });
  }, 300_000);

  afterAll(() => {
    session?.close();
    lab?.close();
    tmp?.cleanup();
  });

  const find = (label: string): TokenKey => session.findKey(`pkcs11:object=${label}`);
  const wrapTokenKeyForAzure = (kek: Kek, s: TokenSession, key: TokenKey, o?: WrapTokenKeyOptions): AzureWrapResult =>
    wrapTokenKeyFor('azure', kek, s, key, o) as AzureWrapResult;

  it('finds every target by label and describes it from its public attributes', () => {
    for (const t of targets) {
      const k = find(t.label);
      expect(k.kind).toBe(t.kind);
      expect(k.extractable && k.sensitive && !k.wrapWithTrusted).toBe(true);
      if (t.publicKey !== undefined) expect(Buffer.from(k.publicKey!).equals(t.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    }
    expect(find('gen-rsa-3072').bits).toBe(3072);
    expect(find('gen-ec-P-521').curve).toBe('P-521');
    expect(find('imp-ec-secp256k1').curve).toBe('P-256K');
    expect(find('gen-aes-192').bits).toBe(192);
  });

  it('describes each key the same whether searched for (a first lookup) or found in the key directory (manyKeys)', async () => {
    const many = await openTokenSession(`pkcs11:token=byok-src${uriBase}`, { pin: PIN, manyKeys: true });
    try {
      // the directory's first lookup: the ambiguity a search finds, found there too
      expect(codeOf(() => many.findKey('pkcs11:object=twice'))).toBe('PKCS11_OBJECT_AMBIGUOUS');
      for (const label of [...targets.map((t) => t.label), 'no-export', 'trusted-only', 'des3']) {
        const one = await openTokenSession(`pkcs11:token=byok-src${uriBase}`, { pin: PIN });
        try {
          expect(many.findKey(`pkcs11:object=${label}`), label).toEqual(one.findKey(`pkcs11:object=${label}`));
        } finally {
          one.close();
        }
      }
      // each lookup hands out its own copy: wiping one does not change the next
      const first = many.findKey('pkcs11:object=gen-rsa-2048');
      first.id.fill(0);
      first.publicKey!.fill(0);
      expect(many.findKey('pkcs11:object=gen-rsa-2048')).toEqual(find('gen-rsa-2048'));
      expect(codeOf(() => many.findKey('pkcs11:object=nope'))).toBe('PKCS11_OBJECT_NOT_FOUND');
      expect(many.findKey('pkcs11:id=%08').label).toBe('gen-rsa-2048');
    } finally {
      many.close();
    }
  });

  it('wraps every target inside the token; OpenSSL opens each blob to the token\'s key; a second token imports and uses it', () => {
    const done: string[] = [];
    for (const { kek, privPem, inRecv } of keks) {
      for (const t of targets.filter((x) => kek.bits === 2048 || ['gen-rsa-4096', 'gen-ec-P-521', 'gen-aes-256'].includes(x.label))) {
        const key = find(t.label);
        const r = wrapTokenKeyForAzure(kek, session, key, { allowZeroPaddedKwp: t.kind !== 'oct' });
        expect(r.byok.generator).toMatch(/inside PKCS#11 token SoftHSM v2/);
        expect(r.summary.target.format).toBe('pkcs11');
        const ct = readByok(r.bytes).ciphertext;
        const opened = openBlob(tmp.dir, privPem, kek.bits, ct, t.kind);
        let evidence: string;
        if (t.kind === 'oct') {
          expect(r.warnings.filter((w) => /zero-padded/.test(w))).toEqual([]);
          expect(opened.material.length * 8).toBe(key.bits);
          const block = randomBytes(16);
          expect(opensslAesEcb(opened.material, block).equals(src.encryptBlock(t.handle, block))).toBe(true);
          if (t.aesValue !== undefined) expect(opened.material.equals(t.aesValue)).toBe(true);
          // the same layout and length as the software path for the same key size
          expect(ct.length).toBe(readByok(wrapForAzure(kek, readTargetKey(randomBytes(key.bits! / 8))).bytes).ciphertext.length);
          evidence = 'AES block = token C_Encrypt';
        } else {
          expect(r.warnings?.[0]).toMatch(/zero-padded/);
          const spki = opensslSpkiOfPkcs8(tmp.dir, opened.material, t.label);
          expect(spki.equals(t.publicKey!.export({ type: 'spki', format: 'der' }))).toBe(true);
          // The token's PKCS#8 reads as the same key as the original, in intake's canonical encoding.
          if (t.nodeKey !== undefined) {
            const fromToken = readTargetKey(opened.material).material;
            const original = readTargetKey(new Uint8Array(t.nodeKey.export({ type: 'pkcs8', format: 'der' }))).material;
            expect(Buffer.from(fromToken).equals(Buffer.from(original))).toBe(true);
          }
          evidence = `public key = token's${opened.zeroPadding > 0 ? `, ${opened.zeroPadding} zero pad bytes` : ''}`;
        }
        // the receiving side: the second token imports the blob and uses the key
        const h = recv.importWrapped(inRecv, ct, t.kind);
        const msg = randomBytes(64);
        if (t.kind === 'rsa') {
          expect(nodeVerify('sha256', msg, t.publicKey!, recv.signRsa(h, msg, false))).toBe(true);
          expect(nodeVerify('sha256', randomBytes(64), t.publicKey!, recv.signRsa(h, msg, false))).toBe(false);
        } else if (t.kind === 'ec') {
          const sig = recv.signEcdsaDigest(h, createHash(t.hash!).update(msg).digest());
          expect(nodeVerify(t.hash!, msg, { key: t.publicKey!, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
        } else {
          const block = randomBytes(16);
          expect(recv.encryptBlock(h, block).equals(src.encryptBlock(t.handle, block))).toBe(true);
        }
        // and the rehearsal check of the library agrees
        const v = verifyTokenKeyFor('azure', r.bytes, new Uint8Array(readFileSync(privPem)), session, key);
        expect(v.zeroPadding ?? 0).toBe(opened.zeroPadding);
        done.push(`KEK ${kek.bits} / ${t.label}: ${evidence}; imported and used in the second token`);
      }
    }
    console.log(`SoftHSM wrapped ${done.length} keys inside the token:\n  ${done.join('\n  ')}`);
    expect(done.length).toBe(targets.length + 3);
  }, 300_000);

  it('refuses a private key without allowZeroPaddedKwp, naming the SoftHSM behaviour and the way out', () => {
    const err = errorOf(() => wrapTokenKeyForAzure(keks[0]!.kek, session, find('gen-rsa-2048')));
    expect(err.code).toBe('PKCS11_KAT_FAILED');
    expect(err.message).toMatch(/zero-pads the key to a multiple of 8 bytes.*SoftHSM before 2\.7\.0.*--allow-zero-padded-kwp/);
  });

  it('never a silent fallback: OAEP with SHA-256 is refused (SoftHSM does SHA-1 only), naming what this token can produce', () => {
    const err = errorOf(() => wrapInToken(session, find('gen-aes-256'), keks[0]!.kek, keks[0]!.kek.bits, rsaAesKwp('sha256')));
    expect(err.code).toBe('PKCS11_MECHANISM_MISSING');
    expect(err.message).toMatch(/cannot do CKM_RSA_PKCS_OAEP with SHA-256 \(MGF1-SHA-256, empty label\), which RSA-OAEP SHA-256 .* needs: CKR_/);
    expect(err.message).toMatch(/this token can produce: Azure Key Vault \/ Managed HSM \.byok.*AWS KMS RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_1; Google Cloud KMS RSA_OAEP_3072_SHA1_AES_256, RSA_OAEP_4096_SHA1_AES_256; HashiCorp Vault transit hash_function=SHA1$/);
    expect(err.message).not.toMatch(/SHA256|SHA_256/);
  });

  it('refuses each key the token will not let out, the wrong type, and URIs that name no, or several, keys', () => {
    const k = keks[0]!.kek;
    expect(codeOf(() => wrapTokenKeyForAzure(k, session, find('no-export')))).toBe('PKCS11_KEY_NOT_EXTRACTABLE');
    expect(codeOf(() => wrapTokenKeyForAzure(k, session, find('trusted-only')))).toBe('PKCS11_KEY_WRAP_WITH_TRUSTED');
    expect(codeOf(() => wrapTokenKeyForAzure(k, session, find('des3')))).toBe('PKCS11_UNSUPPORTED_KEY');
    // checkWrappable alone, each refusal on an otherwise wrappable key (the per-key path skips building the name for a key that passes)
    const rsa = find('gen-rsa-2048');
    const aes = find('gen-aes-256');
    expect(() => checkWrappable(rsa, rsaAesKwp('sha1'))).not.toThrow();
    expect(() => checkWrappable(aes, rsaOaep('sha1'))).not.toThrow();
    expect(codeOf(() => checkWrappable({ ...rsa, extractable: false }, rsaAesKwp('sha1')))).toBe('PKCS11_KEY_NOT_EXTRACTABLE');
    expect(codeOf(() => checkWrappable({ ...aes, wrapWithTrusted: true }, rsaOaep('sha1')))).toBe('PKCS11_KEY_WRAP_WITH_TRUSTED');
    expect(codeOf(() => checkWrappable({ ...rsa, kind: undefined }, rsaAesKwp('sha1')))).toBe('PKCS11_UNSUPPORTED_KEY');
    expect(codeOf(() => checkWrappable(rsa, rsaOaep('sha1')))).toBe('PKCS11_UNSUPPORTED_KEY');
    expect(codeOf(() => find('twice'))).toBe('PKCS11_OBJECT_AMBIGUOUS');
    expect(codeOf(() => find('nope'))).toBe('PKCS11_OBJECT_NOT_FOUND');
    expect(codeOf(() => session.findKey('pkcs11:token=byok-src'))).toBe('PKCS11_URI_INVALID');
    expect(codeOf(() => session.findKey('pkcs11:object=gen-rsa-2048;type=public'))).toBe('PKCS11_URI_INVALID');
    expect(codeOf(() => session.findKey('pkcs11:object=gen-rsa-2048;x-vendor=1'))).toBe('PKCS11_URI_INVALID');
    // the right key by id alone, and by label and type
    expect(session.findKey('pkcs11:id=%08').label).toBe('gen-rsa-2048');
    expect(session.findKey('pkcs11:object=gen-aes-128;type=secret-key').bits).toBe(128);
  });

  it('refuses a missing module, a file that is no module, and URIs naming no token or several', async () => {
    const notModule = tmp.path('not-a-module.so');
    writeFileSync(notModule, 'not an ELF file');
    expect((await codeOfAsync(() => openTokenSession(`pkcs11:token=byok-src?module-path=${tmp.path('missing.so')}`)))[0]).toBe('PKCS11_MODULE_NOT_FOUND');
    expect((await codeOfAsync(() => openTokenSession(`pkcs11:token=byok-src?module-path=${notModule}`)))[0]).toBe('PKCS11_MODULE_LOAD_FAILED');
    expect((await codeOfAsync(() => openTokenSession('pkcs11:token=byok-src')))[0]).toBe('PKCS11_MODULE_NOT_FOUND');
    const [code, msg] = await codeOfAsync(() => openTokenSession(`pkcs11:${uriBase}`, { pin: PIN }));
    expect(code).toBe('PKCS11_TOKEN_AMBIGUOUS');
    expect(msg).toMatch(/"byok-src".*"byok-recv"|"byok-recv".*"byok-src"/);
    expect((await codeOfAsync(() => openTokenSession(`pkcs11:token=other${uriBase}`, { pin: PIN })))[0]).toBe('PKCS11_TOKEN_NOT_FOUND');
    expect((await codeOfAsync(() => openTokenSession(`pkcs11:token=byok-src;library-manufacturer=Thales${uriBase}`, { pin: PIN })))[0]).toBe('PKCS11_TOKEN_NOT_FOUND');
  });

  it('leaves the token as it was: no new token objects, and no session objects once the sessions are closed', async () => {
    const base = sessionObjects(src); // the KEK objects of the session the other tests used
    const s2 = await openTokenSession(`pkcs11:token=byok-src${uriBase}`, { pin: PIN });
    wrapTokenKeyForAzure(keks[0]!.kek, s2, s2.findKey('pkcs11:object=gen-aes-128'));
    // While it is open, the KEK public key is its one session object (this process sees its own).
    expect(sessionObjects(src)).toBe(base + 1);
    s2.close();
    expect(sessionObjects(src)).toBe(base);
    session.close();
    expect(sessionObjects(src)).toBe(0);
    expect(src.tokenObjects()).toEqual(before);
    expect(codeOf(() => s2.findKey('pkcs11:object=gen-aes-128'))).toBe('INVALID_ARGUMENT');
  });
});

function sessionObjects(t: SoftHsm): number {
  const p = t.p11;
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === t.label)!;
  const s = p.C_OpenSession(slot, 4);
  try {
    p.C_FindObjectsInit(s, [{ type: 1, value: false }]);
    const n = p.C_FindObjects(s, 1000).length;
    p.C_FindObjectsFinal(s);
    return n;
  } finally {
    p.C_CloseSession(s);
  }
}

