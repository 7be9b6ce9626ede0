// Rehearsals for AWS, Google Cloud, OCI and Vault: open a wrapped key with the private half of a *test*
// wrapping key (the clouds never hand theirs out), to prove a wrap end to end before a real ceremony. The same
// checks as wrapping apply to the key (its size must be one the cloud issues), so a rehearsal cannot pass with
// a setup the cloud would refuse.
import type { RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import { awsAlgorithm, awsScheme, checkAwsWrappingKey } from '../formats/aws.js';
import { checkGcpWrappingKey, gcpMethod, gcpScheme } from '../formats/gcp.js';
import { checkOciWrappingKey, ociAlgorithm, ociScheme, parseOciWrappedKey } from '../formats/oci.js';
import { splitParts, type WrappingScheme } from '../formats/scheme.js';
import { checkVaultWrappingKey, parseVaultCiphertext, vaultHashFunction, vaultScheme } from '../formats/vault.js';
import type { Cloud } from '../kek/index.js';
import { checkCloud } from '../kek/wrapping-key.js';
import type { ReadTargetKeyOptions, TargetKey } from '../keys/index.js';
import { bitLengthVarTime } from './rsa-components.js';
import { softwareUnwrap } from './software.js';
import { matchMaterial, unwrapByok, verifyByok, withKekPrivateKey, type VerifyResult } from './unwrap.js';

export interface CloudUnwrapOptions {
  /**
   * The cloud's algorithm name: required for AWS (WrappingAlgorithm) and Google Cloud (import method); OCI
   * reads it from the file (a different one given is ALGORITHM_MISMATCH); Vault defaults to SHA256.
   */
  readonly algorithm?: string;
  /** How to read the test wrapping key's private key when given as bytes (e.g. its password). */
  readonly read?: ReadTargetKeyOptions;
}

export interface CloudVerifyOptions extends CloudUnwrapOptions {
  /** How to read the expected key when given as bytes. */
  readonly readTarget?: ReadTargetKeyOptions;
}

/** The file a wrap wrote: its bytes (or text, for OCI and Vault). */
export type WrappedInput = Uint8Array | string;

function bytesOf(input: WrappedInput, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  throw new ByokError('INVALID_ARGUMENT', `"wrapped" expected the bytes of ${what} (Uint8Array)`);
}

/** Scheme and blob of a wrapped file, after the checks the wrap side applies to the wrapping key. */
function opened(cloud: Exclude<Cloud, 'azure'>, wrapped: WrappedInput, bits: number, algorithm: string | undefined): { scheme: WrappingScheme; blob: Uint8Array; what: string } {
  switch (cloud) {
    case 'aws': {
      const alg = awsAlgorithm(algorithm);
      checkAwsWrappingKey(bits);
      return { scheme: awsScheme(alg), blob: bytesOf(wrapped, 'the EncryptedKeyMaterial file'), what: 'the EncryptedKeyMaterial' };
    }
    case 'gcp': {
      const method = gcpMethod(undefined, algorithm);
      checkGcpWrappingKey(bits, method);
      return { scheme: gcpScheme(method), blob: bytesOf(wrapped, 'the wrapped key file'), what: 'the wrapped key' };
    }
    case 'oci': {
      const file = parseOciWrappedKey(wrapped);
      if (algorithm !== undefined && ociAlgorithm(algorithm) !== file.algorithm) {
        throw new ByokError('ALGORITHM_MISMATCH', `the wrapped key file says ${file.algorithm}, not ${algorithm}: drop the algorithm (the file's is used)`);
      }
      checkOciWrappingKey(bits);
      return { scheme: ociScheme(file.algorithm), blob: file.blob, what: 'the wrapped import key' };
    }
    default: {
      const h = vaultHashFunction(algorithm);
      checkVaultWrappingKey(bits);
      return { scheme: vaultScheme(h), blob: parseVaultCiphertext(wrapped), what: 'the ciphertext' };
    }
  }
}

/**
 * Opens what a wrap for `cloud` wrote (AWS/Google: the binary file; OCI: the wrapped-import-key JSON; Vault:
 * the base64 text; Azure: the .byok) with the test wrapping key's private key. Returns the canonical key
 * material (PKCS#8 DER or raw bytes); the caller wipes it. A wrong key, algorithm or altered file is the one
 * DECRYPT_FAILED error.
 */
export function unwrapFor(cloud: Cloud, wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, options: CloudUnwrapOptions = {}): Uint8Array {
  checkCloud(cloud);
  if (typeof options !== 'object' || options === null) throw new ByokError('INVALID_ARGUMENT', '"options" expected an object');
  if (options.algorithm !== undefined && typeof options.algorithm !== 'string') throw new ByokError('INVALID_ARGUMENT', '"algorithm" expected a string');
  if (cloud === 'azure') return unwrapByok(wrapped, kekPrivateKey, options.read === undefined ? {} : { read: options.read });
  return withKekPrivateKey(kekPrivateKey, options.read, (priv) => {
    const bits = bitLengthVarTime(priv.n);
    const { scheme, blob, what } = opened(cloud, wrapped, bits, options.algorithm);
    splitParts(scheme, blob, bits); // the length check: WRAPPED_KEY_MALFORMED before any private-key operation
    return softwareUnwrap(scheme, priv, blob, what);
  });
}

export const unwrapForAws = (wrapped: Uint8Array, kekPrivateKey: Uint8Array | RsaPrivateKey, options?: CloudUnwrapOptions): Uint8Array => unwrapFor('aws', wrapped, kekPrivateKey, options);
export const unwrapForGcp = (wrapped: Uint8Array, kekPrivateKey: Uint8Array | RsaPrivateKey, options?: CloudUnwrapOptions): Uint8Array => unwrapFor('gcp', wrapped, kekPrivateKey, options);
export const unwrapForOci = (wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, options?: CloudUnwrapOptions): Uint8Array => unwrapFor('oci', wrapped, kekPrivateKey, options);
export const unwrapForVault = (wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, options?: CloudUnwrapOptions): Uint8Array => unwrapFor('vault', wrapped, kekPrivateKey, options);

/**
 * Opens the wrapped file and checks it holds exactly `target`: BYOK_KEY_MISMATCH when it opens to another key,
 * DECRYPT_FAILED when it does not open with this key and algorithm.
 */
export function verifyFor(cloud: Cloud, wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options: CloudVerifyOptions = {}): VerifyResult {
  checkCloud(cloud);
  if (cloud === 'azure') {
    return verifyByok(wrapped, kekPrivateKey, target, {
      ...(options.read === undefined ? {} : { read: options.read }),
      ...(options.readTarget === undefined ? {} : { readTarget: options.readTarget }),
    });
  }
  return matchMaterial(unwrapFor(cloud, wrapped, kekPrivateKey, options), target, options.readTarget, 'the wrapped key');
}

export const verifyForAws = (wrapped: Uint8Array, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options?: CloudVerifyOptions): VerifyResult => verifyFor('aws', wrapped, kekPrivateKey, target, options);
export const verifyForGcp = (wrapped: Uint8Array, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options?: CloudVerifyOptions): VerifyResult => verifyFor('gcp', wrapped, kekPrivateKey, target, options);
export const verifyForOci = (wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options?: CloudVerifyOptions): VerifyResult => verifyFor('oci', wrapped, kekPrivateKey, target, options);
export const verifyForVault = (wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, target: TargetKey | Uint8Array, options?: CloudVerifyOptions): VerifyResult => verifyFor('vault', wrapped, kekPrivateKey, target, options);
