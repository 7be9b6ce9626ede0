// Key intake: on-prem export parsing -> TargetKey (docs/ARCHITECTURE.md, "Key intake API").
export { readTargetKey, inspectKeyFile, listKeys, wipeTargetKey, DEFAULT_KEY_OPS } from './read.js';
export type {
  AzureCurve, AzureKty, KeyFileInfo, KeyFormat, KeyListing, KeySource, RawEncoding, ReadTargetKeyOptions, SymmetricKeyType, TargetKey,
} from './types.js';
