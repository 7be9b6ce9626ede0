// Target keys the other clouds need: Ed25519 (RFC 8410 PKCS#8 v1 and v2, JWK OKP; public key derived from the
// seed and compared) with canonical bytes equal to `openssl pkcs8 -topk8 -nocrypt -outform DER`, and HMAC /
// generic secret keys (keyType 'hmac') as raw bytes, hex, base64 or JWK oct.
import { createCipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTargetForAzure } from '../../src/formats/azure-import.js';
import { listKeys, readTargetKey } from '../../src/keys/index.js';
import { codeOf, errorOf } from '../helpers/errors.js';
import { OPENSSL_AVAILABLE, openssl, requireOpenssl, tempDir } from '../helpers/openssl.js';

requireOpenssl();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const V1_PREFIX = '302e020100300506032b657004220420';

/** OneAsymmetricKey v2 (RFC 5958) around a seed, with an optional [1] public key and [0] attributes. */
function pkcs8v2(seed: Buffer, pub: Buffer | undefined, attributes = false): Buffer {
  const tlv = (tag: number, body: Buffer): Buffer => {
    const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
    return Buffer.concat([Buffer.from([tag]), len, body]);
  };
  const attrs = attributes ? tlv(0xa0, tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from('2a864886f70d01091414', 'hex')), tlv(0x31, tlv(0x0c, Buffer.from('Curdle Chairs')))]))) : Buffer.alloc(0);
  const pk = pub === undefined ? Buffer.alloc(0) : tlv(0x81, Buffer.concat([Buffer.from([0]), pub]));
  return tlv(0x30, Buffer.concat([Buffer.from('020101', 'hex'), Buffer.from('300506032b6570', 'hex'), tlv(0x04, tlv(0x04, seed)), attrs, pk]));
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('byok-ed-');
});
afterAll(() => tmp.cleanup());

describe('Ed25519 targets', () => {
  it('PKCS#8 v1 PEM and DER, v2 with the public key (and attributes), JWK OKP: one canonical key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const v1 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const seed = v1.subarray(16);
    const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
    const pub = Buffer.from(jwk.x, 'base64url');
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const inputs: [string, Uint8Array][] = [
      ['pkcs8 v1 DER', new Uint8Array(v1)],
      ['pkcs8 v1 PEM', enc(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)],
      ['pkcs8 v2 DER', new Uint8Array(pkcs8v2(seed, pub))],
      ['pkcs8 v2 with attributes', new Uint8Array(pkcs8v2(seed, pub, true))],
      ['pkcs8 v2 without public key', new Uint8Array(pkcs8v2(seed, undefined))],
      ['JWK OKP', enc(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', ...jwk }))],
      ['JWK Set', enc(JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'signer', ...jwk }] }))],
    ];
    for (const [name, input] of inputs) {
      const t = readTargetKey(input);
      expect([name, t.kind, t.bits, t.curve, t.keyType, t.azure]).toEqual([name, 'ed25519', 256, undefined, undefined, undefined]);
      expect(hex(t.material)).toBe(V1_PREFIX + seed.toString('hex'));
      expect(Buffer.from(t.publicKey as Uint8Array).equals(spki)).toBe(true);
      // node:crypto reads our canonical bytes back to the same key
      expect(createPublicKey(createPrivateKey({ key: Buffer.from(t.material), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }).equals(spki)).toBe(true);
    }
    expect(listKeys(inputs[5]![1])[0]!.kind).toBe('ed25519');
    expect(listKeys(inputs[2]![1])[0]!.kind).toBe('ed25519');
    expect(codeOf(() => checkTargetForAzure(readTargetKey(inputs[0]![1])))).toBe('UNSUPPORTED_KEY_TYPE');
  });

  it.skipIf(!OPENSSL_AVAILABLE)('canonical bytes = openssl pkcs8 -topk8 -nocrypt -outform DER, from genpkey PEM and encrypted PKCS#8', () => {
    const key = tmp.file('ed.pem');
    openssl(['genpkey', '-algorithm', 'ed25519', '-out', key]);
    const theirs = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', key]);
    const encrypted = openssl(['pkcs8', '-topk8', '-in', key, '-v2', 'aes-256-cbc', '-passout', 'pass:ceremony']);
    expect(hex(readTargetKey(new Uint8Array(openssl(['pkey', '-in', key]))).material)).toBe(theirs.toString('hex'));
    const t = readTargetKey(new Uint8Array(encrypted), { password: 'ceremony' });
    expect(hex(t.material)).toBe(theirs.toString('hex'));
    expect(hex(t.publicKey as Uint8Array)).toBe(openssl(['pkey', '-in', key, '-pubout', '-outform', 'DER']).toString('hex'));
  });

  it('refused: a public key that is not the seed\'s, parameters present, a wrong seed length, X25519/Ed448 JWKs', () => {
    const a = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { x: string; d: string };
    const b = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { x: string; d: string };
    const seedA = Buffer.from(a.d, 'base64url');
    const cases: [string, () => unknown, string][] = [
      ['v2, another key\'s public key', () => readTargetKey(new Uint8Array(pkcs8v2(seedA, Buffer.from(b.x, 'base64url')))), 'INVALID_EC_KEY'],
      ['JWK, another key\'s x', () => readTargetKey(enc(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: a.d, x: b.x }))), 'INVALID_EC_KEY'],
      ['JWK, x of 31 bytes', () => readTargetKey(enc(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: a.d, x: Buffer.from(b.x, 'base64url').subarray(1).toString('base64url') }))), 'MALFORMED_KEY'],
      ['JWK, public only', () => readTargetKey(enc(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: a.x }))), 'NOT_A_PRIVATE_KEY'],
      ['JWK X25519', () => readTargetKey(enc(JSON.stringify({ kty: 'OKP', crv: 'X25519', d: a.d, x: a.x }))), 'UNSUPPORTED_KEY_TYPE'],
      ['JWK Ed448', () => readTargetKey(enc(JSON.stringify({ kty: 'OKP', crv: 'Ed448', d: a.d, x: a.x }))), 'UNSUPPORTED_KEY_TYPE'],
      ['PKCS#8 with NULL parameters', () => readTargetKey(new Uint8Array(Buffer.from(`3030020100300706032b65700500042204${'20'}${seedA.toString('hex')}`, 'hex'))), 'MALFORMED_KEY'],
      ['PKCS#8 with a 31-byte seed', () => readTargetKey(new Uint8Array(Buffer.from(`302d020100300506032b6570042104${'1f'}${seedA.subarray(1).toString('hex')}`, 'hex'))), 'MALFORMED_KEY'],
      ['X25519 PKCS#8', () => readTargetKey(new Uint8Array(generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'der' }))), 'UNSUPPORTED_KEY_TYPE'],
      ['keyType aes on an Ed25519 key', () => readTargetKey(new Uint8Array(pkcs8v2(seedA, undefined)), { keyType: 'aes' }), 'FORMAT_MISMATCH'],
    ];
    for (const [name, fn, code] of cases) expect([name, codeOf(fn)]).toEqual([name, code]);
    // No message carries the seed.
    const e = errorOf(cases[0]![1]);
    expect(e.message).not.toContain(seedA.toString('hex'));
  });
});

