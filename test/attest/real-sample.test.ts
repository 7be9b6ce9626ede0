// A real attestation, not one of our fixtures: Google Cloud KMS's attestation of an EC P-256 key with its
// chains, and the published roots (test/vectors/peculiar-attestation, MIT). It verifies against the
// pins compiled into src/attest/anchors.ts — so those pins are the real roots' keys — and fails when
// another root is pinned, a bit of the blob is flipped or a link of a chain is missing.
import { createHash, X509Certificate } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GOOGLE_ROOT_PINS, MARVELL_ROOT_PINS } from '../../src/attest/anchors.js';
import { MARVELL_LS2_ROOT_PEM } from '../../src/attest/builtin-roots.js';
import { BUILT_IN_ROOTS } from '../../src/attest/clouds.js';
import { attestationReport, verifyKeyAttestation } from '../../src/index.js';
import { readVector } from '../helpers/vectors.js';

const SET = 'peculiar-attestation';
const gz = readVector(SET, 'google-ec-p256-attestation.gz');
const pems = readVector(SET, 'google-ec-p256-chains.pem').toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)!;
const marvellRoot = readVector(SET, 'marvell-ls1-root-2015.pem').toString('utf8');
const googleRoot = readVector(SET, 'google-hawksbill-root-v1-prod.pem').toString('utf8');
const roots = [marvellRoot, googleRoot];

// The shape gcloud kms keys versions describe --format=json prints (attestation.certChains).
const attestationOf = (content: Buffer, chain: readonly string[] = pems): Record<string, unknown> => ({
  format: 'CAVIUM_V2_COMPRESSED',
  content: content.toString('base64'),
  certChains: { caviumCerts: [chain[0]! + chain[1]!], googlePartitionCerts: [chain[2]!], googleCardCerts: [chain[3]!] },
});

const spkiSha256 = (pem: string): string => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

describe('a real Google Cloud HSM key attestation', () => {
  it('the published roots are the keys the verifier pins', () => {
    expect(MARVELL_ROOT_PINS).toContain(spkiSha256(marvellRoot));
    expect(GOOGLE_ROOT_PINS).toContain(spkiSha256(googleRoot));
  });

  it('verifies with no roots given: the toolkit carries these two (src/attest/builtin-roots.ts, the same bytes)', () => {
    expect(BUILT_IN_ROOTS.gcp).toEqual([marvellRoot, MARVELL_LS2_ROOT_PEM, googleRoot]);
    expect(BUILT_IN_ROOTS.azure).toEqual([marvellRoot, MARVELL_LS2_ROOT_PEM]);
    const r = verifyKeyAttestation(JSON.stringify({ attestation: attestationOf(gz) }));
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.verified).toBe(true);
  });

  it('verifies: both chains to the pinned roots, the same partition key, the signature, an EC P-256 key never extractable', () => {
    const r = verifyKeyAttestation({ attestation: attestationOf(gz) }, { roots });
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.provider).toBe('gcp');
    const report = attestationReport(r).join('\n');
    expect(report).toMatch(/^VERIFIED: Google Cloud KMS/);
    expect(report).toMatch(/P-256/);
    expect(report).toMatch(/HSM:5\.3G1953-ICM001225.*for FIPS mode/);
  });

  it('is refused when another root is pinned, with a flipped bit in the blob, without a link of the owner chain', () => {
    const other = '00'.repeat(32);
    expect(verifyKeyAttestation({ attestation: attestationOf(gz) }, { anchors: { marvell: [other] } }).verified).toBe(false);
    expect(verifyKeyAttestation({ attestation: attestationOf(gz) }, { anchors: { google: [other] } }).verified).toBe(false);
    const blob = gunzipSync(gz);
    for (const at of [40, Math.floor(blob.length / 2), blob.length - 1]) {
      const bad = Buffer.from(blob);
      bad[at]! ^= 0x01;
      expect(verifyKeyAttestation({ attestation: attestationOf(gzipSync(bad)) }, { roots }).verified, `bit flipped at byte ${at}`).toBe(false);
    }
    // Chains are built by signatures from all the certificates given, so which list holds which does not
    // matter; a missing link does.
    const swapped = [pems[2]!, pems[3]!, pems[0]!, pems[1]!];
    expect(verifyKeyAttestation({ attestation: attestationOf(gz, swapped) }, { roots }).verified).toBe(true);
    const noGooglePartition = [pems[0]!, pems[1]!, pems[3]!, pems[3]!];
    expect(verifyKeyAttestation({ attestation: attestationOf(gz, noGooglePartition) }, { roots }).verified).toBe(false);
  });
});
