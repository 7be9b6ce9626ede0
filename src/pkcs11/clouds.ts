// Which cloud imports which token key, and by which wrapping scheme: read from the format modules
// (src/formats), never repeated here, for `byok pkcs11 list`, for naming what a token can produce when it
// lacks a mechanism, and for the TargetDescription a plan is prepared from (prepareWrap).
import { AWS_ALGORITHMS, awsKeySpec, awsScheme } from '../formats/aws.js';
import { checkTargetForAzure } from '../formats/azure-import.js';
import { GCP_IMPORT_METHODS, gcpKeyAlgorithms, gcpScheme } from '../formats/gcp.js';
import { checkOciTarget, OCI_ALGORITHMS, ociScheme } from '../formats/oci.js';
import { rsaAesKwp, type OaepHash, type WrappingScheme } from '../formats/scheme.js';
import type { TargetDescription } from '../formats/target.js';
import { VAULT_HASH_FUNCTIONS, vaultKeyType, vaultScheme } from '../formats/vault.js';
import { CLOUDS, type Cloud } from '../kek/index.js';
import { expectKeyShape } from './args.js';
import type { TokenKey } from './keys.js';

export type DestinationId = Cloud;

export interface DestinationMethod {
  readonly destination: DestinationId;
  /** How the destination names it (AWS WrappingAlgorithm, GCP ImportMethod, Vault hash_function, …). */
  readonly method: string;
  readonly scheme: WrappingScheme;
}

const NAMES: Readonly<Record<Cloud, string>> = {
  azure: 'Azure Key Vault / Managed HSM', aws: 'AWS KMS', gcp: 'Google Cloud KMS', oci: 'OCI Vault', vault: 'HashiCorp Vault transit',
};

// Azure has one scheme (byok-formats.md §1.3); transfer/wrap.ts's AZURE_SCHEME is the same value.
export const METHODS: readonly DestinationMethod[] = [
  { destination: 'azure', method: '.byok (CKM_RSA_AES_KEY_WRAP, OAEP SHA-1)', scheme: rsaAesKwp('sha1') },
  ...AWS_ALGORITHMS.map((m) => ({ destination: 'aws' as const, method: m, scheme: awsScheme(m) })),
  ...GCP_IMPORT_METHODS.map((m) => ({ destination: 'gcp' as const, method: m, scheme: gcpScheme(m) })),
  ...OCI_ALGORITHMS.map((m) => ({ destination: 'oci' as const, method: m, scheme: ociScheme(m) })),
  ...VAULT_HASH_FUNCTIONS.map((m) => ({ destination: 'vault' as const, method: `hash_function=${m}`, scheme: vaultScheme(m) })),
];

/**
 * A token key as the clouds' rules see it. `materialLength` is what gets wrapped: the key bytes of a secret
 * key; for a private key, the token's own PKCS#8 encoding, which is not visible outside it: an estimate of
 * the usual DER length is given (it only matters to direct RSA-OAEP, which a token key never takes, see
 * checkWrappable). undefined for a key type no cloud imports.
 */
export function describeTokenTarget(k: Pick<TokenKey, 'kind' | 'bits' | 'curve'>): TargetDescription | undefined {
  expectKeyShape('describeTokenTarget', 'k', k);
  if (k.kind === undefined || k.bits === undefined) return undefined;
  const bytes = Math.ceil(k.bits / 8);
  // RSA PKCS#8: n, d ≈ k bytes, p, q, dP, dQ, qInv ≈ k/2 bytes each, e and ~40 bytes of DER framing.
  // EC PKCS#8 (RFC 5915 with the public point): the scalar, 2·field + 1, ~30 bytes of framing and OID.
  const materialLength = k.kind === 'oct' ? bytes : k.kind === 'rsa' ? Math.ceil(4.5 * bytes) + 48 : 3 * bytes + 40;
  return {
    kind: k.kind, bits: k.bits, materialLength,
    ...(k.curve === undefined ? {} : { curve: k.curve }),
    ...(k.kind === 'oct' ? { keyType: 'aes' as const } : {}),
  };
}

const IMPORTS: Readonly<Record<Cloud, (t: TargetDescription) => unknown>> = {
  azure: checkTargetForAzure,
  aws: awsKeySpec,
  gcp: gcpKeyAlgorithms,
  oci: (t) => checkOciTarget(t, 'RSA_OAEP_AES_SHA256'),
  vault: (t) => vaultKeyType(t),
};

/** Destinations that import a key of this type and size (each format module's own rule decides). */
export function destinationsFor(k: Pick<TokenKey, 'kind' | 'bits' | 'curve'>): DestinationId[] {
  expectKeyShape('destinationsFor', 'k', k);
  const t = describeTokenTarget(k);
  if (t === undefined) return [];
  return CLOUDS.filter((c) => {
    try {
      IMPORTS[c](t);
      return true;
    } catch {
      return false;
    }
  });
}

/** Methods whose OAEP hash the token handles (RSA-AES methods also need its RFC 5649 wrap, checked apart). */
export function producibleWith(hashes: readonly OaepHash[]): DestinationMethod[] {
  return METHODS.filter((m) => hashes.includes(m.scheme.oaepHash));
}

/** "Azure Key Vault / Managed HSM .byok (…); AWS KMS RSA_AES_KEY_WRAP_SHA_1, RSAES_OAEP_SHA_1; …" */
export function describeDestinations(methods: readonly DestinationMethod[]): string {
  return CLOUDS.map((c) => {
    const ms = methods.filter((m) => m.destination === c).map((m) => m.method);
    return ms.length === 0 ? undefined : `${NAMES[c]} ${ms.join(', ')}`;
  }).filter((x) => x !== undefined).join('; ');
}
