// Key attestation: offline verification of the Marvell LiquidSecurity attestations Azure Managed HSM and
// Google Cloud KMS return for a key, so a KEK can be proven to live in an HSM before anything is wrapped
// for it (docs/ARCHITECTURE.md, "Key attestation").
export { verifyKeyAttestation } from './clouds.js';
export { GOOGLE_ROOT_PINS, MARVELL_ROOT_PINS } from './anchors.js';
export { attestationReport } from './report.js';
export type {
  AttestationCheck, AttestationProvider, AttestedKey, AttestedObject, CertificateRole, CertificateSummary, CheckStatus,
  KeyAttestationResult, VerifyKeyAttestationOptions,
} from './types.js';
