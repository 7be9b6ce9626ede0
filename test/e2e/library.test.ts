// The library API import scripts call: wrapForAzure, readByok, matchByokToKek, unwrapByok, verifyByok.
// Results are checked with node:crypto (an independent OAEP + KWP implementation), never against
// hard-coded outputs of our own code.
import { constants, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { readKek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import * as lib from '../../src/index.js';
import { matchByokToKek, readByok } from '../../src/transfer/read.js';
import { unwrapByok, verifyByok } from '../../src/transfer/unwrap.js';
import { wrapForAzure } from '../../src/transfer/wrap.js';
import { rsaComponentsFromPkcs8 } from '../../src/transfer/rsa-components.js';
import { codeOf as code } from '../helpers/errors.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const MHSM_KID = 'https://contoso-hsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef';
const kek = generateKeyPairSync('rsa', { modulusLength: 3072 });
const kekPem = kek.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const kekPkcs8 = new Uint8Array(kek.privateKey.export({ type: 'pkcs8', format: 'der' }));
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ecPem = new TextEncoder().encode(ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

function nodeOpen(ciphertext: Uint8Array): Buffer {
  const aes = privateDecrypt({ key: kek.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ciphertext.subarray(0, 384));
  expect(aes.length).toBe(32); // AES-256 ephemeral key
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([d.update(ciphertext.subarray(384)), d.final()]);
}


describe('wrapForAzure', () => {
  it('returns the .byok object, its exact bytes, the REST body, the SDK argument and the az command', () => {
    const r = wrapForAzure(kekPem, ecPem, { kid: KID, keyName: 'payments-signing', byokPath: 'payments.byok' });
    const text = new TextDecoder().decode(r.bytes);
    expect(JSON.parse(text)).toEqual(r.byok);
    expect(r.byok).toMatchObject({ schema_version: '1.0.0', header: { kid: KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' } });
    expect(r.byok.generator).toMatch(/^byok-toolkit \d+\.\d+\.\d+; /);
    expect(r.byok.ciphertext).not.toMatch(/[=+/]/);
    const opened = nodeOpen(Buffer.from(r.byok.ciphertext, 'base64url'));
    const back = createPublicKey(createPrivateKey({ key: opened, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
    expect(back.equals(ec.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(r.importRequest).toEqual({
      key: { kty: 'EC-HSM', crv: 'P-384', key_ops: ['sign', 'verify'], key_hsm: Buffer.from(r.bytes).toString('base64url') },
      attributes: { enabled: true },
    });
    expect(r.sdkKey).toEqual({ kty: 'EC-HSM', crv: 'P-384', keyOps: ['sign', 'verify'], t: r.bytes });
    expect(r.azCommand).toBe('az keyvault key import --vault-name contoso-byok --name payments-signing --byok-file payments.byok --kty EC --curve P-384 --ops sign verify');
    expect(r.summary.kek).toMatchObject({ bits: 3072, kid: KID });
  });

  it('takes intake records too, a Managed HSM kid, and custom operations', () => {
    const k = readKek(kekPem, { kid: MHSM_KID });
    const aes = randomBytes(16);
    const t = readTargetKey(new Uint8Array(aes));
    const r = wrapForAzure(k, t, { keyOps: ['wrapKey', 'unwrapKey'] });
    expect(nodeOpen(readByok(r.bytes).ciphertext).equals(aes)).toBe(true);
    expect(r.importRequest.key).toMatchObject({ kty: 'oct-HSM', key_ops: ['wrapKey', 'unwrapKey'] });
    expect('crv' in r.importRequest.key).toBe(false);
    expect(r.azCommand).toMatch(/^az keyvault key import --hsm-name contoso-hsm .* --kty oct --ops wrapKey unwrapKey$/);
    // a TargetKey passed in is the caller's: not wiped by the library
    expect(t.material.some((b) => b !== 0)).toBe(true);
  });

  it('reads encrypted key files with options.read', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = new TextEncoder().encode(rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string);
    expect(code(() => wrapForAzure(kekPem, pem, { kid: KID }))).toBe('PASSWORD_REQUIRED');
    const r = wrapForAzure(kekPem, pem, { kid: KID, read: { password: 'pw' } });
    const back = createPublicKey(createPrivateKey({ key: nodeOpen(readByok(r.bytes).ciphertext), format: 'der', type: 'pkcs8' }));
    expect(back.export({ type: 'spki', format: 'der' }).equals(rsa.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('refuses what Azure would refuse', () => {
    expect(code(() => wrapForAzure(kekPem, ecPem))).toBe('KEK_KID_MISSING');
    expect(code(() => wrapForAzure(kekPem, ecPem, { kid: KID, keyOps: ['encrypt'] }))).toBe('BYOK_BAD_OPS');
    const jwk = { ...kek.publicKey.export({ format: 'jwk' }), kid: KID };
    expect(code(() => wrapForAzure(jwk, ecPem, { kid: MHSM_KID }))).toMatch(/KID_MISMATCH/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(code(() => wrapForAzure(small, ecPem, { kid: KID }))).toBe('KEK_UNSUPPORTED_SIZE');
  });

  it('is exported from the package entry', () => {
    expect(lib.wrapForAzure).toBe(wrapForAzure);
    expect(lib.readByok).toBe(readByok);
    expect(lib.unwrapByok).toBe(unwrapByok);
    expect(typeof lib.verifyByok).toBe('function');
  });
});

describe('readByok, matchByokToKek, unwrapByok, verifyByok', () => {
  const r = wrapForAzure(kekPem, ecPem, { kid: KID });

  it('readByok accepts the file as bytes or text, padded or not', () => {
    const a = readByok(r.bytes);
    const padded = { ...r.byok, ciphertext: Buffer.from(a.ciphertext).toString('base64').replace(/\+/g, '-').replace(/\//g, '_') };
    const b = readByok(JSON.stringify(padded));
    expect(Buffer.from(b.ciphertext).equals(Buffer.from(a.ciphertext))).toBe(true);
    expect(a.kid.kid).toBe(KID);
  });

  it('matchByokToKek: the right KEK fits; another kid, another size or a smaller modulus does not', () => {
    const parsed = readByok(r.bytes);
    expect(matchByokToKek(parsed, readKek(kekPem, { kid: KID })).kekBits).toBe(3072);
    expect(matchByokToKek(parsed, kekPem).kekBits).toBe(3072); // no kid on the KEK side: size and modulus only
    expect(code(() => matchByokToKek(parsed, readKek(kekPem, { kid: KID.replace('eba6', 'aaaa') })))).toBe('BYOK_KID_MISMATCH');
    // An AES-128 blob for this 3072-bit KEK is 384 + 24 bytes: too short for a 4096-bit KEK. (Longer
    // blobs can fit several KEK sizes; then only the modulus comparison below can tell.)
    const small = readByok(wrapForAzure(kekPem, new Uint8Array(randomBytes(16)), { kid: KID }).bytes);
    const k4096 = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(code(() => matchByokToKek(small, k4096))).toBe('BYOK_KEK_MISMATCH');
    // an OAEP block above the modulus cannot be for this KEK: forge one with 0xff…
    const forged = Buffer.from(parsed.ciphertext);
    forged.fill(0xff, 0, 384);
    const f = readByok(JSON.stringify({ ...r.byok, ciphertext: forged.toString('base64url') }));
    expect(code(() => matchByokToKek(f, kekPem))).toBe('BYOK_KEK_MISMATCH');
  });

  it('unwrapByok opens with PKCS#8 bytes or with RSA components, to what node:crypto opens', () => {
    const expected = nodeOpen(readByok(r.bytes).ciphertext);
    expect(Buffer.from(unwrapByok(r.bytes, kekPkcs8)).equals(expected)).toBe(true);
    const comps = rsaComponentsFromPkcs8(kekPkcs8);
    expect(Buffer.from(unwrapByok(new TextDecoder().decode(r.bytes), comps)).equals(expected)).toBe(true);
    // the components are the key's own (node:crypto's JWK export, independently)
    const jwk = kek.privateKey.export({ format: 'jwk' });
    expect(Buffer.from(comps.n).toString('base64url')).toBe(jwk.n);
    expect(Buffer.from(comps.qi).toString('base64url')).toBe(jwk.qi);
  });

  it('unwrapByok fails with one generic DECRYPT_FAILED for a wrong KEK or any tampering', () => {
    const other = new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey.export({ type: 'pkcs8', format: 'der' }));
    const messages = new Set<string>();
    const fail = (byok: Uint8Array | string, key: Uint8Array): void => {
      try {
        unwrapByok(byok, key);
        expect.unreachable('unwrap must fail');
      } catch (e) {
        expect((e as ByokError).code).toBe('DECRYPT_FAILED');
        messages.add((e as ByokError).message);
      }
    };
    fail(r.bytes, other);
    const ct = readByok(r.bytes).ciphertext;
    for (const pos of [0, 200, 383, 384, 400, ct.length - 1]) {
      const t = Buffer.from(ct);
      t[pos]! ^= 0x40;
      fail(JSON.stringify({ ...r.byok, ciphertext: t.toString('base64url') }), kekPkcs8);
    }
    expect(messages.size).toBe(1);
  });

  it('verifyByok: exact for the same key in any input format; BYOK_KEY_MISMATCH for another key', () => {
    expect(verifyByok(r.bytes, kekPkcs8, ecPem)).toMatchObject({ match: 'exact', kind: 'ec', curve: 'P-384' });
    const sec1 = new TextEncoder().encode(ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    expect(verifyByok(r.bytes, kekPkcs8, sec1).match).toBe('exact');
    const otherEc = new TextEncoder().encode(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(code(() => verifyByok(r.bytes, kekPkcs8, otherEc))).toBe('BYOK_KEY_MISMATCH');
  });
});
