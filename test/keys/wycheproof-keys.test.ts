// Wycheproof key material run through key intake, in full:
//   - every RSA test group (OAEP, PKCS#1, misc, three primes): the private key as PKCS#8 DER, PEM and (where
//     given) JWK gives one canonical PKCS#8 equal to Wycheproof's DER, with the group's modulus; three-prime
//     keys are refused; sizes Azure does not import are refused by default and parse without the checks;
//   - every distinct ECDH private key (DER scalar via JWK, PEM PKCS#8, WebCrypto JWK) on P-256/384/521: its
//     derived public key equals node:crypto's;
//   - every ECDH public key (valid or deliberately broken) given to readKek: a typed refusal, never a crash.
import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { readKek } from '../../src/kek/index.js';
import { readTargetKey, type TargetKey } from '../../src/keys/index.js';
import { readJsonVector } from '../helpers/vectors.js';
import { codeOf as code } from '../helpers/errors.js';

interface RsaGroup {
  keySize: string | number;
  privateKey: { modulus: string };
  privateKeyPkcs8: string;
  privateKeyPem: string;
  privateKeyJwk?: Record<string, string>;
}
interface EcdhTest { tcId: string | number; public: unknown; private: unknown; result: string }
interface VectorFile<G> { testGroups: (G & { tests: EcdhTest[] })[] }

const RSA_FILES = [
  ...['2048_sha1_mgf1sha1', '2048_sha224_mgf1sha1', '2048_sha224_mgf1sha224', '2048_sha256_mgf1sha1', '2048_sha256_mgf1sha256',
    '2048_sha384_mgf1sha1', '2048_sha384_mgf1sha384', '2048_sha512_224_mgf1sha1', '2048_sha512_224_mgf1sha512_224',
    '2048_sha512_mgf1sha1', '2048_sha512_mgf1sha512', '3072_sha256_mgf1sha1', '3072_sha256_mgf1sha256', '3072_sha512_256_mgf1sha1',
    '3072_sha512_256_mgf1sha512_256', '3072_sha512_mgf1sha1', '3072_sha512_mgf1sha512', '4096_sha256_mgf1sha1',
    '4096_sha256_mgf1sha256', '4096_sha512_mgf1sha1', '4096_sha512_mgf1sha512'].map((s) => `rsa_oaep_${s}_test.json`),
  'rsa_oaep_misc_test.json', 'rsa_pkcs1_2048_test.json', 'rsa_pkcs1_3072_test.json', 'rsa_pkcs1_4096_test.json',
  'rsa_three_primes_oaep_2048_sha1_mgf1sha1_test.json', 'rsa_three_primes_oaep_3072_sha224_mgf1sha224_test.json',
  'rsa_three_primes_oaep_4096_sha256_mgf1sha256_test.json',
];

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hexBytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const counts = new Map<string, number>();
const count = (k: string, n = 1): void => void counts.set(k, (counts.get(k) ?? 0) + n);

// Wycheproof reuses keys across groups and files (251 RSA groups, 132 distinct keys): an identical input
// with identical options is read once and its result checked against every group that uses it.
const memo = new Map<string, TargetKey | string>();
function readOnce(bytes: Uint8Array, azureChecks: boolean): TargetKey | string {
  const id = `${azureChecks}:${Buffer.from(bytes).toString('base64')}`;
  let r = memo.get(id);
  if (r === undefined) {
    try {
      r = readTargetKey(bytes, { azureChecks });
    } catch (e) {
      if (!(e instanceof ByokError)) throw e;
      r = e.code;
    }
    memo.set(id, r);
  } else {
    count('RSA inputs seen before (result reused)');
  }
  return r;
}


describe('Wycheproof RSA private keys', () => {
  for (const file of RSA_FILES) {
    it(file, () => {
      const groups = readJsonVector<VectorFile<RsaGroup>>('wycheproof', file).testGroups;
      const threePrimes = file.includes('three_primes');
      for (const g of groups) {
        const bits = Number(g.keySize);
        const forms: [string, Uint8Array][] = [['der', hexBytes(g.privateKeyPkcs8)], ['pem', enc(g.privateKeyPem)]];
        if (g.privateKeyJwk !== undefined) forms.push(['jwk', enc(JSON.stringify(g.privateKeyJwk))]);
        for (const [form, bytes] of forms) {
          if (threePrimes) {
            expect(readOnce(bytes, true), form).toBe('MULTI_PRIME_RSA');
            count('RSA three-prime refused');
            continue;
          }
          const azure = [2048, 3072, 4096].includes(bits);
          if (!azure) {
            // Every form is parsed and consistency-checked, then refused for its size; the full read
            // without Azure checks (two probable-prime tests of up to 4096-bit primes) runs on the DER form.
            expect(readOnce(bytes, true), `${form} ${bits}`).toBe('UNSUPPORTED_TARGET_SIZE');
            count(`RSA-${bits} refused for Azure`);
            if (form !== 'der') continue;
          }
          const t = readOnce(bytes, false);
          if (typeof t === 'string') throw new Error(`${file} ${form} ${bits}: ${t}`);
          expect(t.bits).toBe(bits);
          expect(Buffer.from(t.material).toString('hex'), `${form} ${bits}`).toBe(g.privateKeyPkcs8);
          const n = Buffer.from(g.privateKey.modulus, 'hex').toString('hex').replace(/^00/, '');
          expect(Buffer.from(createPublicKey({ key: Buffer.from(t.publicKey as Uint8Array), format: 'der', type: 'spki' }).export({ format: 'jwk' }).n as string, 'base64url').toString('hex')).toBe(n);
          count(azure ? `RSA-${bits} parsed` : `RSA-${bits} parsed without Azure checks`);
        }
      }
    });
  }
});

