// wrapForAzure: a target key wrapped for an Azure KEK, as the `.byok` object, its exact bytes and the
// three ways to submit it (REST body, @azure/keyvault-keys importKey argument, az command line).
// byok-formats.md §1.3: OAEP SHA-1/MGF1-SHA-1, empty label, AES-256 ephemeral key, RFC 5649 KWP.
import { getCore } from '../core/index.js';
import { ByokError } from '../errors.js';
import { parseAzureKid } from '../formats/azure-kid.js';
import { buildByok, serializeByok, type AzureByokFile } from '../formats/azure.js';
import {
  azImportCommand, checkKeyOps, importRequest, sdkKey, type AzureImportRequest, type AzureKty, type AzureSdkKey,
} from '../formats/azure-import.js';
import { checkKekForAzure, type Kek } from '../kek/index.js';
import { checkTargetForAzure, readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { toKek, type KekInput } from './kek-input.js';
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
  /** What a reviewer should know about this blob (a token wrap that zero-padded the key); absent when none. */
  readonly warnings?: readonly string[];
}

export interface WrapSummary {
  readonly kek: { readonly bits: number; readonly kid: string; readonly fingerprint: string };
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

export function wrapForAzure(kek: KekInput, target: TargetKey | Uint8Array, options: WrapForAzureOptions = {}): AzureWrapResult {
  const k = checkedAzureKek(kek, options.kid);
  const ownsTarget = target instanceof Uint8Array;
  const t: TargetKey = ownsTarget ? readTargetKey(target, options.read) : target;
  try {
    checkTargetForAzure(t);
    const keyOps = options.keyOps ?? t.azure.keyOps;
    checkKeyOps(t.azure.kty, keyOps);
    const ciphertext = getCore().rsaAesKeyWrap({ n: k.n, e: k.e }, t.material, { hash: 'sha1', aesKeyBits: 256 });
    const expected = k.bits / 8 + 8 * Math.ceil(t.material.length / 8) + 8;
    if (ciphertext.length !== expected) {
      throw new ByokError('CORE_INTERNAL', `the core returned ${ciphertext.length} bytes where ${expected} were expected: please report this`);
    }
    return azureResult(k, { ...t, format: t.source.format }, ciphertext, options.generator ?? defaultGenerator(), options);
  } finally {
    if (ownsTarget) wipeTargetKey(t);
  }
}

/** The KEK record, checked once for Azure, with a kid (BYOK_BAD_KID when it has none). */
export function checkedAzureKek(kek: KekInput, kid: string | undefined): Kek & { readonly kid: string } {
  const k: Kek = toKek(kek, kid);
  checkKekOnce(k);
  if (k.kid === undefined) {
    throw new ByokError('BYOK_BAD_KID', 'the KEK has no kid: give its versioned key id (az keyvault key show --vault-name V --name KEK --query key.kid -o tsv)');
  }
  parseAzureKid(k.kid);
  return k as Kek & { readonly kid: string };
}

/** What the result needs to know about the wrapped key (no material): intake's TargetKey or a token key. */
export interface AzureTargetShape {
  readonly kind: TargetKey['kind'];
  readonly bits: number;
  readonly curve?: string;
  readonly azure: TargetKey['azure'];
  /** How the key was read ('pkcs8', 'pkcs12', … or 'pkcs11' for a key wrapped inside a token). */
  readonly format: string;
}

/**
 * The `.byok` and its three submission forms for a CKM_RSA_AES_KEY_WRAP ciphertext made for `k`, whoever
 * made it (the Wasm core, or a PKCS#11 token: src/transfer/token.ts). `options.keyOps` must be checked.
 */
export function azureResult(
  k: Kek & { readonly kid: string }, t: AzureTargetShape, ciphertext: Uint8Array, generator: string,
  options: Omit<WrapForAzureOptions, 'read' | 'generator' | 'kid'>, warnings?: readonly string[],
): AzureWrapResult {
  const kid = parseAzureKid(k.kid);
  const kty = t.azure.kty;
  const keyOps = options.keyOps ?? t.azure.keyOps;
  checkKeyOps(kty, keyOps);
  const byok = buildByok({ kid: k.kid, ciphertext, generator });
  const bytes = serializeByok(byok);
  const crv = t.azure.crv;
  const ops = [...keyOps];
  const d = { kty, keyOps: ops, fileBytes: bytes, ...(crv === undefined ? {} : { crv }) };
  // The three submission forms are computed when read: a batch writes the file and needs none of them.
  return {
    byok,
    bytes,
    ...(warnings === undefined || warnings.length === 0 ? {} : { warnings }),
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
    summary: {
      kek: { bits: k.bits, kid: k.kid, fingerprint: k.fingerprint.hex },
      target: {
        kind: t.kind, bits: t.bits, kty, keyOps: ops, format: t.format,
        ...(t.curve === undefined ? {} : { curve: t.curve }),
      },
    },
  };
}
