// OCI Vault key import (byok-formats.md §2.3): the two wrapping algorithms as schemes, what OCI imports, the
// WrappedImportKey JSON file for `oci kms management key import --wrapped-import-key file://…`, the command
// line and the SDK's ImportKeyDetails. Pure data; no OCI SDK.
//
// Sources: OCI API WrappedImportKey {keyMaterial (base64), wrappingAlgorithm: RSA_OAEP_AES_SHA256 |
// RSA_OAEP_SHA256}, KeyShape {algorithm, length in bytes}; "Importing keys": AES 16/24/32 bytes and RSA
// 2048/3072/4096 (PKCS#8 DER), ECDSA keys cannot be imported; RSA_OAEP_SHA256 (direct) carries AES keys only.
import { base64 } from '@scure/base';
import { ByokError } from '../errors.js';
import { shellQuote } from './azure-import.js';
import { base64Encode } from './base64url.js';
import { rsaAesKwp, rsaOaep, type WrappingScheme } from './scheme.js';
import { notImported, targetType, type TargetDescription } from './target.js';

export const OCI_ALGORITHMS = ['RSA_OAEP_AES_SHA256', 'RSA_OAEP_SHA256'] as const;
export type OciWrappingAlgorithm = (typeof OCI_ALGORITHMS)[number];

/** OCI's vault wrapping keys are RSA; 2048 to 4096 bits are accepted (the size OCI uses is not documented). */
export const OCI_WRAPPING_KEY_BITS: readonly number[] = [2048, 3072, 4096];

const SCHEMES: Readonly<Record<OciWrappingAlgorithm, WrappingScheme>> = {
  RSA_OAEP_AES_SHA256: rsaAesKwp('sha256'),
  RSA_OAEP_SHA256: rsaOaep('sha256'),
};

export const ociScheme = (alg: OciWrappingAlgorithm): WrappingScheme => SCHEMES[alg];

/** RSA_OAEP_AES_SHA256 unless another is requested. */
export function ociAlgorithm(requested: string | undefined): OciWrappingAlgorithm {
  if (requested === undefined) return 'RSA_OAEP_AES_SHA256';
  if (!(OCI_ALGORITHMS as readonly string[]).includes(requested)) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `${JSON.stringify(requested.slice(0, 40))} is not an OCI wrapping algorithm; use RSA_OAEP_AES_SHA256 (default) or RSA_OAEP_SHA256`);
  }
  return requested as OciWrappingAlgorithm;
}

export function checkOciWrappingKey(bits: number): void {
  if (!OCI_WRAPPING_KEY_BITS.includes(bits)) {
    throw new ByokError('KEK_UNSUPPORTED_SIZE', `the wrapping key is RSA-${bits}; an OCI vault's wrapping key is RSA of 2048 to 4096 bits: download it again with oci kms management wrapping-key get`);
  }
}

/** OCI KeyShape: the algorithm and the length in bytes. */
export interface OciKeyShape {
  readonly algorithm: 'AES' | 'RSA';
  readonly length: number;
}

/** What OCI would refuse (EC, Ed25519 and HMAC keys, RSA with RSA_OAEP_SHA256, other sizes); returns the key shape. */
export function checkOciTarget(t: TargetDescription, alg: OciWrappingAlgorithm): OciKeyShape {
  const type = targetType(t);
  const imports = 'AES keys of 16, 24 or 32 bytes and RSA keys of 2048, 3072 or 4096 bits (ECDSA keys cannot be imported)';
  if (type === 'aes') {
    return { algorithm: 'AES', length: t.bits / 8 };
  }
  if (type === 'rsa') {
    if (![2048, 3072, 4096].includes(t.bits)) throw notImported('OCI Vault', t, imports, 'UNSUPPORTED_TARGET_SIZE');
    if (alg === 'RSA_OAEP_SHA256') {
      throw new ByokError('UNSUPPORTED_ALGORITHM', 'OCI imports RSA keys only with RSA_OAEP_AES_SHA256 (RSA_OAEP_SHA256 carries AES keys): use the default algorithm');
    }
    return { algorithm: 'RSA', length: t.bits / 8 };
  }
  throw notImported('OCI Vault', t, imports);
}

