// What Azure imports and how a `.byok` file is submitted (byok-formats.md §1.5, §1.6): the target key types
// Azure takes, the REST body of `PUT /keys/{name}`, the `@azure/keyvault-keys` importKey argument and the
// `az keyvault key import` command line. Pure data; this module must not depend on the Azure SDK.
import { expectBytes, expectRecord, expectString, expectStringList, invalid, optionalString } from '../arguments.js';
import { ByokError } from '../errors.js';
import type { TargetKey } from '../keys/index.js';
import { base64urlEncode } from './base64url.js';
import { expectDescription } from './target.js';
import type { AzureKeyId } from './azure-kid.js';

export type AzureKty = 'RSA-HSM' | 'EC-HSM' | 'oct-HSM';

/** Operations Azure accepts per key type when importing (EC: only sign/verify, §1.5). */
export const ALLOWED_KEY_OPS: Readonly<Record<AzureKty, readonly string[]>> = {
  'RSA-HSM': ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
  'EC-HSM': ['sign', 'verify'],
  'oct-HSM': ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
};

const AZURE_CURVES = ['P-256', 'P-384', 'P-521', 'P-256K'];

/** A TargetKey, or the description of a key held elsewhere (src/formats/target.ts). */
type TargetShape = { readonly kind: TargetKey['kind']; readonly bits: number; readonly curve?: string | undefined; readonly keyType?: 'aes' | 'hmac' | undefined };

/**
 * Throws what Azure would refuse (byok-formats.md §1.6): Ed25519 and HMAC keys (UNSUPPORTED_KEY_TYPE), RSA
 * sizes other than 2048/3072/4096 (UNSUPPORTED_TARGET_SIZE), EC curves other than P-256/P-384/P-521/P-256K
 * (UNSUPPORTED_CURVE), AES keys other than 128/192/256 bits.
 */
export function checkTargetForAzure(key: TargetShape): void {
  expectDescription('checkTargetForAzure', 'key', key);
  if (key.kind === 'ed25519' || (key.kind === 'oct' && key.keyType === 'hmac')) {
    throw new ByokError(
      'UNSUPPORTED_KEY_TYPE',
      `${key.kind === 'ed25519' ? 'Ed25519' : 'HMAC'} keys cannot be imported into Azure Key Vault or Managed HSM (Azure imports RSA, EC and AES keys); another cloud may take it: AWS, Google Cloud or Vault`,
    );
  }
  if (key.kind === 'rsa' && ![2048, 3072, 4096].includes(key.bits)) {
    throw new ByokError('UNSUPPORTED_TARGET_SIZE', `RSA-${key.bits} cannot be imported: Azure imports RSA keys of 2048, 3072 or 4096 bits; generate a new key of one of those sizes`);
  }
  if (key.kind === 'ec' && !AZURE_CURVES.includes(key.curve ?? '')) {
    throw new ByokError('UNSUPPORTED_CURVE', `curve ${key.curve ?? '(none)'} cannot be imported: Azure imports P-256, P-384, P-521 and P-256K`);
  }
  if (key.kind === 'oct' && ![128, 192, 256].includes(key.bits)) {
    throw new ByokError('UNSUPPORTED_TARGET_SIZE', `a ${key.bits}-bit AES key cannot be imported: Azure imports 128, 192 or 256 bits`);
  }
}

/** The Azure key type, curve and default operations of a key Azure imports (checkTargetForAzure first). */
export function azureImportType(key: TargetShape): { kty: AzureKty; crv?: string; keyOps: readonly string[] } {
  expectDescription('azureImportType', 'key', key);
  checkTargetForAzure(key);
  if (key.kind === 'rsa') return { kty: 'RSA-HSM', keyOps: ALLOWED_KEY_OPS['RSA-HSM'] };
  if (key.kind === 'ec') return { kty: 'EC-HSM', crv: key.curve as string, keyOps: ALLOWED_KEY_OPS['EC-HSM'] };
  return { kty: 'oct-HSM', keyOps: ALLOWED_KEY_OPS['oct-HSM'] };
}

/** Throws BYOK_BAD_OPS when `ops` is empty, repeats itself or holds an operation Azure refuses for `kty`. */
export function checkKeyOps(kty: AzureKty, ops: readonly string[]): void {
  const allowed = ALLOWED_KEY_OPS[kty];
  if (ops.length === 0) throw new ByokError('BYOK_BAD_OPS', `no key operations given: choose from ${allowed.join(', ')}`);
  for (const op of ops) {
    if (!allowed.includes(op)) {
      throw new ByokError('BYOK_BAD_OPS', `key operation ${JSON.stringify(op.slice(0, 40))} is not allowed for ${kty} keys: choose from ${allowed.join(', ')}`);
    }
  }
  if (new Set(ops).size !== ops.length) throw new ByokError('BYOK_BAD_OPS', 'a key operation is listed twice: list each once');
}

/** Azure's key name rule (Key Vault and Managed HSM): 1 to 127 letters, digits and dashes. */
const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;

