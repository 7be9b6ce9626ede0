// byok-toolkit library entry: re-exports only, no side effects at import.
export * as core from './core/index.js';
export { ByokError, isByokError, type ByokErrorCode } from './errors.js';
export * from './kek/index.js';
export * from './keys/index.js';
export * from './transfer/index.js';
// PKCS#11 tokens (Node only; pkcs11js is loaded on first use). Not re-exported by transfer/index.js, which
// the browser tool imports.
export * from './pkcs11/index.js';
export {
  wrapForAzureInToken, wrapTokenKeyForAzure, verifyByokAgainstTokenKey, azureShapeOfTokenKey, tokenGenerator,
  type WrapTokenKeyOptions, type TokenVerifyResult,
} from './transfer/token.js';
export {
  buildByok, serializeByok, readCiphertext, BYOK_SCHEMA_VERSION, BYOK_ALG, BYOK_ENC,
  type AzureByokFile, type ParsedByok, type CiphertextReading,
} from './formats/azure.js';
export { importRequest, sdkKey, azImportCommand, ALLOWED_KEY_OPS, type AzureImportRequest, type AzureSdkKey } from './formats/azure-import.js';
export { base64urlEncode, base64urlDecode } from './formats/base64url.js';