/** OCI WrappedImportKey, the content of the --wrapped-import-key file (camelCase, as the API spells it). */
export interface OciWrappedImportKey {
  readonly keyMaterial: string;
  readonly wrappingAlgorithm: OciWrappingAlgorithm;
}

export function ociWrappedImportKey(blob: Uint8Array, alg: OciWrappingAlgorithm): OciWrappedImportKey {
  return { keyMaterial: base64Encode(blob), wrappingAlgorithm: alg };
}

/** The file's exact bytes: compact JSON, UTF-8, no trailing newline. */
export function serializeOciWrappedKey(w: OciWrappedImportKey): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ keyMaterial: w.keyMaterial, wrappingAlgorithm: w.wrappingAlgorithm }));
}

/** The `importKeyDetails` of KmsManagementClient.importKey({ importKeyDetails }) in the OCI SDKs. */
export interface OciImportKeyDetails {
  readonly compartmentId: string;
  readonly displayName: string;
  readonly keyShape: OciKeyShape;
  readonly wrappedImportKey: OciWrappedImportKey;
  readonly protectionMode: 'HSM' | 'SOFTWARE';
}

export interface OciImportArgs {
  readonly compartmentId?: string;
  readonly displayName?: string;
  readonly keyShape: OciKeyShape;
  readonly protectionMode?: 'HSM' | 'SOFTWARE';
  readonly wrappedKeyPath?: string;
  readonly endpoint?: string;
}

export function ociImportDetails(a: OciImportArgs, wrapped: OciWrappedImportKey): OciImportKeyDetails {
  return {
    compartmentId: a.compartmentId ?? '<compartment-ocid>',
    displayName: a.displayName ?? '<key-name>',
    keyShape: a.keyShape,
    wrappedImportKey: wrapped,
    protectionMode: a.protectionMode ?? 'HSM',
  };
}

/** `oci kms management key import …` (the management endpoint of the vault is the user's to fill in). */
export function ociImportCommand(a: OciImportArgs): string {
  return [
    'oci', 'kms', 'management', 'key', 'import',
    '--compartment-id', a.compartmentId ?? '<compartment-ocid>',
    '--display-name', a.displayName ?? '<key-name>',
    '--key-shape', JSON.stringify({ algorithm: a.keyShape.algorithm, length: a.keyShape.length }),
    '--wrapped-import-key', `file://${a.wrappedKeyPath ?? 'wrapped-key.json'}`,
    '--protection-mode', a.protectionMode ?? 'HSM',
    '--endpoint', a.endpoint ?? '<vault-management-endpoint>',
  ].map(shellQuote).join(' ');
}

/** The blob inside a WrappedImportKey file (for rehearsals): WRAPPED_KEY_MALFORMED when it is not one. */
export function parseOciWrappedKey(input: Uint8Array | string): { blob: Uint8Array; algorithm: OciWrappingAlgorithm } {
  const bad = (why: string): ByokError => new ByokError('WRAPPED_KEY_MALFORMED', `not an OCI wrapped key file (${why}): it is the JSON {"keyMaterial", "wrappingAlgorithm"} written for --wrapped-import-key`);
  let v: unknown;
  try {
    v = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input));
  } catch {
    throw bad('not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o['keyMaterial'] !== 'string') throw bad('"keyMaterial" is missing or not a string');
  if (typeof o['wrappingAlgorithm'] !== 'string' || !(OCI_ALGORITHMS as readonly string[]).includes(o['wrappingAlgorithm'])) throw bad('"wrappingAlgorithm" is missing or unknown');
  let blob: Uint8Array;
  try {
    blob = base64.decode(o['keyMaterial']);
  } catch {
    throw bad('"keyMaterial" is not standard base64 with padding');
  }
  return { blob, algorithm: o['wrappingAlgorithm'] as OciWrappingAlgorithm };
}
