// Property test: readKek on at least 10,000 random and mutated inputs (bytes, text and objects) every
// run: only ByokErrors, never another exception, under a second per input.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { readKek } from '../../src/kek/index.js';
import { describeStats, fuzz, intakeInputs } from '../keys/fuzz-inputs.js';

const RUNS = 10_000;

describe('readKek never throws anything but a ByokError', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const enc = new TextEncoder();
  const seeds = [
    new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    enc.encode(publicKey.export({ format: 'pem', type: 'spki' }) as string),
    new Uint8Array(publicKey.export({ format: 'der', type: 'pkcs1' })),
    enc.encode(publicKey.export({ format: 'pem', type: 'pkcs1' }) as string),
    enc.encode(JSON.stringify(jwk)),
    enc.encode(JSON.stringify({ key: { kid: 'https://v.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef', kty: 'RSA-HSM', key_ops: ['import'], ...jwk } })),
  ];
  it(`${RUNS} random and mutated byte/text inputs`, () => {
    console.log(describeStats('readKek(bytes)', fuzz(intakeInputs(seeds), (input) => readKek(input), RUNS)));
  }, 300_000);
  it(`${RUNS} random objects, JWK-like and Azure-like`, () => {
    const member = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(jwk['n']), fc.constant('AQAB'), fc.uint8Array({ maxLength: 40 }), fc.constant(null), fc.integer(), fc.array(fc.string(), { maxLength: 3 }));
    const jwkLike = fc.record({ kty: fc.oneof(fc.constantFrom('RSA', 'RSA-HSM', 'EC', 'oct'), fc.string()), n: member, e: member, kid: member, key_ops: member, d: fc.option(member) }, { requiredKeys: [] });
    const objects = fc.oneof(jwkLike, fc.record({ key: jwkLike, id: member, keyOperations: member, keyType: member }, { requiredKeys: [] }), fc.object({ maxDepth: 2 }));
    console.log(describeStats('readKek(object)', fuzz(objects, (input) => readKek(input), RUNS)));
  }, 300_000);
});
