// byok-toolkit library entry: re-exports only, no side effects at import.
export * as core from './core/index.js';
export { ByokError, isByokError, type ByokErrorCode } from './errors.js';
export * from './kek/index.js';
export * from './attest/index.js';
export * from './keys/index.js';
export * from './transfer/index.js';
export {
  buildByok, serializeByok, readCiphertext, BYOK_SCHEMA_VERSION, BYOK_ALG, BYOK_ENC,
  type AzureByokFile, type ParsedByok, type CiphertextReading,
} from './formats/azure.js';
export { importRequest, sdkKey, azImportCommand, ALLOWED_KEY_OPS, type AzureImportRequest, type AzureSdkKey } from './formats/azure-import.js';
export { base64urlEncode, base64urlDecode } from './formats/base64url.js';
