// HashiCorp Vault / OpenBao transit wrapping key: what `vault read -format=json transit/wrapping_key` prints
// (the API response envelope, the same as `GET /v1/transit/wrapping_key`), or the bare PEM public key
// (`vault read -field=public_key transit/wrapping_key`). byok-formats.md §2.4.
//
//   { "request_id": "…", "lease_id": "", "lease_duration": 0, "renewable": false,
//     "data": { "public_key": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n" }, "warnings": null,
//     "mount_type": "transit" }
import { expectCloud, malformed, optionalRecord, optionalString, pemMember, readCloudKek, validityOf } from './cloud-json.js';
import type { KekAdvice, ParsedKek } from './read.js';
import type { ReadWrappingKeyOptions, VaultWrappingKey } from './types.js';

export const VAULT_ADVICE: KekAdvice = {
  rsa: 'a Vault transit wrapping key is an RSA-4096 public key: get it with vault read -format=json transit/wrapping_key',
  download: 'it is the data.public_key that vault read -format=json transit/wrapping_key prints',
};

interface VaultParsed extends ParsedKek {
  vault: VaultWrappingKey['vault'];
}

function fromJson(obj: Record<string, unknown>): VaultParsed {
  expectCloud(obj, 'vault');
  const data = optionalRecord(obj, 'data', '');
  const root = data ?? obj;
  const prefix = data === undefined ? '' : 'data.';
  const pem = optionalString(root, 'public_key', prefix);
  if (pem === undefined) throw malformed(`${prefix}public_key`, 'missing member');
  const parsed = pemMember(pem, `${prefix}public_key`, VAULT_ADVICE, 'vault-json');
  const requestId = optionalString(obj, 'request_id', '');
  const mountType = optionalString(obj, 'mount_type', '');
  return {
    ...parsed,
    vault: { ...(requestId === undefined ? {} : { requestId }), ...(mountType === undefined ? {} : { mountType }) },
  };
}

const WHAT = 'the JSON of vault read -format=json transit/wrapping_key, or its PEM public key';

/** Reads a Vault transit wrapping key (MALFORMED_KEK naming the member, KEK_NOT_RSA, KEK_UNSUPPORTED_SIZE). */
export function readVaultWrappingKey(input: Uint8Array | string | object, opts: ReadWrappingKeyOptions = {}): VaultWrappingKey {
  const { kek, json } = readCloudKek(input, opts, 'vault', fromJson, WHAT, VAULT_ADVICE);
  const vault = json?.vault ?? {};
  const validity = validityOf({ ...(opts.now === undefined ? {} : { now: opts.now }), what: 'the wrapping key', renew: '' });
  return { ...kek, cloud: 'vault', validity, vault };
}
