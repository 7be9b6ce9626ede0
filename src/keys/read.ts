// Key intake entry points: readTargetKey, inspectKeyFile, listKeys, wipeTargetKey.
//
// Intake knows no cloud: readTargetKey checks that the key is a well-formed, consistent key of a type some
// cloud imports (RSA two-prime, EC on P-256/P-384/P-521/P-256K, Ed25519, AES-128/192/256, HMAC secrets).
// Which cloud takes which type lives in src/formats (checkTargetForAzure and the other clouds' rules). Sizes
// are the one thing a key can have right while every cloud still refuses it (RSA-1024): readTargetKey refuses
// RSA other than 2048/3072/4096 by default (one call, clear error), and `azureChecks: false` returns the
// parsed key so a caller can inspect it. The `azure` field of a TargetKey is kept for existing callers.
import { ByokError } from '../errors.js';
import { describeValue } from '../core/validate.js';
import { expectTargetKey, invalid, keyFileArg, plainBytes } from '../arguments.js';
import { isPrintableText } from './raw.js';
import { hasUtf16Bom, utf16Refusal, utf16ToUtf8 } from './utf16.js';
import { openKeyFile, type Entry, type Opened, type Passwords } from './containers.js';
import { ecPkcs8, ecSpki } from './ec.js';
import { ed25519Pkcs8, ed25519Spki } from './ed25519.js';
import type { NormalizedKey } from './private-key.js';
import { checkRsaPairwise, rsaPkcs8, rsaSpki, wipeRsaParts } from './rsa.js';
import type { KeyFileInfo, KeyFormat, KeyListing, KeySource, ReadTargetKeyOptions, TargetKey } from './types.js';
import { unwrapTransport } from './wrapped.js';

const FORMATS: readonly KeyFormat[] = ['pkcs8', 'pkcs8-encrypted', 'pkcs1', 'sec1', 'pkcs12', 'jwk', 'raw', 'wrapped'];

/** Key operations each Azure key type is imported with unless the caller chooses others. */
export const DEFAULT_KEY_OPS: Readonly<Record<'rsa' | 'ec' | 'oct', readonly string[]>> = {
  rsa: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
  ec: ['sign', 'verify'], // Azure refuses other operations on EC keys (byok-formats.md §1.5)
  oct: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
};

const AZURE_RSA_BITS = [2048, 3072, 4096];

function argError(problem: string): ByokError {
  return new ByokError('INVALID_ARGUMENT', problem);
}

/**
 * A key file argument as bytes to parse: its text encoded when given as a string, UTF-16 text (with a
 * byte order mark: Windows PowerShell 5.1) transcoded to UTF-8. `wipe` zeroes the copies made here.
 */
function keyFileInput(fn: string, input: unknown): { bytes: Uint8Array; wipe(): void } {
  const given = keyFileArg(fn, 'input', input);
  const wipeGiven = (): void => {
    if (given.owned) given.bytes.fill(0);
  };
  if (!hasUtf16Bom(given.bytes)) return { bytes: given.bytes, wipe: wipeGiven };
  const text = utf16ToUtf8(given.bytes);
  if (text !== undefined && isPrintableText(text)) {
    wipeGiven();
    return { bytes: text, wipe: () => text.fill(0) };
  }
  text?.fill(0);
  // A binary AES key may start with FF FE by chance: it is read as one.
  if ([16, 24, 32].includes(given.bytes.length)) return { bytes: given.bytes, wipe: wipeGiven };
  wipeGiven();
  throw utf16Refusal('UNKNOWN_KEY_FORMAT', 'key file');
}

