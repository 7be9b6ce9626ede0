// KEK exchange: read, validate and fingerprint the cloud's key-exchange key (docs/ARCHITECTURE.md).
export { readKek } from './read.js';
export { checkKekForAzure, parseAzureKid, type ParsedKid } from './azure.js';
export { groupedHex } from './fingerprint.js';
export type { CheckKekOptions, Kek, KekFingerprint, KekSource, ReadKekOptions } from './types.js';
