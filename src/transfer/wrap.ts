// wrapForAzure: a target key wrapped for an Azure KEK, as the `.byok` object, its exact bytes and the
// three ways to submit it (REST body, @azure/keyvault-keys importKey argument, az command line).
// byok-formats.md §1.3: OAEP SHA-1/MGF1-SHA-1, empty label, AES-256 ephemeral key, RFC 5649 KWP.
import { expectKeyFile, expectStringList, invalid, isTargetKey, optionalBoolean, optionalString, optionsArg, TARGET } from '../arguments.js';
import { getCore } from '../core/index.js';
import { ByokError } from '../errors.js';
import { parseAzureKid } from '../formats/azure-kid.js';
import { buildByok, serializeByok, type AzureByokFile } from '../formats/azure.js';
import type { AzureKeyId } from '../formats/azure-kid.js';
import { checkParts, joinParts, kwpLength, rsaAesKwp, type RsaAesKwpScheme, type WrappedParts } from '../formats/scheme.js';
import { describeTarget, expectDescription, type TargetDescription } from '../formats/target.js';
import {
  azImportCommand, azureImportType, checkAzureKeyName, checkKeyOps, importRequest, importWarnings, sdkKey,
  type AzureImportRequest, type AzureKty, type AzureSdkKey,
} from '../formats/azure-import.js';
import { checkKekForAzure, type Kek } from '../kek/index.js';
import { readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { toKek, type KekInput } from './kek-input.js';
import { expectPlanAndParts } from './plan-args.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from './version.js';

export interface WrapForAzureOptions {
  /** The KEK's versioned kid, when the KEK input does not carry it (PEM/DER/JWK). */
  readonly kid?: string;
  /** Key operations for the imported key; default: what intake chose for the key type. */
  readonly keyOps?: readonly string[];
  /** Name of the key to create in Azure (for the az command line; default a placeholder). */
  readonly keyName?: string;
  /** Path of the .byok file as the az command line should name it. */
  readonly byokPath?: string;
  /** Overrides the `generator` field (default: toolkit name, version and core build). */
  readonly generator?: string;
  /** When `target` is bytes: how to read it (password, key index in a container, …). */
  readonly read?: ReadTargetKeyOptions;
  /**
   * Refuse (BYOK_NOT_IMPORTABLE) what would only be a warning: a .byok the destination would not import,
   * such as an AES key for a Key Vault KEK. Default false.
   */
  readonly strict?: boolean;
}

export interface AzureWrapResult {
  /** The `.byok` JSON object. */
  readonly byok: AzureByokFile;
  /** The exact UTF-8 bytes of the `.byok` file: write these to disk or pass them as `t`. */
  readonly bytes: Uint8Array;
  /** Body of `PUT {vault}/keys/{name}?api-version=7.4`. */
  readonly importRequest: AzureImportRequest;
  /** The argument of `KeyClient.importKey(name, key)` in `@azure/keyvault-keys`. */
  readonly sdkKey: AzureSdkKey;
  /** `az keyvault key import …` for this file. */
  readonly azCommand: string;
  /** What was wrapped for whom, for display and logs (no key material). */
  readonly summary: WrapSummary;
  /** What the destination would refuse although the file is well formed (see `strict`); usually empty. */
  readonly warnings: readonly string[];
}

export interface WrapSummary {
  /** fingerprint: lowercase hex of the KEK's SPKI SHA-256 (as sha256sum prints it); fingerprintGrouped: "AB12 CD34 …". */
  readonly kek: { readonly bits: number; readonly kid: string; readonly fingerprint: string; readonly fingerprintGrouped: string };
  readonly target: {
    readonly kind: TargetKey['kind']; readonly bits: number; readonly curve?: string;
    readonly kty: AzureKty; readonly keyOps: readonly string[]; readonly format: string;
  };
}

/** `generator` value: "byok-toolkit 0.1.0; software, Wasm core <sha256 prefix>". */
export function defaultGenerator(): string {
  const core = getCore();
  return `${TOOLKIT_NAME} ${TOOLKIT_VERSION}; software key wrap, Wasm core ${core.build} ${core.wasmSha256.slice(0, 16)}`;
}

/**
 * Wraps `target` for the Azure KEK `kek`. `target` is intake's TargetKey (left as is: the caller wipes it)
 * or the bytes of a key file (read with `options.read`, wiped here after use).
 */
// KEKs (by identity) already checked, with the kids they were checked with: a batch wraps thousands of
// keys for one KEK, and the check (BigInt conversions of the modulus) need not run each time. Kek
// records are read-only by contract, so a checked object stays valid.
const checkedKeks = new WeakMap<Kek, Set<string>>();

function checkKekOnce(k: Kek): void {
  const kid = k.kid ?? '';
  if (checkedKeks.get(k)?.has(kid)) return;
  checkKekForAzure(k, { requireKid: true });
  const set = checkedKeks.get(k) ?? new Set<string>();
  set.add(kid);
  checkedKeks.set(k, set);
}

/** The options object, each option checked for its type (the values themselves are checked where used). */
function wrapOptions(options: unknown): WrapForAzureOptions {
  const fn = 'wrapForAzure';
  const o = optionsArg(fn, 'options', options);
  for (const k of ['kid', 'keyName', 'byokPath', 'generator'] as const) optionalString(fn, `options.${k}`, o[k]);
  if (o['keyOps'] !== undefined) expectStringList(fn, 'options.keyOps', o['keyOps']);
  if (o['read'] !== undefined) optionsArg(fn, 'options.read', o['read']);
  optionalBoolean(fn, 'options.strict', o['strict']);
  return o;
}

/** What an Azure wrap needs once every check has passed; the software path and a PKCS#11 source share it. */
export interface AzurePlan {
  readonly cloud: 'azure';
  readonly algorithm: 'CKM_RSA_AES_KEY_WRAP';
  readonly scheme: RsaAesKwpScheme;
  readonly kek: Kek & { readonly kid: string };
  readonly kid: AzureKeyId;
  readonly target: TargetDescription;
  readonly targetFormat?: string;
  readonly kty: AzureKty;
  readonly crv?: string;
  readonly keyOps: readonly string[];
  readonly warnings: readonly string[];
  readonly options: WrapForAzureOptions;
}

/** Azure's scheme (byok-formats.md §1.3): OAEP SHA-1 / MGF1 SHA-1 of an AES-256 key, RFC 5649 KWP. */
export const AZURE_SCHEME: RsaAesKwpScheme = rsaAesKwp('sha1');

/**
 * Every Azure check (KEK size, exponent, kty, key_ops, versioned kid; target type and size; key operations)
 * without producing anything. `target` is a TargetKey or, for a key inside an HSM, its description.
 */
export function prepareAzureWrap(kek: KekInput, target: TargetKey | TargetDescription, options: WrapForAzureOptions = {}): AzurePlan {
  if (!isTargetKey(target)) expectDescription('prepareAzureWrap', 'target', target);
  if (typeof options !== 'object' || options === null) throw invalid('prepareAzureWrap', 'options', 'an object', options);
  const k: Kek = toKek(kek, options.kid);
  checkKekOnce(k);
  if (k.kid === undefined) {
    throw new ByokError('BYOK_BAD_KID', 'the KEK has no kid: give its versioned key id (az keyvault key show --vault-name V --name KEK --query key.kid -o tsv)');
  }
  const kid = parseAzureKid(k.kid);
  if (options.keyName !== undefined) checkAzureKeyName(options.keyName);
  const azure = azureImportType(target);
  const keyOps = options.keyOps ?? azure.keyOps;
  checkKeyOps(azure.kty, keyOps);
  const warnings = importWarnings(kid, azure.kty);
  if (options.strict === true && warnings.length > 0) throw new ByokError('BYOK_NOT_IMPORTABLE', warnings[0]!);
  const key = isTargetKey(target) ? target : undefined;
  return {
    cloud: 'azure', algorithm: 'CKM_RSA_AES_KEY_WRAP', scheme: AZURE_SCHEME, kek: k as Kek & { kid: string }, kid,
    target: key === undefined ? (target as TargetDescription) : describeTarget(key),
    ...(key === undefined ? {} : { targetFormat: key.source.format }),
    kty: azure.kty, ...(azure.crv === undefined ? {} : { crv: azure.crv }), keyOps: [...keyOps], warnings, options,
  };
}

/** The `.byok` and its submission forms for the parts of CKM_RSA_AES_KEY_WRAP made under `plan`. */
export function completeAzureWrap(plan: AzurePlan, parts: WrappedParts): AzureWrapResult {
  expectPlanAndParts('completeAzureWrap', plan, parts, 'azure');
  checkParts(plan.scheme, plan.kek.bits, parts);
  return azureResult(plan, joinParts(parts));
}

function azureResult(plan: AzurePlan, ciphertext: Uint8Array): AzureWrapResult {
  const { kek: k, kid, kty, crv, options } = plan;
  const byok = buildByok({ kid: k.kid, ciphertext, generator: options.generator ?? defaultGenerator() });
  const bytes = serializeByok(byok);
  const ops = [...plan.keyOps];
  const d = { kty, keyOps: ops, fileBytes: bytes, ...(crv === undefined ? {} : { crv }) };
  const t = plan.target;
  // The three submission forms are computed when read: a batch writes the file and needs none of them.
  return {
    byok,
    bytes,
    get importRequest() {
      return importRequest(d);
    },
    get sdkKey() {
      return sdkKey(d);
    },
    get azCommand() {
      return azImportCommand({
        kek: kid, kty, keyOps: ops, byokPath: options.byokPath ?? '<file>.byok',
        ...(crv === undefined ? {} : { crv }),
        ...(options.keyName === undefined ? {} : { keyName: options.keyName }),
      });
    },
    warnings: plan.warnings,
    summary: {
      kek: { bits: k.bits, kid: k.kid, fingerprint: k.fingerprint.hex, fingerprintGrouped: k.fingerprint.grouped },
      target: {
        kind: t.kind, bits: t.bits, kty, keyOps: ops, format: plan.targetFormat ?? 'hsm',
        ...(t.curve === undefined ? {} : { curve: t.curve as string }),
      },
    },
  };
}

export function wrapForAzure(kek: KekInput, target: TargetKey | Uint8Array | string, options: WrapForAzureOptions = {}): AzureWrapResult {
  options = wrapOptions(options);
  const ownsTarget = !isTargetKey(target);
  if (ownsTarget) expectKeyFile('wrapForAzure', 'target', target, TARGET);
  let t: TargetKey | undefined;
  try {
    // The KEK is checked before the target is read, as it always was: a wrong KEK is reported first.
    const k: Kek = toKek(kek, options.kid);
    checkKekOnce(k);
    t = ownsTarget ? readTargetKey(target as Uint8Array | string, options.read) : (target as TargetKey);
    const plan = prepareAzureWrap(k, t, options);
    const ciphertext = getCore().rsaAesKeyWrap({ n: k.n, e: k.e }, t.material, { hash: 'sha1', aesKeyBits: 256 });
    const expected = k.bits / 8 + kwpLength(t.material.length);
    if (ciphertext.length !== expected) {
      throw new ByokError('CORE_INTERNAL', `the core returned ${ciphertext.length} bytes where ${expected} were expected: please report this`);
    }
    return azureResult(plan, ciphertext);
  } finally {
    if (ownsTarget && t !== undefined) wipeTargetKey(t);
  }
}
