// The options of a wrap for another cloud from what a user gives a command line or the page: one key name
// (Google's and Vault's key, OCI's display name), the file the output is saved as (named by the import
// command), and AWS's key id and token file. Internal: the CLI and the browser page share it.
import type { Cloud } from '../kek/index.js';
import type { WrapOptions } from './cloud-wrap.js';

export interface NamedWrapInput {
  readonly algorithm?: string;
  readonly name?: string;
  /** The output file, as the import command should name it. */
  readonly path?: string;
  /** AWS: the ImportToken file the command names. */
  readonly tokenPath?: string;
  /** AWS: the KMS key, when the wrapping key came without it. */
  readonly keyId?: string;
  /** Google: the CryptoKeyVersionAlgorithm to import as. */
  readonly keyAlgorithm?: string;
}

export function namedWrapOptions(cloud: Exclude<Cloud, 'azure'>, i: NamedWrapInput): WrapOptions {
  const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> => (v === undefined ? {} : ({ [k]: v } as Record<K, string>));
  const common = opt('algorithm', i.algorithm);
  switch (cloud) {
    case 'aws': return { ...common, ...opt('keyId', i.keyId), ...opt('materialPath', i.path), ...opt('tokenPath', i.tokenPath) };
    case 'gcp': return { ...common, ...opt('keyName', i.name), ...opt('keyAlgorithm', i.keyAlgorithm), ...opt('wrappedKeyPath', i.path) };
    case 'oci': return { ...common, ...opt('displayName', i.name), ...opt('wrappedKeyPath', i.path) };
    default: return { ...common, ...opt('keyName', i.name), ...opt('ciphertextPath', i.path) };
  }
}
