// AWS KMS imported key material (byok-formats.md §2.1): which wrapping algorithm is which scheme, what AWS
// imports under each, and how the EncryptedKeyMaterial is submitted — the `aws kms import-key-material`
// command line and the SDK v3 ImportKeyMaterialCommand input. Pure data; no AWS SDK.
//
// Sources: AWS KMS API reference, GetParametersForImport WrappingAlgorithm ("RSA_AES_KEY_WRAP_SHA_256 —
// Supported for wrapping RSA and ECC key material"; "RSAES_OAEP_SHA_256 — Supported for all types of key
// material, except RSA key material (private key)"; not ECC_NIST_P521 under RSA_2048 with RSAES_OAEP_*, which
// the OAEP capacity rule below gives), the developer guide's requirements for imported key material
// (symmetric: 32 bytes; HMAC: exactly the key spec's length; asymmetric: PKCS#8 DER of the private key).
// Ed25519 (ECC_NIST_EDWARDS25519, a key spec since 2025) is taken as asymmetric key material like the others;
// that AWS accepts its import has not been confirmed against the service.
import { ByokError } from '../errors.js';
import { shellQuote } from './azure-import.js';
import { oaepCapacity, rsaAesKwp, rsaOaep, type WrappingScheme } from './scheme.js';
import { notImported, targetLabel, targetType, type TargetDescription } from './target.js';

export const AWS_ALGORITHMS = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const;
export type AwsWrappingAlgorithm = (typeof AWS_ALGORITHMS)[number];

/** GetParametersForImport WrappingKeySpec RSA_2048 | RSA_3072 | RSA_4096 (SM2 is China Regions only). */
export const AWS_WRAPPING_KEY_BITS: readonly number[] = [2048, 3072, 4096];

const SCHEMES: Readonly<Record<AwsWrappingAlgorithm, WrappingScheme>> = {
  RSAES_OAEP_SHA_1: rsaOaep('sha1'),
  RSAES_OAEP_SHA_256: rsaOaep('sha256'),
  RSA_AES_KEY_WRAP_SHA_1: rsaAesKwp('sha1'),
  RSA_AES_KEY_WRAP_SHA_256: rsaAesKwp('sha256'),
};

export const awsScheme = (alg: AwsWrappingAlgorithm): WrappingScheme => SCHEMES[alg];

/** The wrapping algorithm named by the caller: required, since the AWS response does not say it. */
export function awsAlgorithm(requested: string | undefined): AwsWrappingAlgorithm {
  if (requested === undefined) {
    throw new ByokError(
      'ALGORITHM_REQUIRED',
      `name the wrapping algorithm you passed to aws kms get-parameters-for-import --wrapping-algorithm (${AWS_ALGORITHMS.join(', ')}): the response does not say which it was`,
    );
  }
  if (!(AWS_ALGORITHMS as readonly string[]).includes(requested)) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `${JSON.stringify(requested.slice(0, 40))} is not an AWS KMS wrapping algorithm this tool makes; use one of ${AWS_ALGORITHMS.join(', ')}`);
  }
  return requested as AwsWrappingAlgorithm;
}

export function checkAwsWrappingKey(bits: number): void {
  if (!AWS_WRAPPING_KEY_BITS.includes(bits)) {
    throw new ByokError('KEK_UNSUPPORTED_SIZE', `the wrapping key is RSA-${bits}; AWS KMS issues RSA_2048, RSA_3072 and RSA_4096 wrapping keys: this is not the key get-parameters-for-import returned`);
  }
}

/** The KMS key spec a key of this type and size must have been created with (CreateKey KeySpec). */
export function awsKeySpec(t: TargetDescription): string {
  switch (targetType(t)) {
    case 'aes':
      if (t.bits === 256) return 'SYMMETRIC_DEFAULT';
      throw notImported('AWS KMS', t, `256-bit symmetric keys (SYMMETRIC_DEFAULT; 128-bit SM4 keys only in China Regions)`, 'UNSUPPORTED_TARGET_SIZE');
    case 'hmac':
      if ([224, 256, 384, 512].includes(t.bits)) return `HMAC_${t.bits}`;
      throw notImported('AWS KMS', t, 'HMAC keys of exactly 28, 32, 48 or 64 bytes (HMAC_224, HMAC_256, HMAC_384, HMAC_512)', 'UNSUPPORTED_TARGET_SIZE');
    case 'rsa':
      if ([2048, 3072, 4096].includes(t.bits)) return `RSA_${t.bits}`;
      throw notImported('AWS KMS', t, 'RSA keys of 2048, 3072 or 4096 bits', 'UNSUPPORTED_TARGET_SIZE');
    case 'ec': {
      const spec = ({ 'P-256': 'ECC_NIST_P256', 'P-384': 'ECC_NIST_P384', 'P-521': 'ECC_NIST_P521', 'P-256K': 'ECC_SECG_P256K1' } as Record<string, string>)[t.curve ?? ''];
      if (spec !== undefined) return spec;
      throw notImported('AWS KMS', t, 'EC keys on P-256, P-384, P-521 and secp256k1', 'UNSUPPORTED_CURVE');
    }
    default:
      return 'ECC_NIST_EDWARDS25519';
  }
}

