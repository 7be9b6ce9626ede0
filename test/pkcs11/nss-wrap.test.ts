// The in-token wrap on a token whose RFC 5649 is exact: NSS's softokn (libnss3). OpenSSL opens every blob
// to a PKCS#8 key with nothing after it, which intake reads strictly; for RSA and AES keys it is the
// software path's material byte for byte (so the blob is the software path's but for the random values). Also the known-answer test's choice (NSS's 0x210A is PKCS#7 + RFC 3394 and is refused by it,
// 0x210B passes), and the raw parts of the SHA-256 and direct-OAEP schemes (the clouds' encodings of them: clouds-wrap.test.ts).
import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek, type Kek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { CKA_WRAP_WITH_TRUSTED, CKM_AES_KEY_WRAP_KWP, CKM_AES_KEY_WRAP_PAD } from '../../src/pkcs11/constants.js';
import { kwpKat, kwpMechanism } from '../../src/pkcs11/kat.js';
import { openTokenSession, wrapInToken, type TokenSession } from '../../src/pkcs11/index.js';
import type { SessionInternals } from '../../src/pkcs11/session.js';
import { readByok } from '../../src/transfer/read.js';
import { rsaAesKwp, rsaOaep } from '../../src/formats/scheme.js';
import { softwareWrap } from '../../src/transfer/software.js';
import { verifyTokenKeyFor, wrapTokenKeyFor } from '../../src/transfer/token.js';
import { wrapForAzure, type AzureWrapResult } from '../../src/transfer/wrap.js';
import { tempDir } from '../helpers/cli.js';
import { NSS_TOKEN, nssUsable, openNss, openNssSession, type NssToken } from '../helpers/nss.js';
import { opensslUsable } from '../helpers/openssl-recipe.js';
import { openBlob, opensslAesEcb, opensslSpkiOfPkcs8 } from '../helpers/token-blobs.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE = requireTool('NSS softokn (libnss3) with pkcs11js, and OpenSSL 3', nssUsable() && opensslUsable(), 'apt-get install libnss3 openssl; npm ci builds pkcs11js');

