// readWrappingKey: any cloud's key-exchange ("wrapping") key. A cloud's JSON says which cloud it is (detect.ts);
// a bare PEM/DER public key does not, so it is read for `opts.cloud` (default Azure, as `readKek` always did).
import { ByokError } from '../errors.js';
import { withoutBom, bytesToText } from '../keys/pem.js';
import { isPrintableText } from '../keys/raw.js';
import { readAwsWrappingKey } from './aws.js';
import { cloudKek } from './cloud-json.js';
import { detectCloud, isRecord, wrongCloud } from './detect.js';
import { readGcpWrappingKey } from './gcp.js';
import { readOciWrappingKey } from './oci.js';
import { readKek } from './read.js';
import { CLOUDS, type Cloud, type Kek, type ReadWrappingKeyOptions, type WrappingKey } from './types.js';
import { readVaultWrappingKey } from './vault.js';

/** The parsed JSON object of the input, when it is one (bytes or text starting with "{"), else undefined. */
function jsonObject(input: unknown): Record<string, unknown> | undefined {
  if (isRecord(input)) return input;
  let text: string | undefined;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    const b = withoutBom(input);
    if (isPrintableText(b)) text = bytesToText(b);
  }
  const t = text?.trim();
  if (t === undefined || !t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined; // the cloud's reader reports the JSON error
  }
}

/** The cloud a wrapping-key input comes from, when it says so (a cloud's JSON); undefined for PEM/DER. */
export function wrappingKeyCloud(input: Uint8Array | string | object): Cloud | undefined {
  const obj = jsonObject(input);
  return obj === undefined ? undefined : detectCloud(obj);
}

/** UNSUPPORTED_CLOUD unless `cloud` is one of CLOUDS: the one check of a cloud name the callers pass. */
export function checkCloud(cloud: unknown): asserts cloud is Cloud {
  if (typeof cloud !== 'string' || !(CLOUDS as readonly string[]).includes(cloud)) {
    throw new ByokError('UNSUPPORTED_CLOUD', `"cloud" expected one of ${CLOUDS.join(', ')}, got ${typeof cloud === 'string' ? JSON.stringify(cloud.slice(0, 20)) : typeof cloud}`);
  }
}

/**
 * Reads a cloud's wrapping key: the JSON its CLI prints (the cloud is inferred, and must agree with
 * `opts.cloud` when given: KEK_WRONG_CLOUD otherwise) or a PEM/DER public key for `opts.cloud` (Azure by
 * default). Returns the KEK with the cloud, what the source says about it and its validity.
 */
export function readWrappingKey(input: Uint8Array | string | object, opts: ReadWrappingKeyOptions = {}): WrappingKey {
  if (typeof opts !== 'object' || opts === null) throw new ByokError('INVALID_ARGUMENT', '"opts" expected an object');
  if (opts.cloud !== undefined) checkCloud(opts.cloud);
  if (opts.now !== undefined && !(opts.now instanceof Date && !Number.isNaN(opts.now.getTime()))) {
    throw new ByokError('INVALID_ARGUMENT', '"now" expected a valid Date');
  }
  const found = wrappingKeyCloud(input);
  if (found !== undefined && opts.cloud !== undefined && found !== opts.cloud) throw wrongCloud(found, opts.cloud);
  const cloud = found ?? opts.cloud ?? 'azure';
  switch (cloud) {
    case 'aws': return readAwsWrappingKey(input, opts);
    case 'gcp': return readGcpWrappingKey(input, opts);
    case 'oci': return readOciWrappingKey(input, opts);
    case 'vault': return readVaultWrappingKey(input, opts);
    default: {
      const kek = readKek(input, opts.kid === undefined ? {} : { kid: opts.kid });
      return { ...kek, cloud: 'azure', validity: { warnings: [] } };
    }
  }
}

const BARE_SOURCES: readonly string[] = ['spki-pem', 'spki-der', 'pkcs1-pem', 'pkcs1-der', 'x509'];

function isKekRecord(x: unknown): x is Kek {
  if (typeof x !== 'object' || x === null) return false;
  const k = x as Partial<Kek>;
  return k.n instanceof Uint8Array && k.e instanceof Uint8Array && k.spki instanceof Uint8Array && typeof k.bits === 'number' && typeof k.source === 'string';
}

/**
 * The wrapping key for `cloud` from anything a caller may hold: a WrappingKey of that cloud; a bare public key
 * read earlier (readKek or readWrappingKey of a PEM/DER, which carries no cloud), taken as `cloud`'s; or any
 * input readWrappingKey reads. Another cloud's key is KEK_WRONG_CLOUD.
 */
export function toWrappingKey(input: unknown, cloud: Cloud, opts: Omit<ReadWrappingKeyOptions, 'cloud'> = {}): WrappingKey {
  if (isKekRecord(input)) {
    const have = (input as Partial<WrappingKey>).cloud;
    if (have === cloud && (input as Partial<WrappingKey>).validity !== undefined) return input as WrappingKey;
    if (!BARE_SOURCES.includes(input.source)) throw wrongCloud(have ?? 'azure', cloud);
    if (cloud === 'azure') return { ...input, cloud: 'azure', validity: { warnings: [] } };
    const kek = cloudKek({ key: { n: input.n, e: input.e }, source: input.source }, cloud);
    const validity = { warnings: [] };
    switch (cloud) {
      case 'aws': return { ...kek, cloud, validity, aws: {} };
      case 'gcp': return { ...kek, cloud, validity, gcp: {} };
      case 'oci': return { ...kek, cloud, validity, oci: {} };
      default: return { ...kek, cloud, validity, vault: {} };
    }
  }
  if (typeof input !== 'string' && !(input instanceof Uint8Array) && !isRecord(input)) {
    throw new ByokError('INVALID_ARGUMENT', `"kek" expected a wrapping key (readWrappingKey), its file's bytes or text, or its JSON object, got ${input === null ? 'null' : typeof input}`);
  }
  return readWrappingKey(input, { ...opts, cloud });
}