/**
 * What AWS would refuse, before anything is made: a key type or size it does not import, an RSA private key
 * with RSAES_OAEP_*, symmetric or HMAC material with RSA_AES_KEY_WRAP_*, material longer than RSAES-OAEP
 * carries under this wrapping key. Returns the key spec.
 */
export function checkAwsTarget(t: TargetDescription, alg: AwsWrappingAlgorithm, kekBits: number): string {
  const spec = awsKeySpec(t);
  const type = targetType(t);
  const scheme = SCHEMES[alg];
  if (scheme.mechanism === 'rsa-oaep') {
    if (type === 'rsa') {
      throw new ByokError('UNSUPPORTED_ALGORITHM', `AWS KMS imports RSA private keys only with RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1, not ${alg}: get new parameters with aws kms get-parameters-for-import --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256`);
    }
    const cap = oaepCapacity(kekBits, scheme.oaepHash);
    if (t.materialLength > cap) {
      throw new ByokError('TARGET_TOO_LONG', `the ${targetLabel(t)} key is ${t.materialLength} bytes of PKCS#8 and ${alg} under an RSA-${kekBits} wrapping key carries at most ${cap}: use RSA_AES_KEY_WRAP_SHA_256 or a larger wrapping key spec (get-parameters-for-import --wrapping-key-spec RSA_4096)`);
    }
  } else if (type === 'aes' || type === 'hmac') {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `AWS KMS takes ${alg} for RSA and ECC key material; ${type === 'aes' ? 'symmetric' : 'HMAC'} key material is imported with RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1: get new parameters with --wrapping-algorithm RSAES_OAEP_SHA_256`);
  }
  return spec;
}

/** The `input` of `new ImportKeyMaterialCommand(input)` in @aws-sdk/client-kms (field names as AWS spells them). */
export interface AwsImportKeyMaterialInput {
  readonly KeyId: string;
  /** Absent when the wrapping key was given as a bare public key: use the token from the same response. */
  readonly ImportToken?: Uint8Array;
  readonly EncryptedKeyMaterial: Uint8Array;
  readonly ExpirationModel: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  readonly ValidTo?: Date;
}

export interface AwsImportArgs {
  readonly keyId?: string;
  readonly importToken?: Uint8Array;
  readonly encryptedKeyMaterial: Uint8Array;
  /** When the imported material expires (ExpirationModel KEY_MATERIAL_EXPIRES); default: it does not. */
  readonly validTo?: Date;
  readonly materialPath?: string;
  readonly tokenPath?: string;
}

export function awsImportInput(a: AwsImportArgs): AwsImportKeyMaterialInput {
  return {
    KeyId: a.keyId ?? '<key-id>',
    ...(a.importToken === undefined ? {} : { ImportToken: a.importToken }),
    EncryptedKeyMaterial: a.encryptedKeyMaterial,
    ExpirationModel: a.validTo === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES',
    ...(a.validTo === undefined ? {} : { ValidTo: a.validTo }),
  };
}

/** `aws kms import-key-material …` for the files (blobs as fileb://, as the AWS CLI reads binary files). */
export function awsImportCommand(a: Omit<AwsImportArgs, 'encryptedKeyMaterial' | 'importToken'>): string {
  return [
    'aws', 'kms', 'import-key-material',
    '--key-id', a.keyId ?? '<key-id>',
    '--encrypted-key-material', `fileb://${a.materialPath ?? 'EncryptedKeyMaterial.bin'}`,
    '--import-token', `fileb://${a.tokenPath ?? 'ImportToken.bin'}`,
    '--expiration-model', a.validTo === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES',
    ...(a.validTo === undefined ? [] : ['--valid-to', a.validTo.toISOString()]),
  ].map(shellQuote).join(' ');
}
