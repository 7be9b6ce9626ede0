// Which cloud imports which key type, and by which wrapping scheme (byok-formats.md §1.6, §2): for
// `byok pkcs11 list` and for naming what a token can produce when it lacks a mechanism. Data only.
// `wired` says whether this build writes that destination's format yet (issue 12 adds the others; then
// each format module should export its methods and this table import them instead of repeating them).
import type { WrapScheme } from '../transfer/scheme.js';

export type DestinationId = 'azure' | 'aws' | 'gcp' | 'oci' | 'vault';

interface KeyShape {
  readonly kind?: 'rsa' | 'ec' | 'oct';
  readonly bits?: number;
  readonly curve?: string;
}

export interface DestinationMethod {
  readonly destination: DestinationId;
  /** How the destination names it (AWS WrappingAlgorithm, GCP ImportMethod, …). */
  readonly method: string;
  readonly scheme: WrapScheme;
  /** Direct OAEP methods take secret keys only. */
  readonly secretOnly?: boolean;
}

export interface Destination {
  readonly id: DestinationId;
  readonly name: string;
  readonly wired: boolean;
  accepts(k: KeyShape): boolean;
}

const RSA_SIZES = [2048, 3072, 4096];
const rsa = (k: KeyShape): boolean => k.kind === 'rsa' && RSA_SIZES.includes(k.bits ?? 0);
const ec = (k: KeyShape, curves: readonly string[]): boolean => k.kind === 'ec' && curves.includes(k.curve ?? '');
const aes = (k: KeyShape, sizes: readonly number[]): boolean => k.kind === 'oct' && sizes.includes(k.bits ?? 0);

export const DESTINATIONS: readonly Destination[] = [
  { id: 'azure', name: 'Azure Key Vault / Managed HSM', wired: true, accepts: (k) => rsa(k) || ec(k, ['P-256', 'P-384', 'P-521', 'P-256K']) || aes(k, [128, 192, 256]) },
  { id: 'aws', name: 'AWS KMS', wired: false, accepts: (k) => rsa(k) || ec(k, ['P-256', 'P-384', 'P-521', 'P-256K']) || aes(k, [256]) },
  { id: 'gcp', name: 'Google Cloud KMS', wired: false, accepts: (k) => rsa(k) || ec(k, ['P-256', 'P-384']) || aes(k, [256]) },
  { id: 'oci', name: 'OCI Vault', wired: false, accepts: (k) => rsa(k) || aes(k, [128, 192, 256]) },
  { id: 'vault', name: 'HashiCorp Vault transit', wired: false, accepts: (k) => rsa(k) || ec(k, ['P-256', 'P-384', 'P-521']) || aes(k, [128, 256]) },
];

const kwp = (oaepHash: 'sha1' | 'sha256'): WrapScheme => ({ mechanism: 'rsa-aes-kwp', oaepHash, aesKeyBits: 256 });
const oaep = (oaepHash: 'sha1' | 'sha256'): WrapScheme => ({ mechanism: 'rsa-oaep', oaepHash });

export const METHODS: readonly DestinationMethod[] = [
  { destination: 'azure', method: '.byok (CKM_RSA_AES_KEY_WRAP, OAEP SHA-1)', scheme: kwp('sha1') },
  { destination: 'aws', method: 'RSA_AES_KEY_WRAP_SHA_1', scheme: kwp('sha1') },
  { destination: 'aws', method: 'RSA_AES_KEY_WRAP_SHA_256', scheme: kwp('sha256') },
  { destination: 'aws', method: 'RSAES_OAEP_SHA_1', scheme: oaep('sha1'), secretOnly: true },
  { destination: 'aws', method: 'RSAES_OAEP_SHA_256', scheme: oaep('sha256'), secretOnly: true },
  { destination: 'gcp', method: 'RSA_OAEP_3072/4096_SHA1_AES_256', scheme: kwp('sha1') },
  { destination: 'gcp', method: 'RSA_OAEP_3072/4096_SHA256_AES_256', scheme: kwp('sha256') },
  { destination: 'gcp', method: 'RSA_OAEP_3072/4096_SHA256', scheme: oaep('sha256'), secretOnly: true },
  { destination: 'oci', method: 'RSA_OAEP_AES_SHA256', scheme: kwp('sha256') },
  { destination: 'oci', method: 'RSA_OAEP_SHA256', scheme: oaep('sha256'), secretOnly: true },
  { destination: 'vault', method: 'hash_function=SHA1', scheme: kwp('sha1') },
  { destination: 'vault', method: 'hash_function=SHA256', scheme: kwp('sha256') },
];

/** Destinations that import a key of this type and size. */
export function destinationsFor(k: KeyShape): DestinationId[] {
  return DESTINATIONS.filter((d) => d.accepts(k)).map((d) => d.id);
}

/** Methods whose OAEP hash is one the token handles (RSA-AES methods need its RFC 5649 wrap too). */
export function producibleWith(hashes: readonly ('sha1' | 'sha256')[]): DestinationMethod[] {
  return METHODS.filter((m) => hashes.includes(m.scheme.oaepHash));
}

/** "Azure Key Vault / Managed HSM .byok (…); AWS KMS RSA_AES_KEY_WRAP_SHA_1, …" */
export function describeDestinations(methods: readonly DestinationMethod[]): string {
  return DESTINATIONS.map((d) => {
    const ms = methods.filter((m) => m.destination === d.id).map((m) => m.method);
    return ms.length === 0 ? undefined : `${d.name} ${ms.join(', ')}${d.wired ? '' : ' (format not yet written by this build)'}`;
  }).filter((x) => x !== undefined).join('; ');
}