/** Throws BYOK_BAD_KEY_NAME, with the rule, for a name Azure refuses for a key. */
export function checkAzureKeyName(name: string): void {
  if (typeof name !== 'string' || !KEY_NAME.test(name)) {
    throw new ByokError('BYOK_BAD_KEY_NAME', `${typeof name === 'string' ? JSON.stringify(name.slice(0, 130)) : 'the key name'} is not a name Azure accepts for a key: use 1 to 127 letters, digits and dashes (no dots, underscores or spaces)`);
  }
}

/**
 * What Azure would refuse at import although the .byok is well formed, as warnings: Key Vault (Premium)
 * imports RSA and EC keys only; AES keys (oct-HSM) go to a Managed HSM. The KEK's kid names the service.
 */
export function importWarnings(kek: AzureKeyId, kty: AzureKty): string[] {
  if (kty === 'oct-HSM' && kek.service === 'vault') {
    return [`the KEK belongs to the Key Vault ${kek.instance} (${kek.host}), and Key Vault does not import AES keys (oct-HSM); only Managed HSM does: wrap the key for a Managed HSM KEK (https://<hsm>.managedhsm.azure.net/keys/…), or the import will be refused`];
  }
  return [];
}

/** Body of `PUT {vault}/keys/{name}?api-version=7.4` (§1.5). `key_hsm` = unpadded base64url of the file bytes. */
export interface AzureImportRequest {
  readonly key: { readonly kty: AzureKty; readonly crv?: string; readonly key_ops: readonly string[]; readonly key_hsm: string };
  readonly attributes: { readonly enabled: boolean };
}

/** The `key` argument of `KeyClient.importKey(name, key)`: `t` is the raw file bytes (the SDK encodes them). */
export interface AzureSdkKey {
  readonly kty: AzureKty;
  readonly crv?: string;
  readonly keyOps: string[];
  readonly t: Uint8Array;
}

export interface ImportDescription {
  kty: AzureKty;
  crv?: string;
  keyOps: readonly string[];
  fileBytes: Uint8Array;
}

const KTYS: readonly AzureKty[] = ['RSA-HSM', 'EC-HSM', 'oct-HSM'];

function checkKty(fn: string, name: string, v: unknown): void {
  if (!KTYS.includes(v as AzureKty)) throw invalid(fn, name, KTYS.map((k) => `"${k}"`).join(', ').replace(/, ([^,]*)$/, ' or $1'), v);
}

function checkDescription(fn: string, d: unknown): void {
  const o = expectRecord(fn, 'd', d);
  checkKty(fn, 'd.kty', o['kty']);
  optionalString(fn, 'd.crv', o['crv']);
  expectStringList(fn, 'd.keyOps', o['keyOps']);
  expectBytes(fn, 'd.fileBytes', o['fileBytes']);
}

export function importRequest(d: ImportDescription): AzureImportRequest {
  checkDescription('importRequest', d);
  return {
    key: {
      kty: d.kty,
      ...(d.crv === undefined ? {} : { crv: d.crv }),
      key_ops: [...d.keyOps],
      key_hsm: base64urlEncode(d.fileBytes),
    },
    attributes: { enabled: true },
  };
}

export function sdkKey(d: ImportDescription): AzureSdkKey {
  checkDescription('sdkKey', d);
  return { kty: d.kty, ...(d.crv === undefined ? {} : { crv: d.crv }), keyOps: [...d.keyOps], t: d.fileBytes };
}

/**
 * `az keyvault key import` for the file. The az CLI appends `-HSM` itself, so `--kty` is RSA, EC or oct;
 * the vault (or Managed HSM) is the KEK's, since Azure imports only into the vault that holds the KEK.
 */
export function azImportCommand(args: {
  kek: AzureKeyId;
  kty: AzureKty;
  crv?: string;
  keyOps: readonly string[];
  byokPath: string;
  keyName?: string;
}): string {
  const fn = 'azImportCommand';
  const a = expectRecord(fn, 'args', args);
  const kek = expectRecord(fn, 'args.kek', a['kek']);
  if (kek['service'] !== 'vault' && kek['service'] !== 'managedhsm') throw invalid(fn, 'args.kek', 'a parsed kid (parseAzureKid)', a['kek']);
  expectString(fn, 'args.kek.instance', kek['instance']);
  checkKty(fn, 'args.kty', a['kty']);
  optionalString(fn, 'args.crv', a['crv']);
  expectStringList(fn, 'args.keyOps', a['keyOps']);
  expectString(fn, 'args.byokPath', a['byokPath']);
  optionalString(fn, 'args.keyName', a['keyName']);
  const where = args.kek.service === 'managedhsm' ? ['--hsm-name', args.kek.instance] : ['--vault-name', args.kek.instance];
  const parts = [
    'az', 'keyvault', 'key', 'import', ...where,
    '--name', args.keyName ?? '<new-key-name>',
    '--byok-file', args.byokPath,
    '--kty', args.kty.replace(/-HSM$/, ''),
    ...(args.crv === undefined ? [] : ['--curve', args.crv]),
    '--ops', ...args.keyOps,
  ];
  return parts.map(shellQuote).join(' ');
}

/** POSIX shell quoting: bare when only safe characters, else single quotes. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
