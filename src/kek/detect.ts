// Which cloud a wrapping-key JSON comes from, by the members each cloud's CLI and API print (see the reader of
// each cloud): a JSON of another cloud than the one asked for is refused naming the cloud it is.
import { ByokError } from '../errors.js';
import { CLOUD_NAMES, type Cloud } from './types.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

const has = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The cloud whose wrapping-key JSON (or SDK object) this is, or undefined when none matches. */
export function detectCloud(obj: Record<string, unknown>): Cloud | undefined {
  // AWS: GetParametersForImport response (CLI JSON or SDK v3 output), PascalCase members.
  if (has(obj, 'ImportToken') || (has(obj, 'PublicKey') && (has(obj, 'KeyId') || has(obj, 'ParametersValidTo')))) return 'aws';
  // Google Cloud: ImportJob, camelCase, publicKey is an object {pem}.
  if (has(obj, 'importMethod') || (isRecord(obj['publicKey']) && has(obj['publicKey'], 'pem'))) return 'gcp';
  if (typeof obj['name'] === 'string' && /\/importJobs\//.test(obj['name'])) return 'gcp';
  // Vault: the response envelope {request_id, …, data: {public_key}} (CLI and HTTP alike).
  const data = obj['data'];
  if (isRecord(data) && has(data, 'public_key')) return 'vault';
  if (has(obj, 'public_key') || obj['mount_type'] === 'transit') return 'vault';
  // OCI: CLI {data: {"public-key", "vault-id", …}} in kebab-case, REST/SDK WrappingKey in camelCase.
  if (isRecord(data) && (has(data, 'public-key') || has(data, 'vault-id'))) return 'oci';
  if (has(obj, 'public-key') || (typeof obj['publicKey'] === 'string' && (has(obj, 'vaultId') || has(obj, 'compartmentId')))) return 'oci';
  // Azure: az keyvault key show / REST {key: {kty, n, e}}, a bare JWK, an SDK KeyVaultKey.
  if (isRecord(obj['key']) || has(obj, 'kty')) return 'azure';
  return undefined;
}

/** The refusal for a wrapping-key file of another cloud. */
export function wrongCloud(found: Cloud, wanted: Cloud): ByokError {
  return new ByokError(
    'KEK_WRONG_CLOUD',
    `this wrapping-key file comes from ${CLOUD_NAMES[found]}, not ${CLOUD_NAMES[wanted]}: wrap for ${found} (--for ${found}; wrapFor('${found}', …) in the library), or give the ${CLOUD_NAMES[wanted]} wrapping key`,
  );
}
