// The library API for import scripts: wrap for a cloud, read and check `.byok` files, rehearse with a test key.
export {
  wrapForAzure, prepareAzureWrap, completeAzureWrap, defaultGenerator, AZURE_SCHEME,
  type AzurePlan, type AzureWrapResult, type WrapForAzureOptions, type WrapSummary,
} from './wrap.js';
export {
  wrapFor, wrapForAws, wrapForGcp, wrapForOci, wrapForVault, prepareWrap, completeWrap,
  prepareAwsWrap, prepareGcpWrap, prepareOciWrap, prepareVaultWrap, completeAwsWrap, completeGcpWrap, completeOciWrap, completeVaultWrap,
  type AwsPlan, type AwsWrapOptions, type AwsWrapResult, type CloudPlan, type CloudWrapOptions, type CloudWrapResult, type CloudWrapSummary,
  type GcpPlan, type GcpWrapOptions, type GcpWrapResult, type OciPlan, type OciWrapOptions, type OciWrapResult,
  type VaultPlan, type VaultWrapOptions, type VaultWrapResult, type WrapOptions, type WrapPlan, type WrapResult, type WrapTarget,
  type WrappingKeyInput,
} from './cloud-wrap.js';
export {
  unwrapFor, unwrapForAws, unwrapForGcp, unwrapForOci, unwrapForVault, verifyFor, verifyForAws, verifyForGcp, verifyForOci, verifyForVault,
  type CloudUnwrapOptions, type CloudVerifyOptions, type WrappedInput,
} from './cloud-unwrap.js';
export { softwareWrap, softwareUnwrap } from './software.js';
export { readByok, matchByokToKek } from './read.js';
export { unwrapByok, verifyByok, readUnwrappedMaterial, type UnwrapOptions, type VerifyMatch, type VerifyResult } from './unwrap.js';
export { toKek, isKek, type KekInput } from './kek-input.js';
export { TOOLKIT_NAME, TOOLKIT_VERSION } from './version.js';
