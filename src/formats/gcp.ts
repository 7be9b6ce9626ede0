// Google Cloud KMS key import (byok-formats.md §2.2): the six RSA import methods as schemes, what Cloud KMS
// imports under each, and how the wrapped key is submitted — the `gcloud kms keys versions import` command
// line and the importCryptoKeyVersion request of @google-cloud/kms. Pure data; no Google SDK.
//
// Sources: google/cloud/kms/v1/resources.proto (ImportMethod, CryptoKeyVersionAlgorithm) and service.proto
// (ImportCryptoKeyVersionRequest.wrapped_key: the *_AES_256 methods are CKM_RSA_AES_KEY_WRAP; methods 5/6
// "cannot be used to wrap RSA keys"), and "Formatting keys for import" (symmetric encryption keys: 16 bytes for
// raw encryption only, or 32; HMAC keys: exactly the hash's output length; asymmetric keys: PKCS#8 DER).
import { ByokError } from '../errors.js';
import type { GcpImportMethod } from '../kek/index.js';
import { GCP_IMPORT_METHODS } from '../kek/gcp.js';
import { shellQuote } from './azure-import.js';
import { oaepCapacity, rsaAesKwp, rsaOaep, type WrappingScheme } from './scheme.js';
import { expectDescription, notImported, targetLabel, targetType, type TargetDescription } from './target.js';

export { GCP_IMPORT_METHODS };
export type { GcpImportMethod };

const SCHEMES: Readonly<Record<GcpImportMethod, { scheme: WrappingScheme; bits: number }>> = {
  RSA_OAEP_3072_SHA1_AES_256: { scheme: rsaAesKwp('sha1'), bits: 3072 },
  RSA_OAEP_4096_SHA1_AES_256: { scheme: rsaAesKwp('sha1'), bits: 4096 },
  RSA_OAEP_3072_SHA256_AES_256: { scheme: rsaAesKwp('sha256'), bits: 3072 },
  RSA_OAEP_4096_SHA256_AES_256: { scheme: rsaAesKwp('sha256'), bits: 4096 },
  RSA_OAEP_3072_SHA256: { scheme: rsaOaep('sha256'), bits: 3072 },
  RSA_OAEP_4096_SHA256: { scheme: rsaOaep('sha256'), bits: 4096 },
};

export const gcpScheme = (m: GcpImportMethod): WrappingScheme => SCHEMES[m].scheme;

/**
 * The import method: the job's when the wrapping key came with its job (a different `requested` one is
 * ALGORITHM_MISMATCH), else the one requested (ALGORITHM_REQUIRED without it: SHA-1 and SHA-256 jobs have
 * keys of the same sizes).
 */
export function gcpMethod(jobMethod: GcpImportMethod | undefined, requested: string | undefined): GcpImportMethod {
  if (requested !== undefined && !(GCP_IMPORT_METHODS as readonly string[]).includes(requested)) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `${JSON.stringify(requested.slice(0, 40))} is not a Google Cloud import method this tool makes; use one of ${GCP_IMPORT_METHODS.join(', ')}`);
  }
  if (jobMethod !== undefined) {
    if (requested !== undefined && requested !== jobMethod) {
      throw new ByokError('ALGORITHM_MISMATCH', `the import job was created with ${jobMethod}, not ${requested}: drop the algorithm (the job's is used) or use a job created with ${requested}`);
    }
    return jobMethod;
  }
  if (requested === undefined) {
    throw new ByokError('ALGORITHM_REQUIRED', `a bare public key does not say its job's import method: name it (${GCP_IMPORT_METHODS.join(', ')}), or give the JSON of gcloud kms import-jobs describe --format=json`);
  }
  return requested as GcpImportMethod;
}

/** The job's key must be the size its method names (RSA_OAEP_3072_* → 3072 bits). */
export function checkGcpWrappingKey(bits: number, method: GcpImportMethod): void {
  if (bits !== SCHEMES[method].bits) {
    throw new ByokError('KEK_UNSUPPORTED_SIZE', `the wrapping key is RSA-${bits} but import method ${method} uses RSA-${SCHEMES[method].bits}: this key is not that job's; describe the job again`);
  }
}