describe.skipIf(!HAVE)('wrapping inside NSS softokn: exact RFC 5649', () => {
  let nss: NssToken;
  let session: TokenSession;
  let tmp: ReturnType<typeof tempDir>;
  let kek: Kek;
  let kekPriv: KeyObject;
  const kekPem = (): string => tmp.path('kek.pem');
  const originals = new Map<string, KeyObject | Buffer>();

  beforeAll(async () => {
    nss = openNss();
    tmp = tempDir('byok-nss-');
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    kekPriv = pair.privateKey;
    writeFileSync(kekPem(), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    kek = readKek(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, { kid: KID });
    nss.generateRsa('gen-rsa', 2048, { id: Buffer.from([1]) });
    nss.generateEc('gen-ec-384', 'P-384', { id: Buffer.from([2]) });
    nss.generateAes('gen-aes-256', 256);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const aes = randomBytes(16);
    nss.importPrivate('imp-rsa', rsa, { id: Buffer.from([3]) });
    nss.importPrivate('imp-ec', ec, { id: Buffer.from([4]) });
    nss.importAes('imp-aes-128', aes);
    originals.set('imp-rsa', rsa).set('imp-ec', ec).set('imp-aes-128', aes);
    session = await openNssSession(nss);
  }, 120_000);

  afterAll(() => {
    session?.close();
    nss?.close();
    tmp?.cleanup();
  });

  it('the known-answer test refuses NSS\'s 0x210A (PKCS#7 + RFC 3394) and takes its 0x210B (RFC 5649)', () => {
    const s = session as SessionInternals;
    const pad = kwpKat(s, CKM_AES_KEY_WRAP_PAD);
    expect(pad).toEqual({ why: 'it wrapped a 32-byte test key to 48 bytes that are not RFC 5649\'s 40, the length of PKCS#7 padding + RFC 3394' });
    expect(kwpKat(s, CKM_AES_KEY_WRAP_KWP)).toBe('rfc5649');
    expect(kwpMechanism(s)).toEqual({ mechanism: CKM_AES_KEY_WRAP_KWP, conformance: 'rfc5649' });
  });

  it('every blob opens with OpenSSL to exactly the key (no padding), as the software path\'s does', () => {
    const lines: string[] = [];
    for (const label of ['gen-rsa', 'gen-ec-384', 'gen-aes-256', 'imp-rsa', 'imp-ec', 'imp-aes-128']) {
      const key = session.findKey(`pkcs11:object=${label}`);
      const r = wrapTokenKeyFor('azure', kek, session, key) as AzureWrapResult; // no allowZeroPaddedKwp: none is needed here
      expect(r.warnings.filter((w) => /zero-padded/.test(w))).toEqual([]);
      const ct = readByok(r.bytes).ciphertext;
      const kind = key.kind!;
      const opened = openBlob(tmp.dir, kekPem(), kek.bits, ct, kind);
      expect(opened.zeroPadding).toBe(0);
      if (kind === 'oct') {
        const block = randomBytes(16);
        expect(opensslAesEcb(opened.material, block).equals(nss.encryptBlock(key.handle, block))).toBe(true);
      } else {
        expect(opensslSpkiOfPkcs8(tmp.dir, opened.material, label).equals(Buffer.from(key.publicKey!))).toBe(true);
        readTargetKey(opened.material, { format: 'pkcs8' }); // strict DER, whole input: no trailing bytes
      }
      const original = originals.get(label);
      let same = '';
      if (original !== undefined) {
        // The software path on the same key. The token's encoding is its own: NSS leaves the optional
        // public key out of an imported EC key's ECPrivateKey (RFC 5915), as SoftHSM always does; intake
        // reads both to the same canonical key. RSA and AES come out byte for byte as the software path's.
        const soft = readTargetKey(original instanceof Buffer ? original : new Uint8Array((original as KeyObject).export({ type: "pkcs8", format: "der" })));
        const identical = Buffer.from(opened.material).equals(Buffer.from(soft.material));
        if (kind === 'ec') {
          expect(Buffer.from(readTargetKey(opened.material).material).equals(Buffer.from(soft.material))).toBe(true);
        } else {
          expect(identical).toBe(true);
          expect(ct.length).toBe(readByok(wrapForAzure(kek, soft).bytes).ciphertext.length);
        }
        same = identical ? ', byte for byte the software path\'s material' : ', the same key as the software path\'s (token encoding without the public key)';
      }
      expect(verifyTokenKeyFor('azure', r.bytes, new Uint8Array(kekPriv.export({ type: 'pkcs8', format: 'der' })), session, key).zeroPadding).toBeUndefined();
      lines.push(`${label}: ${opened.material.length} bytes${same}`);
    }
    console.log(`NSS softokn wrapped inside the token, opened by OpenSSL:\n  ${lines.join('\n  ')}`);
  });

  it('keys made without CKA_WRAP_WITH_TRUSTED: the directory learns it once, reads each key in two calls, describes each as a search does', async () => {
    // NSS keeps only the attributes a key was made with: eight AES keys and an RSA key without the attribute,
    // and an RSA key that has it true, beside the six keys above (which have it false).
    const bare = Array.from({ length: 8 }, (_, i) => `bare-aes-${i}`);
    for (const label of bare) nss.importAes(label, randomBytes(32), { wrapWithTrusted: 'absent' });
    nss.generateRsa('bare-rsa', 2048, { wrapWithTrusted: 'absent' });
    nss.generateRsa('trusted-rsa', 2048, { wrapWithTrusted: true });
    const labels = [...bare, 'bare-rsa', 'trusted-rsa', 'gen-rsa', 'gen-aes-256', 'imp-rsa', 'imp-aes-128', 'gen-ec-384', 'imp-ec'];
    const many = await openTokenSession(`pkcs11:token=${encodeURIComponent(NSS_TOKEN)}?module-path=${nss.library}`, {
      pin: new TextEncoder().encode(nss.pin), moduleParameters: nss.parameters, manyKeys: true,
    }) as SessionInternals;
    try {
      const api = many.conn.api;
      const read = api.C_GetAttributeValue.bind(api);
      let reads = 0;
      api.C_GetAttributeValue = (...args: Parameters<typeof read>) => {
        reads++;
        return read(...args);
      };
      let fromDirectory: ReturnType<TokenSession['findKey']>[];
      try {
        fromDirectory = labels.map((label) => many.findKey(`pkcs11:object=${label}`)); // the first reads the directory
      } finally {
        api.C_GetAttributeValue = read;
      }
      expect([...many.conn.lacking!]).toEqual([CKA_WRAP_WITH_TRUSTED]);
      // learning: at most two templates, nine single reads; then at most two calls per key, and for each EC
      // key one more template and its public key's point. Read one attribute at a time, the ten keys without
      // the attribute alone would take 12 each.
      expect(reads).toBeLessThanOrEqual(2 + 9 + 2 * labels.length + 2 * 2);
      expect(reads).toBeGreaterThanOrEqual(labels.length);
      // a session that searches for one key describes it the same way
      for (const [i, label] of labels.entries()) {
        const fresh = await openNssSession(nss);
        try {
          const { handle: _h, ...searched } = fresh.findKey(`pkcs11:object=${label}`);
          const { handle: _h2, ...listed } = fromDirectory[i]!;
          expect(listed).toEqual(searched);
        } finally {
          fresh.close();
        }
      }
      expect(fromDirectory.map((k) => k.wrapWithTrusted)).toEqual(labels.map((l) => l === 'trusted-rsa'));
    } finally {
      many.close();
    }
  }, 120_000);

  it('SHA-256 and direct OAEP schemes: the parts open as the software path\'s parts do', () => {
    const kekPub = { n: kek.n, e: kek.e };
    const rsa = session.findKey('pkcs11:object=imp-rsa');
    const p = wrapInToken(session, rsa, kekPub, kek.bits, rsaAesKwp('sha256'));
    if (p.mechanism !== 'rsa-aes-kwp') throw new Error('wrong parts');
    const aes = privateDecrypt({ key: kekPriv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, p.encryptedKey);
    expect(aes.length).toBe(32);
    const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
    const material = Buffer.concat([d.update(p.wrappedTarget), d.final()]);
    const soft = readTargetKey(new Uint8Array((originals.get('imp-rsa') as KeyObject).export({ type: 'pkcs8', format: 'der' })));
    expect(material.equals(Buffer.from(soft.material))).toBe(true);
    const sp = softwareWrap(rsaAesKwp('sha256'), kekPub, kek.bits, soft.material);
    if (sp.mechanism !== 'rsa-aes-kwp') throw new Error('wrong parts');
    expect([sp.encryptedKey.length, sp.wrappedTarget.length]).toEqual([p.encryptedKey.length, p.wrappedTarget.length]);
    // a SHA-1 OAEP of the same ephemeral key would not decrypt with SHA-256: the hash was honoured
    expect(() => privateDecrypt({ key: kekPriv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, p.encryptedKey)).toThrow();

    const aesKey = session.findKey('pkcs11:object=imp-aes-128');
    const direct = wrapInToken(session, aesKey, kekPub, kek.bits, rsaOaep('sha256'));
    if (direct.mechanism !== 'rsa-oaep') throw new Error('wrong parts');
    expect(privateDecrypt({ key: kekPriv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, direct.ciphertext).equals(originals.get('imp-aes-128') as Buffer)).toBe(true);
    expect(() => wrapInToken(session, rsa, kekPub, kek.bits, rsaOaep('sha256'))).toThrow(expect.objectContaining({ code: 'PKCS11_UNSUPPORTED_KEY' }));
  });
});