describe('HMAC and generic secret keys (keyType)', () => {
  it('raw binary, hex and base64 of HMAC lengths; 16/24/32 bytes are AES unless keyType says hmac', () => {
    for (const len of [14, 20, 28, 32, 48, 64, 100, 512, 1024]) {
      const k = randomBytes(len);
      for (const [name, input] of [['binary', new Uint8Array(k)], ['hex', enc(k.toString('hex'))], ['base64', enc(`${k.toString('base64')}\n`)], ['JWK', enc(JSON.stringify({ kty: 'oct', k: k.toString('base64url') }))]] as const) {
        const t = readTargetKey(input, { keyType: 'hmac' });
        expect([len, name, t.kind, t.keyType, t.bits, t.azure]).toEqual([len, name, 'oct', 'hmac', len * 8, undefined]);
        expect(Buffer.from(t.material).equals(k)).toBe(true);
      }
    }
    const aes = randomBytes(32);
    expect(readTargetKey(new Uint8Array(aes)).keyType).toBe('aes');
    expect(readTargetKey(enc(aes.toString('hex'))).azure?.kty).toBe('oct-HSM');
    expect(readTargetKey(enc(JSON.stringify({ kty: 'oct', alg: 'HS384', k: randomBytes(48).toString('base64url') }))).keyType).toBe('hmac');
    expect(readTargetKey(enc(JSON.stringify({ kty: 'oct', alg: 'HS256', k: aes.toString('base64url') })), { keyType: 'aes' }).keyType).toBe('aes');
  });

  it('a 48-byte key without keyType is refused with the way out; HMAC bounds; keyType on the wrong file', () => {
    const e = errorOf(() => readTargetKey(enc(randomBytes(48).toString('hex'))));
    expect(e.code).toBe('UNSUPPORTED_TARGET_SIZE');
    expect(e.message).toContain('keyType "hmac"');
    expect(codeOf(() => readTargetKey(new Uint8Array(randomBytes(13)), { keyType: 'hmac' }))).toBe('UNSUPPORTED_TARGET_SIZE');
    expect(codeOf(() => readTargetKey(new Uint8Array(randomBytes(1025)), { keyType: 'hmac' }))).toBe('UNSUPPORTED_TARGET_SIZE');
    expect(codeOf(() => readTargetKey(enc(JSON.stringify({ kty: 'oct', alg: 'HS512', k: randomBytes(63).toString('base64url') }))))).toBe('UNSUPPORTED_TARGET_SIZE');
    const rsaPem = enc(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(codeOf(() => readTargetKey(rsaPem, { keyType: 'hmac' }))).toBe('FORMAT_MISMATCH');
    expect(codeOf(() => readTargetKey(rsaPem, { keyType: 'aes' }))).toBe('FORMAT_MISMATCH');
    expect(codeOf(() => readTargetKey(new Uint8Array(randomBytes(32)), { keyType: 'des' as 'aes' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkTargetForAzure(readTargetKey(new Uint8Array(randomBytes(32)), { keyType: 'hmac' })))).toBe('UNSUPPORTED_KEY_TYPE');
  });

  it('an HMAC key exported under an AES transport key (keyType passes through the unwrap)', () => {
    const transport = randomBytes(32);
    const k = randomBytes(64);
    const c = createCipheriv('id-aes256-wrap-pad', transport, Buffer.from('A65959A6', 'hex'));
    const wrapped = Buffer.concat([c.update(k), c.final()]);
    const t = readTargetKey(new Uint8Array(wrapped), { transportKey: new Uint8Array(transport), keyType: 'hmac' });
    expect([t.kind, t.keyType, t.bits, t.source.format]).toEqual(['oct', 'hmac', 512, 'wrapped']);
    expect(Buffer.from(t.material).equals(k)).toBe(true);
  });
});
