// Wrapping for AWS KMS, Google Cloud KMS, OCI Vault and Vault/OpenBao transit, generic over the destination
// (docs/ARCHITECTURE.md, "Wrapping schemes and encodings"):
//
//   prepareWrap(cloud, kek, target, options)  every check, every refusal; nothing is produced. Returns a plan:
//                                             the cloud's algorithm, its WrappingScheme, what to import as.
//   (the mechanism)                           softwareWrap in the Wasm core here; a PKCS#11 token elsewhere.
//   completeWrap(plan, parts)                 the cloud's bytes from the parts, the command line, the SDK
//                                             argument, a summary without key material.
//
// wrapFor = the three in a row. Azure keeps wrapForAzure (transfer/wrap.ts); wrapFor('azure', …) is it.
import { ByokError } from '../errors.js';
import {
  awsAlgorithm, awsImportCommand, awsImportInput, awsScheme, checkAwsTarget, checkAwsWrappingKey,
  type AwsImportKeyMaterialInput, type AwsWrappingAlgorithm,
} from '../formats/aws.js';
import {
  checkGcpJobState, checkGcpTarget, checkGcpWrappingKey, gcpImportCommand, gcpImportRequest, gcpMethod, gcpScheme,
  type GcpImportCryptoKeyVersionRequest, type GcpImportMethod,
} from '../formats/gcp.js';
import {
  checkOciTarget, checkOciWrappingKey, ociAlgorithm, ociImportCommand, ociImportDetails, ociScheme, ociWrappedImportKey,
  serializeOciWrappedKey, type OciImportKeyDetails, type OciKeyShape, type OciWrappedImportKey, type OciWrappingAlgorithm,
} from '../formats/oci.js';
import { checkParts, describeScheme, joinParts, type WrappedParts, type WrappingScheme } from '../formats/scheme.js';
import { describeTarget, targetLabel, type TargetDescription } from '../formats/target.js';
import {
  checkVaultWrappingKey, vaultCiphertext, vaultHashFunction, vaultImportCommand, vaultKeyType, vaultScheme,
  type VaultHashFunction, type VaultImportBody, type VaultKeyType,
} from '../formats/vault.js';
import {
  toWrappingKey, type AwsWrappingKey, type Cloud, type GcpWrappingKey, type OciWrappingKey, type VaultWrappingKey,
  type WrappingKey,
} from '../kek/index.js';
import { checkCloud } from '../kek/wrapping-key.js';
import { readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { expectPlanAndParts } from './plan-args.js';
import { softwareWrap } from './software.js';
import {
  completeAzureWrap, prepareAzureWrap, wrapForAzure, type AzurePlan, type AzureWrapResult, type WrapForAzureOptions,
} from './wrap.js';

/** A wrapping key as readWrappingKey returns it, or anything it reads (the cloud's JSON, PEM, DER). */
export type WrappingKeyInput = WrappingKey | Uint8Array | string | object;

/** A key to wrap: intake's TargetKey, or (prepareWrap only) the description of a key held in an HSM. */
export type WrapTarget = TargetKey | TargetDescription;

export interface CloudWrapOptions {
  /** The cloud's own name of the wrapping algorithm (AWS WrappingAlgorithm, Google import method, OCI wrappingAlgorithm, Vault hash_function). */
  readonly algorithm?: string;
  /** When the target is given as bytes: how to read it (password, keyType, key index…). */
  readonly read?: ReadTargetKeyOptions;
  /** The time the wrapping key's validity is judged against (default: now). */
  readonly now?: Date;
}

export interface AwsWrapOptions extends CloudWrapOptions {
  /** The KMS key ARN; default: the KeyId of the get-parameters-for-import output. */
  readonly keyId?: string;
  /** The import token, when the wrapping key is a bare public key (PublicKey.bin). */
  readonly importToken?: Uint8Array;
  /** When the imported material expires (KEY_MATERIAL_EXPIRES); default: it does not. */
  readonly validTo?: Date;
  readonly materialPath?: string;
  readonly tokenPath?: string;
}

export interface GcpWrapOptions extends CloudWrapOptions {
  /** The CryptoKey to import into: its id, or its full name. */
  readonly keyName?: string;
  /** CryptoKeyVersionAlgorithm (RSA_SIGN_PSS_2048_SHA256 …); default: the only one the key fits, when there is one. */
  readonly keyAlgorithm?: string;
  /** The import job's name, when the wrapping key is a bare public key. */
  readonly importJob?: string;
  readonly wrappedKeyPath?: string;
}

export interface OciWrapOptions extends CloudWrapOptions {
  /** Default: the wrapping key's compartment, when the JSON names it. */
  readonly compartmentId?: string;
  readonly displayName?: string;
  readonly protectionMode?: 'HSM' | 'SOFTWARE';
  readonly wrappedKeyPath?: string;
  /** The vault's management endpoint, for the command line. */
  readonly endpoint?: string;
}

export interface VaultWrapOptions extends CloudWrapOptions {
  readonly keyName?: string;
  /** The transit mount path (default "transit"). */
  readonly mount?: string;
  readonly ciphertextPath?: string;
  /** Vault's key `type`; only needed for chacha20-poly1305 (32-byte keys are aes256-gcm96 otherwise). */
  readonly keyType?: string;
}

interface PlanBase<C extends Cloud, A extends string, K extends WrappingKey, O> {
  readonly cloud: C;
  /** The cloud's own name of the algorithm. */
  readonly algorithm: A;
  readonly scheme: WrappingScheme;
  readonly kek: K;
  readonly target: TargetDescription;
  /** How intake read the target (pkcs8, jwk, raw…), when it did. */
  readonly targetFormat?: string;
  /** The wrapping key's validity warnings (expired by this machine's clock, a state other than the usable one). */
  readonly warnings: readonly string[];
  readonly options: O;
}

export interface AwsPlan extends PlanBase<'aws', AwsWrappingAlgorithm, AwsWrappingKey, AwsWrapOptions> {
  /** The KMS key spec the key must have been created with (CreateKey KeySpec). */
  readonly keySpec: string;
}
export interface GcpPlan extends PlanBase<'gcp', GcpImportMethod, GcpWrappingKey, GcpWrapOptions> {
  /** CryptoKeyVersionAlgorithm to import as; undefined when only the user can choose (RSA, AES-128). */
  readonly keyAlgorithm?: string;
  readonly keyAlgorithms: readonly string[];
}
export interface OciPlan extends PlanBase<'oci', OciWrappingAlgorithm, OciWrappingKey, OciWrapOptions> {
  readonly keyShape: OciKeyShape;
}
export interface VaultPlan extends PlanBase<'vault', VaultHashFunction, VaultWrappingKey, VaultWrapOptions> {
  readonly vaultType: VaultKeyType;
}

export type CloudPlan = AwsPlan | GcpPlan | OciPlan | VaultPlan;
export type WrapPlan = AzurePlan | CloudPlan;

/** What was wrapped for whom, for display and logs (no key material). */
export interface CloudWrapSummary {
  readonly cloud: Cloud;
  readonly algorithm: string;
  readonly scheme: string;
  readonly kek: {
    readonly bits: number;
    readonly fingerprint: string;
    readonly source: string;
    /** AWS key ARN, Google import job, OCI key OCID, when the wrapping key's JSON names it. */
    readonly id?: string;
    readonly expiresAt?: string;
    readonly state?: string;
  };
  readonly target: {
    readonly kind: TargetKey['kind'];
    readonly bits: number;
    readonly curve?: string;
    readonly keyType?: 'aes' | 'hmac';
    readonly label: string;
    readonly format: string;
    /** What the cloud imports it as: AWS key spec, Google algorithm, OCI key shape, Vault type. */
    readonly importAs: string;
  };
}

interface ResultBase<C extends Cloud, A extends string> {
  readonly cloud: C;
  readonly algorithm: A;
  readonly scheme: WrappingScheme;
  /** The exact bytes of the file to submit. */
  readonly bytes: Uint8Array;
  /** The command line that imports the file (placeholders in <angle brackets> where only you know a value). */
  readonly command: string;
  readonly summary: CloudWrapSummary;
  readonly warnings: readonly string[];
}

export interface AwsWrapResult extends ResultBase<'aws', AwsWrappingAlgorithm> {
  /** The import token to submit with the material (as a binary file for fileb://), when known. */
  readonly importToken?: Uint8Array;
  readonly keySpec: string;
  /** The input of @aws-sdk/client-kms ImportKeyMaterialCommand. */
  readonly sdkInput: AwsImportKeyMaterialInput;
}
export interface GcpWrapResult extends ResultBase<'gcp', GcpImportMethod> {
  readonly keyAlgorithm?: string;
  readonly keyAlgorithms: readonly string[];
  /** The request of @google-cloud/kms importCryptoKeyVersion. */
  readonly sdkRequest: GcpImportCryptoKeyVersionRequest;
}
export interface OciWrapResult extends ResultBase<'oci', OciWrappingAlgorithm> {
  /** The --wrapped-import-key JSON object (`bytes` is its file). */
  readonly wrappedImportKey: OciWrappedImportKey;
  readonly keyShape: OciKeyShape;
  /** The importKeyDetails of the OCI SDKs' KmsManagementClient.importKey. */
  readonly sdkDetails: OciImportKeyDetails;
}
export interface VaultWrapResult extends ResultBase<'vault', VaultHashFunction> {
  /** Standard base64 with padding (`bytes` is its ASCII, the file for ciphertext=@FILE). */
  readonly ciphertext: string;
  readonly type: VaultKeyType;
  /** The body of POST /v1/<mount>/keys/<name>/import. */
  readonly httpBody: VaultImportBody;
}

export type CloudWrapResult = AwsWrapResult | GcpWrapResult | OciWrapResult | VaultWrapResult;
export type WrapResult = AzureWrapResult | CloudWrapResult;
export type WrapOptions = WrapForAzureOptions | AwsWrapOptions | GcpWrapOptions | OciWrapOptions | VaultWrapOptions;

// ---- checks of the arguments ----

function argError(problem: string): ByokError {
  return new ByokError('INVALID_ARGUMENT', problem);
}

function checkOptions(o: unknown, strings: readonly string[]): asserts o is CloudWrapOptions {
  if (typeof o !== 'object' || o === null) throw argError('"options" expected an object');
  const r = o as Record<string, unknown>;
  for (const k of ['algorithm', ...strings]) {
    if (r[k] !== undefined && typeof r[k] !== 'string') throw argError(`"${k}" expected a string`);
  }
  for (const k of ['now', 'validTo']) {
    const v = r[k];
    if (v !== undefined && !(v instanceof Date && !Number.isNaN(v.getTime()))) throw argError(`"${k}" expected a valid Date`);
  }
  if (r['importToken'] !== undefined && !(r['importToken'] instanceof Uint8Array)) throw argError('"importToken" expected Uint8Array');
  if (r['read'] !== undefined && (typeof r['read'] !== 'object' || r['read'] === null)) throw argError('"read" expected an object');
}

function isTargetKey(t: unknown): t is TargetKey {
  return typeof t === 'object' && t !== null && (t as Partial<TargetKey>).material instanceof Uint8Array;
}

function targetOf(t: WrapTarget): { d: TargetDescription; format?: string } {
  if (isTargetKey(t)) return { d: describeTarget(t), format: t.source.format };
  if (typeof t !== 'object' || t === null || typeof (t as Partial<TargetDescription>).kind !== 'string' || typeof (t as Partial<TargetDescription>).materialLength !== 'number') {
    throw argError('"target" expected a TargetKey (readTargetKey), the bytes of a key file, or a TargetDescription');
  }
  return { d: t };
}

function kekFor<K extends WrappingKey>(input: WrappingKeyInput, cloud: Cloud, now: Date | undefined): K {
  return toWrappingKey(input, cloud, now === undefined ? {} : { now }) as K;
}

// ---- prepare ----
// Each cloud in two stages: the wrapping key and the algorithm first (so a wrong key is reported before a
// key file is read, perhaps with a password), then the target.

type KekStage<P extends CloudPlan> = Omit<P, 'target' | 'targetFormat' | 'keySpec' | 'keyAlgorithm' | 'keyAlgorithms' | 'keyShape' | 'vaultType'>;

function awsKekStage(kek: WrappingKeyInput, options: AwsWrapOptions): KekStage<AwsPlan> {
  checkOptions(options, ['keyId', 'materialPath', 'tokenPath']);
  const k = kekFor<AwsWrappingKey>(kek, 'aws', options.now);
  checkAwsWrappingKey(k.bits);
  if (options.keyId !== undefined && k.aws.keyId !== undefined && options.keyId !== k.aws.keyId) {
    throw argError(`the wrapping key and import token were issued for ${k.aws.keyId}, not ${options.keyId}: drop keyId, or get parameters for that key`);
  }
  const algorithm = awsAlgorithm(options.algorithm);
  return { cloud: 'aws', algorithm, scheme: awsScheme(algorithm), kek: k, warnings: k.validity.warnings, options };
}

function awsTargetStage(s: KekStage<AwsPlan>, target: WrapTarget): AwsPlan {
  const { d, format } = targetOf(target);
  const keySpec = checkAwsTarget(d, s.algorithm, s.kek.bits);
  return { ...s, target: d, ...(format === undefined ? {} : { targetFormat: format }), keySpec };
}

function gcpKekStage(kek: WrappingKeyInput, options: GcpWrapOptions): KekStage<GcpPlan> {
  checkOptions(options, ['keyName', 'keyAlgorithm', 'importJob', 'wrappedKeyPath']);
  const k = kekFor<GcpWrappingKey>(kek, 'gcp', options.now);
  checkGcpJobState(k.gcp.state);
  const algorithm = gcpMethod(k.gcp.importMethod, options.algorithm);
  checkGcpWrappingKey(k.bits, algorithm);
  if (options.importJob !== undefined && k.gcp.importJob !== undefined && options.importJob !== k.gcp.importJob) {
    throw argError(`the wrapping key is import job ${k.gcp.importJob}'s, not ${options.importJob}'s: drop importJob, or give that job's JSON`);
  }
  return { cloud: 'gcp', algorithm, scheme: gcpScheme(algorithm), kek: k, warnings: k.validity.warnings, options };
}

function gcpTargetStage(s: KekStage<GcpPlan>, target: WrapTarget): GcpPlan {
  const { d, format } = targetOf(target);
  const { keyAlgorithm, choices } = checkGcpTarget(d, s.algorithm, s.options.keyAlgorithm);
  return { ...s, target: d, ...(format === undefined ? {} : { targetFormat: format }), ...(keyAlgorithm === undefined ? {} : { keyAlgorithm }), keyAlgorithms: choices };
}

function ociKekStage(kek: WrappingKeyInput, options: OciWrapOptions): KekStage<OciPlan> {
  checkOptions(options, ['compartmentId', 'displayName', 'protectionMode', 'wrappedKeyPath', 'endpoint']);
  if (options.protectionMode !== undefined && options.protectionMode !== 'HSM' && options.protectionMode !== 'SOFTWARE') {
    throw argError('"protectionMode" expected "HSM" or "SOFTWARE"');
  }
  const k = kekFor<OciWrappingKey>(kek, 'oci', options.now);
  checkOciWrappingKey(k.bits);
  const algorithm = ociAlgorithm(options.algorithm);
  return { cloud: 'oci', algorithm, scheme: ociScheme(algorithm), kek: k, warnings: k.validity.warnings, options };
}

function ociTargetStage(s: KekStage<OciPlan>, target: WrapTarget): OciPlan {
  const { d, format } = targetOf(target);
  return { ...s, target: d, ...(format === undefined ? {} : { targetFormat: format }), keyShape: checkOciTarget(d, s.algorithm) };
}

function vaultKekStage(kek: WrappingKeyInput, options: VaultWrapOptions): KekStage<VaultPlan> {
  checkOptions(options, ['keyName', 'mount', 'ciphertextPath', 'keyType']);
  const k = kekFor<VaultWrappingKey>(kek, 'vault', options.now);
  checkVaultWrappingKey(k.bits);
  const algorithm = vaultHashFunction(options.algorithm);
  return { cloud: 'vault', algorithm, scheme: vaultScheme(algorithm), kek: k, warnings: k.validity.warnings, options };
}

function vaultTargetStage(s: KekStage<VaultPlan>, target: WrapTarget): VaultPlan {
  const { d, format } = targetOf(target);
  return { ...s, target: d, ...(format === undefined ? {} : { targetFormat: format }), vaultType: vaultKeyType(d, s.options.keyType) };
}

/**
 * The checks of a wrap for `cloud` that need only the wrapping key and the algorithm name — its size for the
 * cloud, the algorithm (required, or the Google job's), the job's state — before any key is read. Returns the
 * algorithm and the wrapping key's validity warnings. prepareWrap makes the same checks first.
 */
export function checkWrappingKeyFor(cloud: Exclude<Cloud, 'azure'>, kek: WrappingKeyInput, options: CloudWrapOptions = {}): { algorithm: string; scheme: WrappingScheme; warnings: readonly string[] } {
  checkCloud(cloud);
  const s = cloud === 'aws' ? awsKekStage(kek, options) : cloud === 'gcp' ? gcpKekStage(kek, options) : cloud === 'oci' ? ociKekStage(kek, options) : vaultKekStage(kek, options);
  return { algorithm: s.algorithm, scheme: s.scheme, warnings: s.warnings };
}

export function prepareAwsWrap(kek: WrappingKeyInput, target: WrapTarget, options: AwsWrapOptions = {}): AwsPlan {
  return awsTargetStage(awsKekStage(kek, options), target);
}

export function prepareGcpWrap(kek: WrappingKeyInput, target: WrapTarget, options: GcpWrapOptions = {}): GcpPlan {
  return gcpTargetStage(gcpKekStage(kek, options), target);
}

export function prepareOciWrap(kek: WrappingKeyInput, target: WrapTarget, options: OciWrapOptions = {}): OciPlan {
  return ociTargetStage(ociKekStage(kek, options), target);
}

export function prepareVaultWrap(kek: WrappingKeyInput, target: WrapTarget, options: VaultWrapOptions = {}): VaultPlan {
  return vaultTargetStage(vaultKekStage(kek, options), target);
}

// ---- complete ----

function summaryOf(plan: CloudPlan, importAs: string, id?: string): CloudWrapSummary {
  const t = plan.target;
  const v = plan.kek.validity;
  return {
    cloud: plan.cloud,
    algorithm: plan.algorithm,
    scheme: describeScheme(plan.scheme),
    kek: {
      bits: plan.kek.bits, fingerprint: plan.kek.fingerprint.hex, source: plan.kek.source,
      ...(id === undefined ? {} : { id }),
      ...(v.expiresAt === undefined ? {} : { expiresAt: v.expiresAt.toISOString() }),
      ...(v.state === undefined ? {} : { state: v.state }),
    },
    target: {
      kind: t.kind, bits: t.bits, label: targetLabel(t), format: plan.targetFormat ?? 'hsm', importAs,
      ...(t.curve === undefined ? {} : { curve: t.curve }),
      ...(t.keyType === undefined ? {} : { keyType: t.keyType }),
    },
  };
}

export function completeAwsWrap(plan: AwsPlan, parts: WrappedParts): AwsWrapResult {
  expectPlanAndParts('completeAwsWrap', plan, parts, 'aws');
  checkParts(plan.scheme, plan.kek.bits, parts);
  const bytes = joinParts(parts);
  const o = plan.options;
  const keyId = o.keyId ?? plan.kek.aws.keyId;
  const importToken = o.importToken ?? plan.kek.aws.importToken;
  const args = {
    ...(keyId === undefined ? {} : { keyId }), ...(importToken === undefined ? {} : { importToken }),
    ...(o.validTo === undefined ? {} : { validTo: o.validTo }),
    ...(o.materialPath === undefined ? {} : { materialPath: o.materialPath }),
    ...(o.tokenPath === undefined ? {} : { tokenPath: o.tokenPath }),
  };
  return {
    cloud: 'aws', algorithm: plan.algorithm, scheme: plan.scheme, bytes,
    ...(importToken === undefined ? {} : { importToken }),
    keySpec: plan.keySpec,
    // The submission forms are computed when read, as for Azure: a batch writes the files and needs neither.
    get command() {
      return awsImportCommand(args);
    },
    get sdkInput() {
      return awsImportInput({ ...args, encryptedKeyMaterial: bytes });
    },
    summary: summaryOf(plan, plan.keySpec, keyId),
    warnings: plan.warnings,
  };
}

export function completeGcpWrap(plan: GcpPlan, parts: WrappedParts): GcpWrapResult {
  expectPlanAndParts('completeGcpWrap', plan, parts, 'gcp');
  checkParts(plan.scheme, plan.kek.bits, parts);
  const bytes = joinParts(parts);
  const o = plan.options;
  const importJob = o.importJob ?? plan.kek.gcp.importJob;
  const args = {
    ...(importJob === undefined ? {} : { importJob }),
    ...(o.keyName === undefined ? {} : { keyName: o.keyName }),
    ...(plan.keyAlgorithm === undefined ? {} : { keyAlgorithm: plan.keyAlgorithm }),
    ...(o.wrappedKeyPath === undefined ? {} : { wrappedKeyPath: o.wrappedKeyPath }),
  };
  const warnings = [...plan.warnings];
  if (plan.keyAlgorithm === undefined) warnings.push(`choose the algorithm to import the ${targetLabel(plan.target)} key as: ${plan.keyAlgorithms.join(', ')}`);
  if (plan.target.curve === 'P-256K' && plan.kek.gcp.protectionLevel !== undefined && plan.kek.gcp.protectionLevel !== 'HSM') {
    warnings.push('Google Cloud imports secp256k1 keys at the HSM protection level only; this job is ' + plan.kek.gcp.protectionLevel);
  }
  return {
    cloud: 'gcp', algorithm: plan.algorithm, scheme: plan.scheme, bytes,
    ...(plan.keyAlgorithm === undefined ? {} : { keyAlgorithm: plan.keyAlgorithm }), keyAlgorithms: plan.keyAlgorithms,
    get command() {
      return gcpImportCommand(args);
    },
    get sdkRequest() {
      return gcpImportRequest({ ...args, wrappedKey: bytes });
    },
    summary: summaryOf(plan, plan.keyAlgorithm ?? `one of ${plan.keyAlgorithms.join(', ')}`, importJob),
    warnings,
  };
}

export function completeOciWrap(plan: OciPlan, parts: WrappedParts): OciWrapResult {
  expectPlanAndParts('completeOciWrap', plan, parts, 'oci');
  checkParts(plan.scheme, plan.kek.bits, parts);
  const blob = joinParts(parts);
  const wrappedImportKey = ociWrappedImportKey(blob, plan.algorithm);
  const o = plan.options;
  const compartmentId = o.compartmentId ?? plan.kek.oci.compartmentId;
  const args = {
    keyShape: plan.keyShape,
    ...(compartmentId === undefined ? {} : { compartmentId }),
    ...(o.displayName === undefined ? {} : { displayName: o.displayName }),
    ...(o.protectionMode === undefined ? {} : { protectionMode: o.protectionMode }),
    ...(o.wrappedKeyPath === undefined ? {} : { wrappedKeyPath: o.wrappedKeyPath }),
    ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
  };
  return {
    cloud: 'oci', algorithm: plan.algorithm, scheme: plan.scheme,
    bytes: serializeOciWrappedKey(wrappedImportKey), wrappedImportKey, keyShape: plan.keyShape,
    get command() {
      return ociImportCommand(args);
    },
    get sdkDetails() {
      return ociImportDetails(args, wrappedImportKey);
    },
    summary: summaryOf(plan, `${plan.keyShape.algorithm} ${plan.keyShape.length} bytes`, plan.kek.oci.keyId),
    warnings: plan.warnings,
  };
}

export function completeVaultWrap(plan: VaultPlan, parts: WrappedParts): VaultWrapResult {
  expectPlanAndParts('completeVaultWrap', plan, parts, 'vault');
  checkParts(plan.scheme, plan.kek.bits, parts);
  const ciphertext = vaultCiphertext(joinParts(parts));
  const o = plan.options;
  return {
    cloud: 'vault', algorithm: plan.algorithm, scheme: plan.scheme,
    ciphertext, bytes: new TextEncoder().encode(ciphertext), type: plan.vaultType,
    get command() {
      return vaultImportCommand({
        hashFunction: plan.algorithm, type: plan.vaultType,
        ...(o.keyName === undefined ? {} : { keyName: o.keyName }),
        ...(o.mount === undefined ? {} : { mount: o.mount }),
        ...(o.ciphertextPath === undefined ? {} : { ciphertextPath: o.ciphertextPath }),
      });
    },
    httpBody: { ciphertext, hash_function: plan.algorithm, type: plan.vaultType },
    summary: summaryOf(plan, plan.vaultType),
    warnings: plan.warnings,
  };
}

// ---- generic over the destination ----

export function prepareWrap(cloud: 'azure', kek: WrappingKeyInput, target: WrapTarget, options?: WrapForAzureOptions): AzurePlan;
export function prepareWrap(cloud: 'aws', kek: WrappingKeyInput, target: WrapTarget, options?: AwsWrapOptions): AwsPlan;
export function prepareWrap(cloud: 'gcp', kek: WrappingKeyInput, target: WrapTarget, options?: GcpWrapOptions): GcpPlan;
export function prepareWrap(cloud: 'oci', kek: WrappingKeyInput, target: WrapTarget, options?: OciWrapOptions): OciPlan;
export function prepareWrap(cloud: 'vault', kek: WrappingKeyInput, target: WrapTarget, options?: VaultWrapOptions): VaultPlan;
export function prepareWrap(cloud: Cloud, kek: WrappingKeyInput, target: WrapTarget, options?: WrapOptions): WrapPlan;
/** Every check and refusal of a wrap for `cloud`, without producing anything (see the file header). */
export function prepareWrap(cloud: Cloud, kek: WrappingKeyInput, target: WrapTarget, options: WrapOptions = {}): WrapPlan {
  checkCloud(cloud);
  switch (cloud) {
    case 'azure': return prepareAzureWrap(kek, target, options as WrapForAzureOptions);
    case 'aws': return prepareAwsWrap(kek, target, options as AwsWrapOptions);
    case 'gcp': return prepareGcpWrap(kek, target, options as GcpWrapOptions);
    case 'oci': return prepareOciWrap(kek, target, options as OciWrapOptions);
    default: return prepareVaultWrap(kek, target, options as VaultWrapOptions);
  }
}

export function completeWrap(plan: AzurePlan, parts: WrappedParts): AzureWrapResult;
export function completeWrap(plan: AwsPlan, parts: WrappedParts): AwsWrapResult;
export function completeWrap(plan: GcpPlan, parts: WrappedParts): GcpWrapResult;
export function completeWrap(plan: OciPlan, parts: WrappedParts): OciWrapResult;
export function completeWrap(plan: VaultPlan, parts: WrappedParts): VaultWrapResult;
export function completeWrap(plan: WrapPlan, parts: WrappedParts): WrapResult;
/** The cloud's bytes and submission forms for the parts a mechanism made under `plan`. */
export function completeWrap(plan: WrapPlan, parts: WrappedParts): WrapResult {
  expectPlanAndParts('completeWrap', plan, parts, undefined);
  switch (plan.cloud) {
    case 'azure': return completeAzureWrap(plan, parts);
    case 'aws': return completeAwsWrap(plan, parts);
    case 'gcp': return completeGcpWrap(plan, parts);
    case 'oci': return completeOciWrap(plan, parts);
    default: return completeVaultWrap(plan, parts);
  }
}

/**
 * The software path: the wrapping key's checks, then the target (read from bytes when given so, and wiped
 * after), its checks, the Wasm core's parts, the cloud's encoding.
 */
function softwareWrapFor<S, P extends CloudPlan, R>(
  stage: S, target: TargetKey | Uint8Array, read: ReadTargetKeyOptions | undefined,
  targetStage: (s: S, t: TargetKey) => P, complete: (p: P, parts: WrappedParts) => R,
): R {
  if (!(target instanceof Uint8Array) && !isTargetKey(target)) throw argError('"target" expected a TargetKey (readTargetKey) or the bytes of a key file');
  const t = target instanceof Uint8Array ? readTargetKey(target, read) : target;
  try {
    const plan = targetStage(stage, t);
    return complete(plan, softwareWrap(plan.scheme, { n: plan.kek.n, e: plan.kek.e }, plan.kek.bits, t.material));
  } finally {
    if (target instanceof Uint8Array) wipeTargetKey(t);
  }
}

export function wrapForAws(kek: WrappingKeyInput, target: TargetKey | Uint8Array, options: AwsWrapOptions = {}): AwsWrapResult {
  return softwareWrapFor(awsKekStage(kek, options), target, options.read, awsTargetStage, completeAwsWrap);
}

export function wrapForGcp(kek: WrappingKeyInput, target: TargetKey | Uint8Array, options: GcpWrapOptions = {}): GcpWrapResult {
  return softwareWrapFor(gcpKekStage(kek, options), target, options.read, gcpTargetStage, completeGcpWrap);
}

export function wrapForOci(kek: WrappingKeyInput, target: TargetKey | Uint8Array, options: OciWrapOptions = {}): OciWrapResult {
  return softwareWrapFor(ociKekStage(kek, options), target, options.read, ociTargetStage, completeOciWrap);
}

export function wrapForVault(kek: WrappingKeyInput, target: TargetKey | Uint8Array, options: VaultWrapOptions = {}): VaultWrapResult {
  return softwareWrapFor(vaultKekStage(kek, options), target, options.read, vaultTargetStage, completeVaultWrap);
}

export function wrapFor(cloud: 'azure', kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: WrapForAzureOptions): AzureWrapResult;
export function wrapFor(cloud: 'aws', kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: AwsWrapOptions): AwsWrapResult;
export function wrapFor(cloud: 'gcp', kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: GcpWrapOptions): GcpWrapResult;
export function wrapFor(cloud: 'oci', kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: OciWrapOptions): OciWrapResult;
export function wrapFor(cloud: 'vault', kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: VaultWrapOptions): VaultWrapResult;
export function wrapFor(cloud: Cloud, kek: WrappingKeyInput, target: TargetKey | Uint8Array, options?: WrapOptions): WrapResult;
/**
 * Wraps `target` (intake's TargetKey, left as is, or a key file's bytes, read with `options.read` and wiped)
 * for `cloud`'s wrapping key `kek`, in the Wasm core. Returns the exact bytes to submit, the command line, the
 * SDK argument and a summary. Everything the cloud would refuse is refused first, with a ByokError.
 */
export function wrapFor(cloud: Cloud, kek: WrappingKeyInput, target: TargetKey | Uint8Array, options: WrapOptions = {}): WrapResult {
  checkCloud(cloud);
  switch (cloud) {
    case 'azure': return wrapForAzure(kek, target, options as WrapForAzureOptions);
    case 'aws': return wrapForAws(kek, target, options as AwsWrapOptions);
    case 'gcp': return wrapForGcp(kek, target, options as GcpWrapOptions);
    case 'oci': return wrapForOci(kek, target, options as OciWrapOptions);
    default: return wrapForVault(kek, target, options as VaultWrapOptions);
  }
}
