// byok-toolkit library entry: re-exports only, no side effects at import.
export * as core from './core/index.js';
export { ByokError, isByokError, type ByokErrorCode } from './errors.js';
export * from './kek/index.js';
export * from './attest/index.js';
export * from './keys/index.js';
export * from './transfer/index.js';
// PKCS#11 tokens (Node only; pkcs11js is loaded on first use). Not re-exported by transfer/index.js, which
// the browser tool imports.
export * from './pkcs11/index.js';
export {
  wrapForInToken, wrapTokenKeyFor, prepareTokenWrap, verifyTokenKeyFor, describeTokenKey, tokenGenerator,
  type WrapTokenKeyOptions, type TokenVerifyResult,
} from './transfer/token.js';
export {
  buildByok, serializeByok, readCiphertext, BYOK_SCHEMA_VERSION, BYOK_ALG, BYOK_ENC,
  type AzureByokFile, type ParsedByok, type CiphertextReading,
} from './formats/azure.js';
export {
  importRequest, sdkKey, azImportCommand, checkTargetForAzure, azureImportType, ALLOWED_KEY_OPS,
  type AzureImportRequest, type AzureSdkKey,
} from './formats/azure-import.js';
export { base64urlEncode, base64urlDecode } from './formats/base64url.js';
export {
  rsaAesKwp, rsaOaep, describeScheme, oaepCapacity, kwpLength, checkParts, joinParts, splitParts, HASH_BYTES,
  type OaepHash, type RsaAesKwpParts, type RsaAesKwpScheme, type RsaOaepParts, type RsaOaepScheme, type WrappedParts, type WrappingScheme,
} from './formats/scheme.js';
export { describeTarget, targetLabel, targetType, type TargetDescription, type TargetType } from './formats/target.js';
export { AWS_ALGORITHMS, type AwsImportKeyMaterialInput, type AwsWrappingAlgorithm } from './formats/aws.js';
export { gcpKeyAlgorithms, type GcpImportCryptoKeyVersionRequest } from './formats/gcp.js';
export { OCI_ALGORITHMS, type OciImportKeyDetails, type OciKeyShape, type OciWrappedImportKey, type OciWrappingAlgorithm } from './formats/oci.js';
export { VAULT_HASH_FUNCTIONS, type VaultHashFunction, type VaultImportBody, type VaultKeyType } from './formats/vault.js';
