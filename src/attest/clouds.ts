// The library's verifier: every cloud this toolkit reads attestations from. (The browser page wraps for
// Azure alone and binds verifyAttestationWith to AZURE only, so it does not carry the gzip reader.)
import { AZURE } from './azure.js';
import { GOOGLE_HAWKSBILL_ROOT_PEM, MARVELL_LS1_ROOT_PEM, MARVELL_LS2_ROOT_PEM } from './builtin-roots.js';
import { GCP } from './gcp.js';
import type { KeyAttestationResult, VerifyKeyAttestationOptions } from './types.js';
import { verifyAttestationWith } from './verify.js';

/** The roots the toolkit carries (src/attest/builtin-roots.ts), per provider; trusted only through their pins. */
export const BUILT_IN_ROOTS = {
  azure: [MARVELL_LS1_ROOT_PEM, MARVELL_LS2_ROOT_PEM],
  gcp: [MARVELL_LS1_ROOT_PEM, MARVELL_LS2_ROOT_PEM, GOOGLE_HAWKSBILL_ROOT_PEM],
} as const;

/**
 * Verifies a key attestation (Azure Managed HSM, Google Cloud KMS) offline. `input`: the file (bytes or
 * text of the JSON the cloud returned) or the parsed object (REST body, @azure/keyvault-keys KeyVaultKey).
 * Never throws for a failed check: read `verified` and `checks`; typed errors are for input that is not
 * an attestation (MALFORMED_ATTESTATION, ATTESTATION_UNSUPPORTED) and bad options.
 */
export function verifyKeyAttestation(input: Uint8Array | string | object, opts: VerifyKeyAttestationOptions = {}): KeyAttestationResult {
  return verifyAttestationWith([AZURE, GCP], input, opts, BUILT_IN_ROOTS);
}
