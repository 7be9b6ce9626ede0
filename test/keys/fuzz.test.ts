// Property tests: readTargetKey with every format (and with detection) on at least 10,000 random and
// mutated inputs each, every run: only ByokErrors, never another exception, under a second per input.
// Seeds are real files (small keys and low KDF work factors, so mutated inputs that still decrypt stay fast).
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { readTargetKey, type KeyFormat } from '../../src/keys/index.js';
import { vectorPath } from '../helpers/vectors.js';
import { describeStats, fuzz, intakeInputs } from './fuzz-inputs.js';

const RUNS = 10_000;
const file = (set: string, name: string): Uint8Array => new Uint8Array(readFileSync(vectorPath(set, name)));
const enc = new TextEncoder();

const SEEDS: Record<KeyFormat | 'auto', Uint8Array[]> = {
  auto: [file('rustcrypto', 'pkcs12/key.der'), file('pyca', 'keys/ec_private_key.pem'), file('mbedtls', 'ec_521_prv.der'), enc.encode('00112233445566778899aabbccddeeff')],
  pkcs8: [file('rustcrypto', 'pkcs12/key.der'), file('rustcrypto', 'pkcs12/key.pem'), file('rustcrypto', 'pkcs8/p256-priv.der'), file('pyca', 'pkcs8/ecc_private_with_rfc5915_ext.pem')],
  'pkcs8-encrypted': [
    file('rustcrypto', 'pkcs5/rsa_sk_aes-256-cbc_hmacWithSHA256.pkcs8.der'),
    file('rustcrypto', 'pkcs5/rsa_sk_aes-128-cbc_hmacWithSHA1.pkcs8.der'),
  ],
  pkcs1: [file('pyca', 'keys/testrsa.der'), file('pyca', 'keys/testrsa.pem'), file('pyca', 'keys/testrsa-encrypted.pem')],
  sec1: [file('mbedtls', 'ec_256_prv.der'), file('mbedtls', 'ec_384_prv.comp.pem'), file('mbedtls', 'ec_521_short_prv.pem')],
  pkcs12: [file('rustcrypto', 'pkcs12/example6.pfx'), file('pyca', 'pkcs12/name-all-no-pwd.p12')],
  jwk: [
    enc.encode(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM', d: '870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE' })),
    enc.encode(JSON.stringify({ kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw' })),
    enc.encode(JSON.stringify({ keys: [{ kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' }] })),
  ],
  raw: [new Uint8Array(32).fill(7), enc.encode('000102030405060708090a0b0c0d0e0f'), enc.encode('AAECAwQFBgcICQoLDA0ODxAREhM=')],
  wrapped: [new Uint8Array(40).fill(0xa6), enc.encode('1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5')],
};

describe('readTargetKey never throws anything but a ByokError', () => {
  for (const [format, seeds] of Object.entries(SEEDS) as [KeyFormat | 'auto', Uint8Array[]][]) {
    it(`format ${format}: ${RUNS} random and mutated inputs`, () => {
      const transportKey = new Uint8Array(16);
      const stats = fuzz(
        intakeInputs(seeds),
        (input) => readTargetKey(input, {
          ...(format === 'auto' ? {} : { format }),
          password: format === 'pkcs12' ? '1234' : 'hunter2',
          azureChecks: false,
          ...(format === 'wrapped' ? { transportKey } : {}),
        }),
        RUNS,
      );
      console.log(describeStats(`readTargetKey(${format})`, stats));
    }, 300_000);
  }
});
