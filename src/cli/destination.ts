// `--for CLOUD` and the wrapping-key file of any cloud, for wrap, unwrap, verify, kek and batch. A cloud's
// JSON says which cloud it is; a bare PEM/DER public key does not, and is Azure's unless --for says otherwise.
import { ByokError } from '../errors.js';
import { CLOUDS, readWrappingKey, wrappingKeyCloud, type Cloud, type WrappingKey } from '../kek/index.js';
import { wrongCloud } from '../kek/detect.js';
import { str, type ArgValues, type CommandSpec, type OptionSpec } from './args.js';
import { readInputFile } from './files.js';
import { aboutFile } from './inputs.js';

export const FOR_OPTION: Readonly<Record<string, OptionSpec>> = {
  for: { type: 'string', arg: 'CLOUD', help: "destination: azure (default), aws, gcp, oci or vault;\ninferred from a cloud's wrapping-key JSON when absent" },
};

export const ALGORITHM_HELP =
  "the cloud's name of the wrapping algorithm: AWS (required) RSAES_OAEP_SHA_1,\n" +
  'RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256; Google an\n' +
  "import method (the job's when its JSON is given); OCI RSA_OAEP_AES_SHA256\n" +
  '(default), RSA_OAEP_SHA256; Vault the hash_function SHA1 … SHA512 (default SHA256)';

/** The --for value, checked; undefined when absent. */
export function cloudOption(spec: CommandSpec, values: ArgValues): Cloud | undefined {
  const v = str(values, 'for');
  if (v === undefined) return undefined;
  const c = v.toLowerCase();
  if (!(CLOUDS as readonly string[]).includes(c)) {
    throw new ByokError('USAGE', `--for must be one of ${CLOUDS.join(', ')}, got ${JSON.stringify(v.slice(0, 20))}: see 'byok ${spec.name} --help'`);
  }
  return c as Cloud;
}

/** The wrapping-key file's bytes, or undefined when it cannot be read (the reader that follows says why). */
function peek(path: string): Uint8Array | undefined {
  try {
    const b = readInputFile(path, 'KEK file', 1024 * 1024);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch {
    return undefined;
  }
}

/**
 * The destination of a command: --for, else the cloud a wrapping-key JSON comes from, else Azure. A JSON of
 * another cloud than --for names is KEK_WRONG_CLOUD, naming the cloud it is.
 */
export function destinationOf(spec: CommandSpec, values: ArgValues, kekPath: string | undefined): Cloud {
  const requested = cloudOption(spec, values);
  const bytes = kekPath === undefined ? undefined : peek(kekPath);
  const found = bytes === undefined ? undefined : wrappingKeyCloud(bytes);
  if (requested !== undefined && found !== undefined && found !== requested) {
    throw aboutFile(wrongCloud(found, requested), requested === 'azure' ? 'KEK file' : 'wrapping-key file', kekPath as string);
  }
  return requested ?? found ?? 'azure';
}

/** A wrapping-key file for AWS, Google Cloud, OCI or Vault: the cloud's JSON, or a PEM/DER public key. */
export function readCloudKekFile(path: string, cloud: Exclude<Cloud, 'azure'>): WrappingKey {
  const bytes = readInputFile(path, 'wrapping-key file', 1024 * 1024);
  try {
    return readWrappingKey(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { cloud });
  } catch (e) {
    throw aboutFile(e, 'wrapping-key file', path);
  }
}

/** Options that only mean something for some destinations: refused for the others, so nothing is silently ignored. */
export function refuseOptions(spec: CommandSpec, values: ArgValues, cloud: Cloud, names: readonly string[], forWhat: string): void {
  for (const n of names) {
    if (values[n] !== undefined) {
      throw new ByokError('USAGE', `--${n} is for ${forWhat}, and this ${spec.name} is for ${cloud}${values['for'] === undefined ? ' (no --for, and the KEK file names no other cloud): drop it, or give --for' : ': drop it'} (see 'byok ${spec.name} --help')`);
    }
  }
}
