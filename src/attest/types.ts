// Public types of the key attestation verifier (docs/ARCHITECTURE.md, "Key attestation").
import type { Kek } from '../kek/index.js';

/** Which cloud's attestation: Azure Managed HSM, Google Cloud KMS. */
export type AttestationProvider = 'azure' | 'gcp';

export interface VerifyKeyAttestationOptions {
  /** The KEK that must be the attested key: a Kek from readKek, or anything readKek reads. */
  readonly kek?: Kek | Uint8Array | string | object;
  /** Root certificates (PEM text or DER; a PEM may hold several) whose keys are pinned anchors. */
  readonly roots?: readonly (Uint8Array | string)[];
  /**
   * SHA-256 (hex) of anchor SubjectPublicKeyInfos. `marvell` and `google` replace the built-in pins
   * (MARVELL_ROOT_PINS, GOOGLE_ROOT_PINS); `microsoft` pins an Azure pool's owner root, which is
   * otherwise only reported.
   */
  readonly anchors?: {
    readonly marvell?: readonly string[];
    readonly google?: readonly string[];
    readonly microsoft?: readonly string[];
  };
  /** When the certificates must be valid (default: now). */
  readonly at?: Date;
}

/** pass: checked and holds; fail: checked and does not; info: shown, not a condition of the verdict. */
export type CheckStatus = 'pass' | 'fail' | 'info';

/** Check constructors (one short call per check keeps the page script small). */
export const pass = (id: string, detail: string): AttestationCheck => ({ id, status: 'pass', detail });
export const fail = (id: string, detail: string): AttestationCheck => ({ id, status: 'fail', detail });
export const note = (id: string, detail: string): AttestationCheck => ({ id, status: 'info', detail });
export const verdict = (id: string, ok: boolean, detail: string): AttestationCheck => ({ id, status: ok ? 'pass' : 'fail', detail });

export interface AttestationCheck {
  /** Stable identifier, e.g. 'marvell-chain', 'signature:private', 'key-match:kek'. */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line: what was checked and what was found. */
  readonly detail: string;
}

export type CertificateRole =
  | 'marvell-root' | 'card' | 'partition' | 'owner-root' | 'owner-partition' | 'owner-card';

export interface CertificateSummary {
  readonly role: CertificateRole;
  /** A pinned anchor: trusted by its key's SHA-256, so its own validity dates are shown, not enforced. */
  readonly anchor: boolean;
  readonly subject: string;
  readonly issuer: string;
  readonly version: number;
  readonly serial: string;
  /** SHA-256 of the certificate and of its SubjectPublicKeyInfo, lower-case hex. */
  readonly sha256: string;
  readonly spkiSha256: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whether `at` lies within the validity period (anchors are trusted by key, whatever their dates). */
  readonly validAt: boolean;
}

/** The attributes of one attested object that matter to a KEK, as the HSM signed them. */
export interface AttestedObject {
  readonly blob: 'private' | 'public' | 'content';
  readonly handle: number;
  /** CKA_CLASS: 2 public key, 3 private key. */
  readonly class?: number;
  /** CKA_KEY_TYPE: 0 RSA, 3 EC. */
  readonly keyType?: number;
  readonly extractable?: boolean;
  readonly neverExtractable?: boolean;
  readonly sensitive?: boolean;
  readonly alwaysSensitive?: boolean;
  /** CKA_LOCAL: generated inside the HSM. */
  readonly local?: boolean;
  readonly token?: boolean;
  readonly encrypt?: boolean;
  readonly decrypt?: boolean;
  readonly wrap?: boolean;
  readonly unwrap?: boolean;
  readonly sign?: boolean;
  readonly verify?: boolean;
  readonly derive?: boolean;
  readonly label?: string;
  /** CKA_ID as text (Azure: /keys/<name>/<version>). */
  readonly id?: string;
  readonly modulusBits?: number;
  readonly kcv?: string;
  readonly ekcv?: string;
}

export type AttestedKey =
  | { readonly kind: 'rsa'; readonly bits: number; readonly n: Uint8Array; readonly e: Uint8Array; readonly spki: Uint8Array; readonly spkiSha256: string }
  | { readonly kind: 'ec'; readonly curve: string; readonly point: Uint8Array; readonly spki: Uint8Array; readonly spkiSha256: string };

export interface KeyAttestationResult {
  /** True when every check passed (checks with status 'info' do not count). */
  readonly verified: boolean;
  readonly provider: AttestationProvider;
  /** Azure's attestation version (MRVL-1) or Google's format (CAVIUM_V2_COMPRESSED …). */
  readonly format: string;
  readonly checks: readonly AttestationCheck[];
  /** The key the HSM attests, when the blobs could be read. */
  readonly attestedKey?: AttestedKey;
  readonly objects: readonly AttestedObject[];
  readonly manufacturerChain: readonly CertificateSummary[];
  readonly ownerChain: readonly CertificateSummary[];
  /** What the Marvell card certificate says: "FIPS", "non-FIPS", or "not stated". */
  readonly mode: string;
  /** Azure: the key identifier the file names; GCP: the resource name. */
  readonly kid?: string;
  readonly resource?: string;
}
