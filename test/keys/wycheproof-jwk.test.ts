// Wycheproof JSON Web Key sets (json_web_key_test.json), in full: every private key set is listed, every
// key in it read by index — EC/RSA keys compared with node:crypto's import of the same JWK, oct keys
// with the AES-size rule — and every public key set given to readKek.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readKek } from '../../src/kek/index.js';
import { listKeys, readTargetKey } from '../../src/keys/index.js';
import { readJsonVector } from '../helpers/vectors.js';
import { codeOf as outcome } from '../helpers/errors.js';

type Jwk = Record<string, string>;
interface Group { comment: string; private?: Jwk | { keys: Jwk[] }; public?: Jwk | { keys: Jwk[] } }

const groups = readJsonVector<{ testGroups: Group[] }>('wycheproof', 'json_web_key_test.json').testGroups;
const keysOf = (set: Jwk | { keys: Jwk[] }): Jwk[] => ('keys' in set ? (set.keys as Jwk[]) : [set as Jwk]);
const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const tally = new Map<string, number>();
const count = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1);


/** What RFC 7517/7518 and intake's rules make of one JWK. */
function expected(jwk: Jwk): string {
  if (jwk['kty'] === 'oct') {
    const k = jwk['k'];
    // RFC 7515 §2 base64url: canonical, so unused trailing bits must be zero (the strict decoder checks).
    if (typeof k !== 'string' || k === '' || Buffer.from(k, 'base64url').toString('base64url') !== k) return 'MALFORMED_KEY';
    const len = Buffer.from(k, 'base64url').length;
    // alg HS256/384/512 makes it an HMAC key, held to RFC 7518 §3.2 (at least the hash's size); else AES.
    const hs = /^HS(256|384|512)$/.exec(jwk['alg'] ?? '');
    if (hs !== null) return len * 8 >= Number(hs[1]) && len <= 1024 ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
    return [16, 24, 32].includes(len) ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
  }
  if (jwk['d'] === undefined) return 'NOT_A_PRIVATE_KEY';
  try {
    createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    return 'refused';
  }
  if (jwk['kty'] === 'RSA') {
    const int = (m: string): bigint => BigInt(`0x${Buffer.from(jwk[m] as string, 'base64url').toString('hex') || '0'}`);
    const e = int('e');
    if (e < 3n || e % 2n === 0n) return 'INVALID_RSA_KEY'; // node:crypto imports e = 1; RFC 8017 §3.1 does not
    const bits = int('n').toString(2).length;
    return [2048, 3072, 4096].includes(bits) ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
  }
  return 'ok';
}

describe('Wycheproof JWK sets', () => {
  groups.forEach((g, gi) => {
    it(`group ${gi} (${g.comment})`, () => {
      if (g.private !== undefined) {
        const set = g.private;
        const keys = keysOf(set);
        const listing = listKeys(enc(set));
        expect(listing.map((l) => l.kind)).toEqual(keys.map((k) => (k['kty'] === 'RSA' ? 'rsa' : k['kty'] === 'EC' ? 'ec' : k['kty'] === 'oct' ? 'oct' : `unsupported (${k['kty']})`)));
        keys.forEach((jwk, i) => {
          const want = expected(jwk);
          let key: ReturnType<typeof readTargetKey> | undefined;
          const got = outcome(() => {
            key = readTargetKey(enc(set), { keyIndex: i });
          });
          count(`private key: ${got}`);
          if (want === 'refused') expect(got, `key ${i}`).not.toBe('ok');
          else expect(got, `key ${i}`).toBe(want);
          if (got !== 'ok' || key === undefined) return;
          if (jwk['kty'] === 'oct') {
            expect(Buffer.from(key.material).equals(Buffer.from(jwk['k'] as string, 'base64url'))).toBe(true);
            expect(key.keyType).toBe(/^HS/.test(jwk['alg'] ?? '') ? 'hmac' : 'aes');
          } else {
            const theirs = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'der', type: 'spki' });
            expect(Buffer.from(key.publicKey as Uint8Array).equals(theirs)).toBe(true);
          }
          if (jwk['kid'] !== undefined && keys.filter((k) => k['kid'] === jwk['kid']).length === 1) {
            expect(readTargetKey(enc(set), { friendlyName: jwk['kid'] }).material).toEqual(key.material);
          }
        });
      }
      if (g.public !== undefined) {
        for (const jwk of keysOf(g.public)) {
          const got = outcome(() => readKek(jwk));
          count(`public key to readKek: ${got}`);
          const want = jwk['kty'] !== 'RSA' ? 'KEK_NOT_RSA' : typeof jwk['n'] === 'string' && typeof jwk['e'] === 'string' ? 'ok' : 'MALFORMED_KEK';
          expect(got).toBe(want);
        }
      }
    });
  });
  afterAll(() => console.log(`wycheproof JWK sets: ${groups.length} groups; ${[...tally].map(([k, v]) => `${k}=${v}`).join(', ')}`));
});
