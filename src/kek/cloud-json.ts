// What the wrapping-key readers of AWS, Google Cloud, OCI and Vault share: strict member access with the JSON
// path in every error, the PEM or base64 DER the JSON carries, the size floor, and the validity record.
import { base64 } from '@scure/base';
import { ByokError } from '../errors.js';
import { derError } from '../keys/der.js';
import { detectCloud, isRecord, wrongCloud } from './detect.js';
import { buildKek, fromDer, fromPem, parseKekInput, type KekAdvice, type ParsedKek } from './read.js';
import { CLOUD_NAMES, type Cloud, type Kek, type KekSource, type ReadWrappingKeyOptions, type WrappingKeyValidity } from './types.js';

const CODE = 'MALFORMED_KEK';

/** No cloud issues wrapping keys below this size; a smaller key is not the file the cloud issued. */
export const MIN_WRAPPING_KEY_BITS = 2048;

/** Refuses a JSON that another cloud's CLI printed, naming that cloud. */
export function expectCloud(obj: Record<string, unknown>, cloud: Cloud): void {
  const found = detectCloud(obj);
  if (found !== undefined && found !== cloud) throw wrongCloud(found, cloud);
}

export function malformed(path: string, problem: string): ByokError {
  return derError(CODE, path, problem);
}

/** Member `name` of `obj` when present and not null, else undefined. */
export function member(obj: Record<string, unknown>, name: string): unknown {
  const v = obj[name];
  return v === null ? undefined : v;
}

export function optionalString(obj: Record<string, unknown>, name: string, path: string): string | undefined {
  const v = member(obj, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw malformed(`${path}${name}`, 'expected a string');
  return v;
}

export function requiredString(obj: Record<string, unknown>, name: string, path: string): string {
  const v = optionalString(obj, name, path);
  if (v === undefined || v === '') throw malformed(`${path}${name}`, 'missing member');
  return v;
}

/** A record member (the `data` of OCI and Vault output, Google Cloud's `publicKey`). */
export function optionalRecord(obj: Record<string, unknown>, name: string, path: string): Record<string, unknown> | undefined {
  const v = member(obj, name);
  if (v === undefined) return undefined;
  if (!isRecord(v)) throw malformed(`${path}${name}`, 'expected an object');
  return v;
}

/** Standard base64 with padding (what the AWS CLI prints for blobs), or the SDK's Uint8Array. */
export function bytesMember(obj: Record<string, unknown>, name: string, path: string): { bytes: Uint8Array; sdk: boolean } {
  const v = member(obj, name);
  if (v instanceof Uint8Array) {
    if (v.length === 0) throw malformed(`${path}${name}`, 'empty');
    return { bytes: v.slice(), sdk: true };
  }
  if (v === undefined) throw malformed(`${path}${name}`, 'missing member');
  if (typeof v !== 'string') throw malformed(`${path}${name}`, 'expected a base64 string');
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(v);
  } catch {
    throw malformed(`${path}${name}`, 'not standard base64 with padding (RFC 4648 §4)');
  }
  if (bytes.length === 0) throw malformed(`${path}${name}`, 'empty');
  return { bytes, sdk: false };
}

/** Prefixes the JSON member a structure error was found in ("publicKey.pem > PEM: …"). */
function within(e: unknown, prefix: string): unknown {
  if (!(e instanceof ByokError) || e.path === undefined) return e;
  const path = `${prefix} > ${e.path}`;
  return new ByokError(e.code, e.message.replace(e.path, path), { path, cause: e.cause });
}

/** The PEM public key a JSON member holds (Google Cloud, OCI, Vault). */
export function pemMember(text: string, path: string, advice: KekAdvice, source: KekSource): ParsedKek {
  try {
    return { key: fromPem(text, advice).key, source };
  } catch (e) {
    throw within(e, path);
  }
}

/** The DER SubjectPublicKeyInfo a JSON member holds (AWS PublicKey). */
export function derMember(der: Uint8Array, path: string, advice: KekAdvice, source: KekSource): ParsedKek {
  try {
    return { key: fromDer(der, 'SubjectPublicKeyInfo', 'spki', advice).key, source };
  } catch (e) {
    throw within(e, path);
  }
}

/**
 * What every cloud's reader does: refuse a kid (only Azure KEKs have one), take the input apart (the cloud's
 * JSON through `fromJson`, or PEM/DER), build the KEK with the size floor. `json` is what `fromJson` returned,
 * undefined for a bare public key.
 */
export function readCloudKek<T extends ParsedKek>(
  input: unknown, opts: ReadWrappingKeyOptions, cloud: Exclude<Cloud, 'azure'>,
  fromJson: (obj: Record<string, unknown>) => T, what: string, advice: KekAdvice,
): { kek: Kek; json: T | undefined } {
  if (typeof opts !== 'object' || opts === null) throw new ByokError('INVALID_ARGUMENT', `"opts" expected an object, got ${opts === null ? 'null' : typeof opts}`);
  if (opts.kid !== undefined) throw new ByokError('INVALID_ARGUMENT', `a kid names an Azure KEK; ${CLOUD_NAMES[cloud]} wrapping keys have none`);
  const parsed = parseKekInput(input, fromJson, what, advice);
  return { kek: cloudKek(parsed, cloud), json: parsed.source.startsWith(`${cloud}-`) ? (parsed as T) : undefined };
}

/** buildKek, then the size floor every cloud shares. */
export function cloudKek(parsed: ParsedKek, cloud: Cloud): Kek {
  const kek = buildKek(parsed);
  if (kek.bits < MIN_WRAPPING_KEY_BITS) {
    throw new ByokError(
      'KEK_UNSUPPORTED_SIZE',
      `the wrapping key is RSA-${kek.bits}; ${CLOUD_NAMES[cloud]} issues RSA wrapping keys of ${MIN_WRAPPING_KEY_BITS} bits or more, so this is not the key it issued: download the wrapping key again`,
    );
  }
  return kek;
}

/**
 * The validity record: an expiry judged against `now`, a state compared with the one the service calls
 * usable. `renew` says how to get a fresh key.
 */
export function validityOf(args: { expiresAt?: Date; state?: string; usableState?: string; now?: Date; what: string; renew: string }): WrappingKeyValidity {
  const warnings: string[] = [];
  const now = args.now ?? new Date();
  if (args.state !== undefined && args.usableState !== undefined && args.state !== args.usableState) {
    warnings.push(`${args.what} is ${args.state}, not ${args.usableState}: ${args.renew}`);
  }
  if (args.expiresAt !== undefined && args.expiresAt.getTime() <= now.getTime()) {
    warnings.push(`${args.what} expired at ${args.expiresAt.toISOString()} by this machine's clock (now ${now.toISOString()}); if the clock is right: ${args.renew}`);
  }
  return {
    ...(args.expiresAt === undefined ? {} : { expiresAt: args.expiresAt }),
    ...(args.state === undefined ? {} : { state: args.state }),
    warnings,
  };
}