function checkOptions(opts: unknown): asserts opts is ReadTargetKeyOptions {
  if (typeof opts !== 'object' || opts === null) throw argError('"opts" expected an object');
  const o = opts as Record<string, unknown>;
  if (o['format'] !== undefined && !FORMATS.includes(o['format'] as KeyFormat)) {
    throw argError(`"format" expected one of ${FORMATS.join(', ')}, got ${describeValue(o['format'])}`);
  }
  if (o['password'] !== undefined && typeof o['password'] !== 'string' && !(o['password'] instanceof Uint8Array)) {
    throw argError('"password" expected string or Uint8Array');
  }
  if (o['keyIndex'] !== undefined && (!Number.isSafeInteger(o['keyIndex']) || (o['keyIndex'] as number) < 0)) {
    throw argError('"keyIndex" expected a non-negative integer');
  }
  if (o['friendlyName'] !== undefined && typeof o['friendlyName'] !== 'string') throw argError('"friendlyName" expected string');
  if (o['transportKey'] !== undefined && !(o['transportKey'] instanceof Uint8Array)) throw argError('"transportKey" expected Uint8Array');
  if (o['transportWrap'] !== undefined && o['transportWrap'] !== 'kw' && o['transportWrap'] !== 'kwp') {
    throw argError('"transportWrap" expected "kw" or "kwp"');
  }
  if (o['rawEncoding'] !== undefined && !['binary', 'hex', 'base64'].includes(o['rawEncoding'] as string)) {
    throw argError('"rawEncoding" expected "binary", "hex" or "base64"');
  }
  if (o['keyType'] !== undefined && o['keyType'] !== 'aes' && o['keyType'] !== 'hmac') throw argError('"keyType" expected "aes" or "hmac"');
  for (const flag of ['azureChecks', 'pairwiseTest']) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') throw argError(`"${flag}" expected a boolean`);
  }
}

/** Both forms of the password; `wipe` zeroes the UTF-8 copy we made. */
function passwords(password: string | Uint8Array | undefined): Passwords & { wipe(): void } {
  if (password === undefined) return { utf8: undefined, text: undefined, wipe: () => undefined };
  if (typeof password === 'string') {
    const utf8 = new TextEncoder().encode(password);
    return { utf8, text: password, wipe: () => utf8.fill(0) };
  }
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(password);
  } catch {
    text = undefined; // only PKCS#12 needs the text form; it reports the password as required then
  }
  const utf8 = plainBytes(password).slice(); // a copy even of a Buffer (whose slice() is a view)
  return { utf8, text, wipe: () => utf8.fill(0) };
}

function selectEntry(opened: Opened, opts: ReadTargetKeyOptions): Entry {
  const { entries } = opened;
  const where = opened.container === 'pkcs12' ? 'the PKCS#12 file' : opened.container === 'json' ? 'the JWK Set' : 'the file';
  if (opts.friendlyName !== undefined) {
    const found = entries.filter((e) => e.friendlyName === opts.friendlyName);
    if (found.length === 0) {
      const names = entries.map((e) => e.friendlyName).filter((n) => n !== undefined);
      throw new ByokError('KEY_NOT_FOUND', `no key named "${opts.friendlyName}" in ${where}${names.length > 0 ? `; names present: ${names.map((n) => `"${n}"`).join(', ')}` : ' (its keys carry no names; choose by index)'}`);
    }
    if (found.length > 1) throw new ByokError('MULTIPLE_KEYS', `${found.length} keys are named "${opts.friendlyName}" in ${where}; choose by index`);
    const e = found[0] as Entry;
    if (opts.keyIndex !== undefined && opts.keyIndex !== e.index) {
      throw argError(`"keyIndex" ${opts.keyIndex} and "friendlyName" "${opts.friendlyName}" (index ${e.index}) name different keys`);
    }
    return e;
  }
  if (entries.length === 0) {
    throw new ByokError('KEY_NOT_FOUND', `${where} holds no private key${opened.container === 'pkcs12' ? ' (only certificates)' : ''}; export the key together with its certificate`);
  }
  if (opts.keyIndex !== undefined) {
    const e = entries[opts.keyIndex];
    if (e === undefined) throw new ByokError('KEY_NOT_FOUND', `key index ${opts.keyIndex} is out of range: ${where} holds ${entries.length} key(s) (indexes 0 to ${entries.length - 1})`);
    return e;
  }
  if (entries.length > 1) {
    const list = entries.map((e) => (e.friendlyName === undefined ? `${e.index}` : `${e.index} ("${e.friendlyName}")`)).join(', ');
    throw new ByokError('MULTIPLE_KEYS', `${where} holds ${entries.length} keys (${list}); choose one by index or friendly name`);
  }
  return entries[0] as Entry;
}

function sizeRefusal(key: { kind: string; bits: number }): ByokError {
  return new ByokError(
    'UNSUPPORTED_TARGET_SIZE',
    `RSA-${key.bits} cannot be imported: the clouds import RSA keys of 2048, 3072 or 4096 bits; generate a new key of one of those sizes`,
  );
}

