// Property test: each cloud's wrapping-key reader on at least 10,000 random and mutated inputs every run
// (the CLI JSON of every cloud, PEM and DER as seeds, byte-level edits, random bytes, text and JSON), and
// readWrappingKey on 10,000 random objects shaped like the clouds' JSON: only ByokErrors, never another
// exception, under a second per input.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  readAwsWrappingKey, readGcpWrappingKey, readOciWrappingKey, readVaultWrappingKey, readWrappingKey, type Cloud,
} from '../../src/kek/index.js';
import { awsCliJson, gcloudImportJobJson, ociCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { describeStats, fuzz, intakeInputs } from '../keys/fuzz-inputs.js';

const RUNS = 10_000;

describe('the clouds\' wrapping-key readers never throw anything but a ByokError', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const enc = new TextEncoder();
  const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const jsons = {
    aws: awsCliJson(publicKey).json,
    gcp: gcloudImportJobJson(publicKey, { method: 'RSA_OAEP_3072_SHA1_AES_256', protectionLevel: 'SOFTWARE' }),
    oci: ociCliJson(publicKey),
    vault: vaultCliJson(publicKey),
  };
  // Every reader sees every cloud's JSON: the wrong-cloud path is fuzzed too.
  const seeds = [
    ...Object.values(jsons).map((j) => enc.encode(j)),
    enc.encode(pem),
    new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
  ];
  const readers: [string, (input: Uint8Array) => unknown][] = [
    ['readAwsWrappingKey', (i) => readAwsWrappingKey(i)],
    ['readGcpWrappingKey', (i) => readGcpWrappingKey(i)],
    ['readOciWrappingKey', (i) => readOciWrappingKey(i)],
    ['readVaultWrappingKey', (i) => readVaultWrappingKey(i)],
  ];
  for (const [name, read] of readers) {
    it(`${name}: ${RUNS} random and mutated byte/text inputs`, () => {
      console.log(describeStats(name, fuzz(intakeInputs(seeds), read, RUNS)));
    }, 300_000);
  }

  it(`readWrappingKey: ${RUNS} random objects shaped like the clouds' JSON`, () => {
    const b64 = Buffer.from(publicKey.export({ format: 'der', type: 'spki' })).toString('base64');
    const value = fc.oneof(
      fc.string({ maxLength: 30 }), fc.constant(pem), fc.constant(b64), fc.constant(pem.replace('PUBLIC', 'PRIVATE')),
      fc.constant('2031-01-01T00:00:00Z'), fc.double(), fc.integer(), fc.constant(null), fc.boolean(),
      fc.uint8Array({ maxLength: 40 }), fc.date(), fc.constantFrom('RSA_OAEP_3072_SHA1_AES_256', 'ACTIVE', 'EXPIRED', 'PENDING_GENERATION'),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    const aws = fc.record({ KeyId: value, ImportToken: value, PublicKey: value, ParametersValidTo: value }, { requiredKeys: [] });
    const gcp = fc.record({ importMethod: value, publicKey: fc.oneof(fc.record({ pem: value }, { requiredKeys: [] }), value), state: value, expireTime: value, name: value, protectionLevel: value }, { requiredKeys: [] });
    const ociData = fc.record({ 'public-key': value, 'vault-id': value, id: value, 'compartment-id': value, 'lifecycle-state': value, 'time-created': value }, { requiredKeys: [] });
    const oci = fc.oneof(fc.record({ data: fc.oneof(ociData, value) }), fc.record({ publicKey: value, vaultId: value, compartmentId: value, timeCreated: value }, { requiredKeys: [] }));
    const vault = fc.record({ request_id: value, data: fc.oneof(fc.record({ public_key: value }, { requiredKeys: [] }), value), mount_type: value, public_key: value }, { requiredKeys: [] });
    const cloud = fc.option(fc.constantFrom<Cloud>('azure', 'aws', 'gcp', 'oci', 'vault'), { nil: undefined });
    const inputs = fc.tuple(fc.oneof(aws, gcp, oci, vault, fc.object({ maxDepth: 2 })), cloud);
    console.log(describeStats('readWrappingKey(object)', fuzz(inputs, ([o, c]) => readWrappingKey(o, c === undefined ? {} : { cloud: c }), RUNS)));
  }, 300_000);
});