/** A job the service calls EXPIRED cannot import anything; one still generating has no key (read refuses it). */
export function checkGcpJobState(state: string | undefined): void {
  if (state === 'EXPIRED') {
    throw new ByokError('KEK_EXPIRED', 'the import job is EXPIRED (a job lasts 3 days): create a new one with gcloud kms import-jobs create and describe it again');
  }
}

/** CryptoKeyVersionAlgorithm values a key of this type and size can be imported as; the first is the default when it is the only sensible one. */
export function gcpKeyAlgorithms(t: TargetDescription): { choices: readonly string[]; default?: string } {
  expectDescription('gcpKeyAlgorithms', 't', t);
  switch (targetType(t)) {
    case 'aes':
      if (t.bits === 256) return { choices: ['GOOGLE_SYMMETRIC_ENCRYPTION', 'AES_256_GCM', 'AES_256_CBC', 'AES_256_CTR'], default: 'GOOGLE_SYMMETRIC_ENCRYPTION' };
      if (t.bits === 128) return { choices: ['AES_128_GCM', 'AES_128_CBC', 'AES_128_CTR'] };
      throw notImported('Google Cloud KMS', t, '16-byte (raw encryption only) and 32-byte symmetric keys', 'UNSUPPORTED_TARGET_SIZE');
    case 'hmac': {
      const alg = ({ 160: 'HMAC_SHA1', 224: 'HMAC_SHA224', 256: 'HMAC_SHA256', 384: 'HMAC_SHA384', 512: 'HMAC_SHA512' } as Record<number, string>)[t.bits];
      if (alg !== undefined) return { choices: [alg], default: alg };
      throw notImported('Google Cloud KMS', t, 'HMAC keys of exactly 20, 28, 32, 48 or 64 bytes (the hash\'s output length)', 'UNSUPPORTED_TARGET_SIZE');
    }
    case 'rsa': {
      const n = t.bits;
      if (![2048, 3072, 4096].includes(n)) throw notImported('Google Cloud KMS', t, 'RSA keys of 2048, 3072 or 4096 bits', 'UNSUPPORTED_TARGET_SIZE');
      return {
        choices: [
          `RSA_SIGN_PSS_${n}_SHA256`, `RSA_SIGN_PKCS1_${n}_SHA256`, `RSA_SIGN_RAW_PKCS1_${n}`, `RSA_DECRYPT_OAEP_${n}_SHA256`, `RSA_DECRYPT_OAEP_${n}_SHA1`,
          ...(n === 4096 ? ['RSA_SIGN_PSS_4096_SHA512', 'RSA_SIGN_PKCS1_4096_SHA512', 'RSA_DECRYPT_OAEP_4096_SHA512'] : []),
        ],
      };
    }
    case 'ec': {
      const alg = ({ 'P-256': 'EC_SIGN_P256_SHA256', 'P-384': 'EC_SIGN_P384_SHA384', 'P-256K': 'EC_SIGN_SECP256K1_SHA256' } as Record<string, string>)[t.curve ?? ''];
      if (alg !== undefined) return { choices: [alg], default: alg };
      throw notImported('Google Cloud KMS', t, 'EC keys on P-256, P-384 and secp256k1 (HSM protection level)', 'UNSUPPORTED_CURVE');
    }
    default:
      return { choices: ['EC_SIGN_ED25519'], default: 'EC_SIGN_ED25519' };
  }
}

/**
 * What Cloud KMS would refuse, before anything is made: a key type or size it does not import, an RSA key
 * with a direct method (RSA_OAEP_*_SHA256), material longer than the direct method carries, a
 * CryptoKeyVersionAlgorithm that does not fit the key. Returns the algorithm (undefined when only the user
 * can choose it: the purpose of an RSA or AES-128 key).
 */