/**
 * keyType: the key must be of that type. Then the RSA size rule (unless turned off) and, when asked for, the
 * costly RSA pairwise consistency test.
 */
function finishChecks(key: NormalizedKey, opts: ReadTargetKeyOptions): void {
  if (opts.keyType !== undefined && (key.kind !== 'oct' || key.keyType !== opts.keyType)) {
    const found = key.kind === 'oct' ? `${key.keyType === 'aes' ? 'an AES' : 'an HMAC'} key` : `${key.kind === 'ec' ? 'an EC' : key.kind === 'rsa' ? 'an RSA' : 'an Ed25519'} private key`;
    throw new ByokError('FORMAT_MISMATCH', `keyType "${opts.keyType}" was given but the file holds ${found}; keyType applies to symmetric keys: omit it, or give the right file`);
  }
  if (key.kind !== 'rsa') return;
  if (opts.azureChecks !== false && !AZURE_RSA_BITS.includes(key.bits)) throw sizeRefusal(key);
  if (opts.pairwiseTest === true) checkRsaPairwise(key.rsa, key.bits, key.path);
}

function wipeNormalized(k: NormalizedKey): void {
  if (k.kind === 'rsa') wipeRsaParts(k.rsa);
  else if (k.kind === 'ec') k.ec.d.fill(0);
  else if (k.kind === 'ed25519') k.ed.seed.fill(0);
  else k.k.fill(0);
}

function buildTarget(k: NormalizedKey, source: KeySource): TargetKey {
  if (k.kind === 'rsa') {
    return {
      kind: 'rsa', bits: k.bits, material: rsaPkcs8(k.rsa), publicKey: rsaSpki(k.rsa.n, k.rsa.e),
      azure: { kty: 'RSA-HSM', keyOps: [...DEFAULT_KEY_OPS.rsa] }, source,
    };
  }
  if (k.kind === 'ec') {
    return {
      kind: 'ec', bits: k.bits, curve: k.ec.curve.name, material: ecPkcs8(k.ec), publicKey: ecSpki(k.ec.curve, k.ec.publicPoint),
      azure: { kty: 'EC-HSM', crv: k.ec.curve.name, keyOps: [...DEFAULT_KEY_OPS.ec] }, source,
    };
  }
  if (k.kind === 'ed25519') {
    return { kind: 'ed25519', bits: 256, material: ed25519Pkcs8(k.ed), publicKey: ed25519Spki(k.ed.publicKey), source };
  }
  if (k.keyType === 'hmac') return { kind: 'oct', keyType: 'hmac', bits: k.bits, material: k.k.slice(), source };
  return { kind: 'oct', keyType: 'aes', bits: k.bits, material: k.k.slice(), azure: { kty: 'oct-HSM', keyOps: [...DEFAULT_KEY_OPS.oct] }, source };
}

/**
 * Reads the customer's target key from an on-prem export and returns it normalized to what Azure
 * imports (docs/ARCHITECTURE.md). Errors are ByokErrors: PASSWORD_REQUIRED, WRONG_PASSWORD,
 * MULTIPLE_KEYS, KEY_NOT_FOUND, UNKNOWN_KEY_FORMAT, FORMAT_MISMATCH, NOT_A_PRIVATE_KEY, MALFORMED_KEY (with
 * `path`), UNSUPPORTED_KEY_TYPE, UNSUPPORTED_CURVE, EXPLICIT_CURVE_PARAMETERS, MULTI_PRIME_RSA,
 * INVALID_RSA_KEY, INVALID_EC_KEY, UNSUPPORTED_TARGET_SIZE, TRANSPORT_* and the pbe codes.
 */
export function readTargetKey(input: Uint8Array | string, opts: ReadTargetKeyOptions = {}): TargetKey {
  checkOptions(opts);
  if (opts.transportKey !== undefined && opts.format !== undefined && opts.format !== 'wrapped') {
    throw argError(`"transportKey" means the input is a wrapped export: use format "wrapped" (or none), not "${opts.format}"`);
  }
  const file = keyFileInput('readTargetKey', input);
  try {
    return readKeyBytes(file.bytes, opts);
  } finally {
    file.wipe();
  }
}