const CURVES: [string, string][] = [['secp256r1', 'P-256'], ['secp384r1', 'P-384'], ['secp521r1', 'P-521']];

describe('Wycheproof ECDH keys', () => {
  for (const [wp, crv] of CURVES) {
    it(`${crv}: every distinct private key (DER scalar, PEM, WebCrypto JWK) derives node:crypto's public key`, () => {
      const seen = new Set<string>();
      const check = (bytes: Uint8Array, expectedSpki: Buffer, label: string): void => {
        const t = readTargetKey(bytes);
        expect(t.curve, label).toBe(crv);
        expect(Buffer.from(t.publicKey as Uint8Array).equals(expectedSpki), label).toBe(true);
        count(`EC ${crv} private keys`);
      };
      for (const t of readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_pem_test.json`).testGroups.flatMap((g) => g.tests)) {
        const pem = t.private as string;
        if (seen.has(pem)) continue;
        seen.add(pem);
        check(enc(pem), createPublicKey(createPrivateKey(pem)).export({ format: 'der', type: 'spki' }), `pem tc ${t.tcId}`);
      }
      for (const t of readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_webcrypto_test.json`).testGroups.flatMap((g) => g.tests)) {
        const jwk = t.private as Record<string, string>;
        if (seen.has(jwk['d'] as string)) continue;
        seen.add(jwk['d'] as string);
        check(enc(JSON.stringify(jwk)), createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'der', type: 'spki' }), `jwk tc ${t.tcId}`);
      }
      const len = crv === 'P-521' ? 66 : Number(crv.slice(2)) / 8;
      for (const t of readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_test.json`).testGroups.flatMap((g) => g.tests)) {
        // The scalar as hex, possibly with a sign octet or shorter: as a JWK "d" of the curve's length.
        const d = Buffer.from(t.private as string, 'hex');
        const scalar = Buffer.concat([Buffer.alloc(Math.max(0, len - d.length)), d.subarray(Math.max(0, d.length - len))]);
        const key = `${scalar.toString('hex')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const nodeKey = createPrivateKey({ key: { kty: 'EC', crv, d: scalar.toString('base64url'), ...publicXY(crv, scalar) }, format: 'jwk' });
        check(enc(JSON.stringify(nodeKey.export({ format: 'jwk' }))), createPublicKey(nodeKey).export({ format: 'der', type: 'spki' }), `asn tc ${t.tcId}`);
      }
    });

    it(`${crv}: every public key of the ECDH tests (valid or broken) is refused by readKek with a typed error`, () => {
      const inputs: unknown[] = [
        ...readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_test.json`).testGroups.flatMap((g) => g.tests).map((t) => hexBytes(t.public as string)),
        ...readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_pem_test.json`).testGroups.flatMap((g) => g.tests).map((t) => t.public),
        ...readJsonVector<VectorFile<object>>('wycheproof', `ecdh_${wp}_webcrypto_test.json`).testGroups.flatMap((g) => g.tests).map((t) => t.public),
      ];
      for (const input of inputs) {
        const c = code(() => readKek(input as Uint8Array));
        expect(['KEK_NOT_RSA', 'MALFORMED_KEK']).toContain(c);
        count(`readKek on ECDH public keys: ${c}`);
      }
    });
  }
  afterAll(() => {
    console.log(`wycheproof key intake: ${[...counts].map(([k, v]) => `${k}=${v}`).join('; ')}`);
  });
});

/** x, y of d·G via node:crypto's ECDH (to build a complete JWK node can import). */
function publicXY(crv: string, d: Buffer): { x: string; y: string } {
  const names: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
  const e = createECDH(names[crv] as string);
  e.setPrivateKey(d);
  const pub = e.getPublicKey();
  const len = (pub.length - 1) / 2;
  return { x: pub.subarray(1, 1 + len).toString('base64url'), y: pub.subarray(1 + len).toString('base64url') };
}
