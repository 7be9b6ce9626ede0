// The library API for import scripts: wrap for Azure, read and check `.byok` files, rehearse with a test KEK.
export { wrapForAzure, defaultGenerator, type AzureWrapResult, type WrapForAzureOptions, type WrapSummary } from './wrap.js';
export { readByok, matchByokToKek } from './read.js';
export { unwrapByok, verifyByok, readUnwrappedMaterial, type UnwrapOptions, type VerifyMatch, type VerifyResult } from './unwrap.js';
export { toKek, isKek, type KekInput } from './kek-input.js';
export { TOOLKIT_NAME, TOOLKIT_VERSION } from './version.js';
export { AZURE_SCHEME, joinParts, kwpLength, wrapPartsInSoftware, type SchemeHash, type WrapParts, type WrapScheme } from './scheme.js';
