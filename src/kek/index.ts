// KEK exchange: read, validate and fingerprint the cloud's key-exchange key (docs/ARCHITECTURE.md).
export { readKek } from './read.js';
export { checkKekForAzure, parseAzureKid, type ParsedKid } from './azure.js';
export { groupedHex } from './fingerprint.js';
export { readWrappingKey, toWrappingKey, wrappingKeyCloud } from './wrapping-key.js';
export { readAwsWrappingKey } from './aws.js';
export { readGcpWrappingKey, GCP_IMPORT_METHODS } from './gcp.js';
export { readOciWrappingKey } from './oci.js';
export { readVaultWrappingKey } from './vault.js';
export { CLOUDS, CLOUD_NAMES } from './types.js';
export type {
  AwsWrappingKey, AzureWrappingKey, CheckKekOptions, Cloud, GcpImportMethod, GcpWrappingKey, Kek, KekFingerprint, KekSource,
  OciWrappingKey, ReadKekOptions, ReadWrappingKeyOptions, VaultWrappingKey, WrappingKey, WrappingKeyValidity,
} from './types.js';
