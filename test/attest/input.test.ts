// The shapes an attestation reaches users in, and the typed errors for files that are not attestations.
// The @azure/keyvault-keys KeyVaultKey comes from the real SDK: its getKeyAttestation call is answered by a
// stand-in HTTP client (no network) with the REST body, and the SDK's own deserialization is what we read.
import { createHttpHeaders, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import { KeyClient } from '@azure/keyvault-keys';
import { describe, expect, it } from 'vitest';
import { verifyKeyAttestation, type VerifyKeyAttestationOptions } from '../../src/attest/index.js';
import { ByokError } from '../../src/errors.js';
import { azureAttestation, chains, gcpAttestation, pem, preparePki, testAnchors, testRoots, KID } from '../helpers/attestation.js';

await preparePki();

const opts = (): VerifyKeyAttestationOptions => ({ roots: [testRoots()], anchors: testAnchors() });

type Json = Record<string, unknown> & { attributes: { attestation: Record<string, unknown> } };

function expectError(input: unknown, code: string, why: RegExp, o: VerifyKeyAttestationOptions = opts()): void {
  let caught: unknown;
  try {
    verifyKeyAttestation(input as object, o);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ByokError);
  expect((caught as ByokError).code).toBe(code);
  expect((caught as ByokError).message).toMatch(why);
}

describe('attestation inputs', () => {
  it('Azure: the KeyBundle as text, bytes or object, its attributes, or the bare attestation', () => {
    const a = azureAttestation();
    const json = a.json as Json;
    for (const input of [JSON.stringify(json), new TextEncoder().encode(`\ufeff${JSON.stringify(json, null, 2)}`), json]) {
      const r = verifyKeyAttestation(input, opts());
      expect(r.verified).toBe(true);
      expect(r.kid).toBe(KID);
    }
    for (const part of [json.attributes, json.attributes.attestation]) {
      const r = verifyKeyAttestation(part, opts());
      expect(r.verified).toBe(true);
      expect(r.kid).toBeUndefined();
      expect(r.checks.find((c) => c.id === 'key-id')).toMatchObject({ status: 'info' });
    }
  });

  it("Azure: padded base64url, the older swagger's `certificates`, and no public blob", () => {
    const att = { ...(azureAttestation().json as Json).attributes.attestation };
    const padded = (s: string): string => s + '='.repeat((4 - (s.length % 4)) % 4);
    const variant = {
      certificates: padded(att['certificatePemFile'] as string),
      privateKeyAttestation: padded(att['privateKeyAttestation'] as string),
      version: 'MRVL-1',
    };
    const r = verifyKeyAttestation(variant, opts());
    expect(r.verified).toBe(true);
    expect(r.checks.some((c) => c.id === 'signature:public')).toBe(false);
  });

  it('Azure: the KeyVaultKey the real @azure/keyvault-keys SDK returns from getKeyAttestation', async () => {
    const a = azureAttestation();
    const seen: string[] = [];
    const httpClient: HttpClient = {
      sendRequest: async (request: PipelineRequest) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return { status: 200, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify(a.json), request };
      },
    };
    const credential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new KeyClient('https://contoso-test.managedhsm.azure.net', credential, { httpClient, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
    const key = await client.getKeyAttestation('KEKforBYOK');
    expect(seen).toEqual(['GET /keys/KEKforBYOK/attestation']);
    expect(key.properties.attestation?.privateKeyAttestation).toBeInstanceOf(Uint8Array);
    const r = verifyKeyAttestation(key, opts());
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.kid).toBe(KID);
    expect(r.checks.find((c) => c.id === 'key-match:file')?.status).toBe('pass');
  });

  it('Google: the import job and the bare attestation', () => {
    const g = gcpAttestation();
    expect(verifyKeyAttestation(g.json, opts()).verified).toBe(true);
    const bare = verifyKeyAttestation((g.json as { attestation: object }).attestation, opts());
    expect(bare.verified).toBe(true);
    expect(bare.checks.find((c) => c.id === 'key-match')?.status).toBe('info');
  });
});

describe('inputs that are not attestations: typed errors', () => {
  const att = (): Record<string, unknown> => ({ ...(azureAttestation().json as Json).attributes.attestation });

  it('not JSON, not an object, no attestation in it', () => {
    expectError('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'MALFORMED_ATTESTATION', /input: a PEM file, not the JSON of an attestation/);
    expectError('hello', 'MALFORMED_ATTESTATION', /input: not JSON/);
    expectError('{"key": ', 'MALFORMED_ATTESTATION', /not valid JSON/);
    expectError('[1, 2]', 'MALFORMED_ATTESTATION', /expected a JSON object/);
    expectError([1, 2], 'MALFORMED_ATTESTATION', /expected a JSON object/);
    expectError({ key: { kty: 'RSA-HSM' }, attributes: { enabled: true } }, 'MALFORMED_ATTESTATION', /no attestation in this key .*Key Vault Premium/);
    expectError({ hello: 'world' }, 'MALFORMED_ATTESTATION', /not a key attestation/);
  });

  it('versions and formats this toolkit does not verify', () => {
    expectError({ ...att(), version: 'MRVL-2' }, 'ATTESTATION_UNSUPPORTED', /version: "MRVL-2" is not a format this toolkit verifies \(MRVL-1\)/);
    const g = (gcpAttestation().json as { attestation: Record<string, unknown> }).attestation;
    expectError({ ...g, format: 'CAVIUM_V3_COMPRESSED' }, 'ATTESTATION_UNSUPPORTED', /CAVIUM_V3_COMPRESSED/);
  });

  it('damaged base64, PEM, certificates; missing fields', () => {
    expectError({ ...att(), privateKeyAttestation: '%%%' }, 'MALFORMED_ATTESTATION', /privateKeyAttestation: not base64url/);
    expectError({ ...att(), privateKeyAttestation: undefined }, 'MALFORMED_ATTESTATION', /privateKeyAttestation: missing/);
    expectError({ ...att(), certificatePemFile: Buffer.from('no pem here').toString('base64url') }, 'MALFORMED_ATTESTATION', /holds no PEM certificate/);
    const withKey = `${pem([chains().card])}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`;
    expectError({ ...att(), certificatePemFile: Buffer.from(withKey).toString('base64url') }, 'MALFORMED_ATTESTATION', /"PRIVATE KEY" block where only certificates belong/);
    const cut = pem([chains().card.subarray(0, 200)]);
    expectError({ ...att(), certificatePemFile: Buffer.from(cut).toString('base64url') }, 'MALFORMED_ATTESTATION', /certificate 1/);
    const g = (gcpAttestation().json as { attestation: Record<string, unknown> }).attestation;
    expectError({ ...g, certChains: undefined }, 'MALFORMED_ATTESTATION', /certChains: missing/);
    // Content that is not gzip is read, and fails its layout check (the blob is what is checked).
    const r = verifyKeyAttestation({ ...g, content: Buffer.from('not gzip').toString('base64') }, opts());
    expect(r.checks.find((c) => c.id === 'layout:content')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not gzip-compressed, as Cloud KMS sends it/) });
  });

  it('bad options: roots that are not certificates, pins that are not SHA-256 values, a date that is not one', () => {
    const json = azureAttestation().json;
    expectError(json, 'MALFORMED_ATTESTATION', /roots: holds no PEM certificate/, { roots: ['hello'] });
    expectError(json, 'INVALID_ARGUMENT', /anchors\.marvell: expected SHA-256 values/, { anchors: { marvell: ['abc'] } });
    expectError(json, 'INVALID_ARGUMENT', /"at" expected a valid Date/, { at: new Date('nope') });
  });
});
