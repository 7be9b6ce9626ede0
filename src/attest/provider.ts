// What differs between the clouds that deliver a Marvell key attestation, behind one interface: how the
// JSON is read, how the blob travels (raw, gzip), which signature encodings its firmware uses, and who
// owns the partition (the owner chain). One file per cloud (azure.ts, gcp.ts) implements it, so a build
// that needs only one (the browser page, which wraps for Azure alone) bundles only that one.
import type { SignatureEncoding } from './pkcs1.js';
import type { AttestationCheck, AttestationProvider, CertificateSummary } from './types.js';
import type { PublicKeyRef } from './input.js';
import type { Certificate } from './x509.js';

export interface AttestationInput {
  readonly provider: AttestationProvider;
  /** Azure's `version` (MRVL-1) or GCP's `format`. */
  readonly format: string;
  /** Azure: 'private' and (optionally) 'public'; GCP: 'content'. As given (GCP: gzip). */
  readonly blobs: readonly { readonly name: 'private' | 'public' | 'content'; readonly bytes: Uint8Array }[];
  readonly certificates: readonly Certificate[];
  /** The key the file names beside the attestation (Azure `key`, a GCP ImportJob's `publicKey`). */
  readonly key?: PublicKeyRef;
  /** Azure: the key identifier (`key.kid` or the SDK's `id`). */
  readonly kid?: string;
  /** GCP: the resource name (`name`). */
  readonly resource?: string;
}

/** What the owner chain builder gets from the manufacturer chain, and where it records its findings. */
export interface OwnerChainContext {
  /** Certificates of the file not placed yet. */
  readonly rest: readonly Certificate[];
  /** The caller's roots and the file's certificates. */
  readonly all: readonly Certificate[];
  readonly card: Certificate;
  readonly partition: Certificate;
  readonly googlePins: readonly string[];
  readonly microsoftPins: readonly string[];
  readonly at: Date;
  readonly checks: AttestationCheck[];
  readonly owner: CertificateSummary[];
  /** Certificates placed in a chain (the builder adds the owner's). */
  readonly used: Set<Certificate>;
}

export interface ProviderSpec {
  readonly name: AttestationProvider;
  /** Whether `att` (the attestation member of the file) has this provider's shape. */
  matches(att: Record<string, unknown>): boolean;
  /** Reads the file; `obj` is the whole file, `att` its attestation member found at `path`. */
  read(obj: Record<string, unknown>, att: Record<string, unknown>, path: string): AttestationInput;
  /** The encodings this provider's HSM firmware signs with, in the order they are tried. */
  readonly encodings: readonly SignatureEncoding[];
  /** The signed blob as the HSM made it, or the failed layout check explaining why not. */
  unpack(name: string, bytes: Uint8Array): Uint8Array | AttestationCheck;
  ownerChain(ctx: OwnerChainContext): void;
  /**
   * The root certificates (PEM) carried for this provider, tried before the caller's: per provider, so the
   * browser page, which binds Azure's reader alone, carries only Azure's (src/attest/builtin-roots.ts).
   */
  readonly builtInRoots: readonly string[];
}
