// `byok wrap --for aws|gcp|oci|vault`: the options each cloud's plan takes from the command line, where its
// files go, and what is printed. The wrap itself (plan, parts, completion) is wrap.ts's, as for Azure.
import { unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { base64 } from '@scure/base';
import { ByokError } from '../../errors.js';
import { CLOUD_NAMES, type Cloud, type WrappingKey } from '../../kek/index.js';
import { checkWrappingKeyFor, type CloudWrapResult, type WrapOptions } from '../../transfer/index.js';
import { namedWrapOptions } from '../../transfer/cloud-options.js';
import { str, type ArgValues } from '../args.js';
import { kv, type Ctx } from '../context.js';
import { exists, writeFileAtomic } from '../files.js';

export type OtherCloud = Exclude<Cloud, 'azure'>;

/** The extension of each cloud's file (`byok wrap` default output, `byok batch` outputs). */
export const CLOUD_EXTENSIONS: Readonly<Record<OtherCloud, string>> = { aws: '.aws.bin', gcp: '.gcp.bin', oci: '.oci.json', vault: '.vault.b64' };

/** Default output: the key file's name with the cloud's extension, beside it. */
export function defaultCloudOut(keyPath: string, cloud: OtherCloud): string {
  return join(dirname(keyPath), `${basename(keyPath, extname(keyPath))}${CLOUD_EXTENSIONS[cloud]}`);
}

/** AWS: the ImportToken goes beside the EncryptedKeyMaterial, `x.aws.bin` → `x.aws.ImportToken.bin`. */
export function tokenPathFor(out: string): string {
  return join(dirname(out), `${basename(out, extname(out))}.ImportToken.bin`);
}

/**
 * The wrapping key's own checks and the algorithm name, before the key file is read (perhaps with a password
 * prompt): the checks prepareWrap makes first.
 */
export function checkKekStage(cloud: OtherCloud, kek: WrappingKey, algorithm: string | undefined): void {
  checkWrappingKeyFor(cloud, kek, algorithm === undefined ? {} : { algorithm });
}

export interface CloudOutputs {
  /** The file to submit, or '-' for stdout. */
  readonly out: string;
  /** AWS: where the ImportToken of the JSON is written (undefined: no token in the input, or --import-token given). */
  readonly tokenOut?: string;
  /** AWS: the token file the import command names. */
  readonly tokenPath?: string;
}

/** Where the files go; refuses an output that cannot be written before anything is read or made. */
/** Where the outputs go: --out, else `defaultOut` (beside the key file, or named after a token key's label). */
export function cloudOutputs(cloud: OtherCloud, kek: WrappingKey, defaultOut: string, values: ArgValues, force: boolean): CloudOutputs {
  const out = str(values, 'out') ?? defaultOut;
  const given = str(values, 'import-token');
  if (cloud !== 'aws' || given !== undefined) return { out, ...(given === undefined ? {} : { tokenPath: given }) };
  if (kek.cloud !== 'aws' || kek.aws.importToken === undefined) return { out };
  if (out === '-') throw new ByokError('USAGE', "--out - cannot carry the ImportToken as well: give --out FILE (the token is written beside it)");
  const tokenOut = tokenPathFor(out);
  if (!force) {
    for (const p of [out, tokenOut]) {
      if (exists(p)) throw new ByokError('FILE_EXISTS', `${JSON.stringify(p)} already exists: choose another --out or add --force to replace it`);
    }
  }
  return { out, tokenOut, tokenPath: tokenOut };
}

/** prepareWrap's options for the cloud, from the command line. */
export function cloudWrapOptions(cloud: OtherCloud, values: ArgValues, o: CloudOutputs): WrapOptions {
  const get = (k: string): { [x: string]: string } => {
    const v = str(values, k);
    return v === undefined ? {} : { [k === 'key-id' ? 'keyId' : k === 'key-algorithm' ? 'keyAlgorithm' : k]: v };
  };
  return namedWrapOptions(cloud, {
    ...get('algorithm'), ...get('name'), ...get('key-id'), ...get('key-algorithm'),
    ...(o.out === '-' ? {} : { path: o.out }), ...(o.tokenPath === undefined ? {} : { tokenPath: o.tokenPath }),
  });
}

/**
 * Writes the cloud's file (and AWS's ImportToken beside it) atomically; when the second write fails the first
 * file is removed, so an error never leaves half a result.
 */
export async function writeCloudOutputs(r: CloudWrapResult, o: CloudOutputs, force: boolean, ctx: Ctx): Promise<void> {
  if (o.out === '-') {
    ctx.stdoutCarriesData();
    await ctx.writeData(r.bytes);
    return;
  }
  const token = r.cloud === 'aws' ? r.importToken : undefined;
  if (o.tokenOut === undefined || token === undefined) {
    writeFileAtomic(o.out, r.bytes, { force });
    return;
  }
  writeFileAtomic(o.tokenOut, token, { force });
  try {
    writeFileAtomic(o.out, r.bytes, { force });
  } catch (e) {
    try {
      unlinkSync(o.tokenOut);
    } catch {
      /* the original error matters */
    }
    throw e;
  }
}

/** Uint8Arrays as standard base64 and Dates as ISO strings, for --json. */
function jsonSafe(v: unknown): unknown {
  if (v instanceof Uint8Array) return base64.encode(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

function sdkArgument(r: CloudWrapResult): unknown {
  switch (r.cloud) {
    case 'aws': return r.sdkInput;
    case 'gcp': return r.sdkRequest;
    case 'oci': return r.sdkDetails;
    default: return r.httpBody;
  }
}

const SDK_CALLS: Readonly<Record<OtherCloud, string>> = {
  aws: '@aws-sdk/client-kms ImportKeyMaterialCommand input (blobs in base64)',
  gcp: '@google-cloud/kms importCryptoKeyVersion request (wrappedKey in base64)',
  oci: 'OCI SDK KmsManagementClient.importKey importKeyDetails',
  vault: 'POST /v1/<mount>/keys/<name>/import body',
};

/** Prints the summary and the import command; returns the --json object. */
export function reportCloudWrap(r: CloudWrapResult, o: CloudOutputs, ctx: Ctx, pairwise: boolean): Record<string, unknown> {
  const s = r.summary;
  const k = s.kek;
  const validity = [k.state === undefined ? '' : `state ${k.state}`, k.expiresAt === undefined ? '' : `valid to ${k.expiresAt}`].filter((x) => x !== '').join(', ');
  for (const line of kv([
    ['Destination', `${CLOUD_NAMES[r.cloud]}, ${r.algorithm}`],
    ['', s.scheme],
    ['Wrapping key', `RSA ${k.bits}${k.id === undefined ? '' : `, ${k.id}`}${validity === '' ? '' : ` (${validity})`}`],
    ['', `SHA-256 fingerprint ${k.fingerprint}`],
    ['Target', `${s.target.label} (read as ${s.target.format})${pairwise ? ', pairwise test passed' : ''}`],
    ['Import as', s.target.importAs],
    ['Wrote', o.out === '-' ? 'stdout' : `${o.out} (${r.bytes.length} bytes, mode 0600)`],
    ...(o.tokenOut === undefined || r.cloud !== 'aws' || r.importToken === undefined ? [] : [['', `${o.tokenOut} (the ImportToken, ${r.importToken.length} bytes)`] as [string, string]]),
  ])) ctx.say(line);
  ctx.say();
  ctx.say('Compare the fingerprint with the one the cloud shows for the wrapping key, then import:');
  ctx.say(`  ${r.command}`);
  for (const w of r.warnings) ctx.warn(w);
  if (r.cloud === 'aws' && r.importToken === undefined && o.tokenPath === undefined) {
    ctx.warn('the wrapping key came without its ImportToken: import with the token of the same get-parameters-for-import response (--import-token FILE names it in the command)');
  }
  return {
    cloud: r.cloud,
    algorithm: r.algorithm,
    scheme: s.scheme,
    out: o.out === '-' ? null : o.out,
    importToken: o.tokenPath ?? null,
    bytes: r.bytes.length,
    kek: k,
    target: s.target,
    pairwiseTest: pairwise,
    warnings: r.warnings,
    command: r.command,
    sdk: { call: SDK_CALLS[r.cloud], argument: jsonSafe(sdkArgument(r)) },
  };
}