export function checkGcpTarget(t: TargetDescription, method: GcpImportMethod, keyAlgorithm?: string): { keyAlgorithm?: string; choices: readonly string[] } {
  const { choices, default: def } = gcpKeyAlgorithms(t);
  const { scheme, bits } = SCHEMES[method];
  if (scheme.mechanism === 'rsa-oaep') {
    if (targetType(t) === 'rsa') {
      throw new ByokError('UNSUPPORTED_ALGORITHM', `import method ${method} wraps directly and cannot carry RSA keys (service.proto): create an import job with RSA_OAEP_${bits}_SHA256_AES_256`);
    }
    const cap = oaepCapacity(bits, scheme.oaepHash);
    if (t.materialLength > cap) {
      throw new ByokError('TARGET_TOO_LONG', `the ${targetLabel(t)} key is ${t.materialLength} bytes and ${method} carries at most ${cap}: use an import job with RSA_OAEP_${bits}_SHA256_AES_256`);
    }
  }
  if (keyAlgorithm !== undefined && !choices.includes(keyAlgorithm)) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `a ${targetLabel(t)} key cannot be imported as ${JSON.stringify(keyAlgorithm.slice(0, 60))}; it fits ${choices.join(', ')}`);
  }
  const chosen = keyAlgorithm ?? def;
  return { choices, ...(chosen === undefined ? {} : { keyAlgorithm: chosen }) };
}

/** The `request` of `KeyManagementServiceClient.importCryptoKeyVersion(request)` (@google-cloud/kms, camelCase). */
export interface GcpImportCryptoKeyVersionRequest {
  /** projects/…/locations/…/keyRings/…/cryptoKeys/… */
  readonly parent: string;
  readonly algorithm: string;
  readonly importJob: string;
  readonly wrappedKey: Uint8Array;
}

export interface GcpImportArgs {
  /** The job name (projects/P/locations/L/keyRings/R/importJobs/J), when known. */
  readonly importJob?: string;
  /** The CryptoKey to import into (its id, or its full name). */
  readonly keyName?: string;
  /** CryptoKeyVersionAlgorithm; undefined when only the user knows it. */
  readonly keyAlgorithm?: string;
  readonly wrappedKey: Uint8Array;
  readonly wrappedKeyPath?: string;
}

function jobParts(job: string | undefined): { project: string; location: string; keyRing: string; job: string } {
  const m = job === undefined ? null : /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/importJobs\/([^/]+)$/.exec(job);
  return m === null
    ? { project: '<project>', location: '<location>', keyRing: '<keyring>', job: '<import-job>' }
    : { project: m[1] as string, location: m[2] as string, keyRing: m[3] as string, job: m[4] as string };
}

function keyId(name: string | undefined): string {
  if (name === undefined) return '<key>';
  const m = /\/cryptoKeys\/([^/]+)$/.exec(name);
  return m === null ? name : (m[1] as string);
}

export function gcpImportRequest(a: GcpImportArgs): GcpImportCryptoKeyVersionRequest {
  const p = jobParts(a.importJob);
  const parent = a.keyName !== undefined && a.keyName.startsWith('projects/')
    ? a.keyName
    : `projects/${p.project}/locations/${p.location}/keyRings/${p.keyRing}/cryptoKeys/${keyId(a.keyName)}`;
  return { parent, algorithm: a.keyAlgorithm ?? '<algorithm>', importJob: a.importJob ?? '<import-job>', wrappedKey: a.wrappedKey };
}

/** `gcloud kms keys versions import …` (gcloud spells enum values in lower case with dashes). */
export function gcpImportCommand(a: Omit<GcpImportArgs, 'wrappedKey'>): string {
  const p = jobParts(a.importJob);
  return [
    'gcloud', 'kms', 'keys', 'versions', 'import',
    '--import-job', p.job, '--location', p.location, '--keyring', p.keyRing, '--key', keyId(a.keyName),
    '--algorithm', a.keyAlgorithm === undefined ? '<algorithm>' : a.keyAlgorithm.toLowerCase().replace(/_/g, '-'),
    '--wrapped-key-file', a.wrappedKeyPath ?? 'wrapped-key.bin',
    '--project', p.project,
  ].map(shellQuote).join(' ');
}