function readKeyBytes(input: Uint8Array, opts: ReadTargetKeyOptions): TargetKey {
  if (opts.format === 'wrapped' || opts.transportKey !== undefined) return readWrapped(input, opts);
  const pw = passwords(opts.password);
  let opened: Opened | undefined;
  let key: NormalizedKey | undefined;
  try {
    opened = openKeyFile(input, opts, pw);
    const entry = selectEntry(opened, opts);
    key = entry.decode(pw);
    const source: KeySource = {
      format: entry.format,
      container: opened.container,
      ...(opened.entries.length > 1 || opened.container === 'pkcs12' ? { index: entry.index } : {}),
      ...(entry.friendlyName === undefined ? {} : { friendlyName: entry.friendlyName }),
      ...(entry.encrypted ? { encrypted: true } : {}),
    };
    finishChecks(key, opts);
    return buildTarget(key, source);
  } finally {
    if (key !== undefined) wipeNormalized(key);
    opened?.wipe();
    pw.wipe();
  }
}

function readWrapped(input: Uint8Array, opts: ReadTargetKeyOptions): TargetKey {
  if (opts.transportKey === undefined) {
    throw new ByokError('TRANSPORT_KEY_REQUIRED', 'format "wrapped" needs the transport key the HSM wrapped the export under (option transportKey, 16/24/32 bytes)');
  }
  const { plaintext, wrap } = unwrapTransport(input, plainBytes(opts.transportKey), opts.transportWrap);
  try {
    const inner = readInner(plaintext, opts);
    return { ...inner, source: { format: 'wrapped', container: wrap === 'kw' ? 'aes-kw' : 'aes-kwp', inner: inner.source.format } };
  } finally {
    plaintext.fill(0);
  }
}

function readInner(plaintext: Uint8Array, opts: ReadTargetKeyOptions): TargetKey {
  const pw = passwords(undefined);
  let opened: Opened | undefined;
  let key: NormalizedKey | undefined;
  try {
    opened = openKeyFile(plaintext, { binaryOnly: true, ...(opts.keyType === undefined ? {} : { keyType: opts.keyType }) }, pw);
    const entry = selectEntry(opened, {});
    key = entry.decode(pw);
    finishChecks(key, opts);
    return buildTarget(key, { format: entry.format });
  } finally {
    if (key !== undefined) wipeNormalized(key);
    opened?.wipe();
  }
}

/**
 * What a file is, whether it needs a password, and which keys it holds when that is visible without
 * one — for a UI that shows a password field or a key picker. Never decrypts.
 */
export function inspectKeyFile(input: Uint8Array | string): KeyFileInfo {
  const file = keyFileInput('inspectKeyFile', input);
  const none = passwords(undefined);
  let opened: Opened;
  try {
    opened = openKeyFile(file.bytes, {}, none);
  } catch (e) {
    file.wipe();
    if (e instanceof ByokError && e.code === 'PASSWORD_REQUIRED') return { format: 'pkcs12', encrypted: true };
    throw e;
  }
  try {
    const keys = opened.entries.map((e) => (e.friendlyName === undefined ? { index: e.index } : { index: e.index, friendlyName: e.friendlyName }));
    return { format: opened.format, encrypted: opened.entries.some((e) => e.encrypted), keys };
  } finally {
    opened.wipe();
    file.wipe();
  }
}

/** Every key in a file with its kind (decrypting with `password` where needed). */
export function listKeys(input: Uint8Array | string, password?: string | Uint8Array): KeyListing[] {
  if (password !== undefined && typeof password !== 'string' && !(password instanceof Uint8Array)) {
    throw invalid('listKeys', 'password', 'a string or a Uint8Array (UTF-8)', password);
  }
  const file = keyFileInput('listKeys', input);
  const pw = passwords(password);
  let opened: Opened | undefined;
  try {
    opened = openKeyFile(file.bytes, {}, pw);
    return opened.entries.map((e) => ({
      index: e.index,
      ...(e.friendlyName === undefined ? {} : { friendlyName: e.friendlyName }),
      kind: e.kind(pw),
    }));
  } finally {
    opened?.wipe();
    pw.wipe();
    file.wipe();
  }
}

/** Zeroes the key material of a TargetKey (call when the transfer is done). */
export function wipeTargetKey(key: TargetKey): void {
  expectTargetKey('wipeTargetKey', 'key', key).material.fill(0);
}
