// OCI Vault wrapping key: what `oci kms management wrapping-key get --endpoint <management endpoint>` prints
// (the WrappingKey resource under "data", members in the CLI's kebab-case), the REST/SDK WrappingKey
// (camelCase), or the bare PEM public key. byok-formats.md §2.3.
//
//   { "data": { "compartment-id": "ocid1.tenancy…", "id": "ocid1.key…", "lifecycle-state": "ENABLED",
//               "public-key": "-----BEGIN PUBLIC KEY-----\n…", "time-created": "2023-03-01T10:11:12.345000+00:00",
//               "vault-id": "ocid1.vault…" } }
import { expectCloud, malformed, member, optionalRecord, optionalString, pemMember, readCloudKek, validityOf } from './cloud-json.js';
import type { KekAdvice, ParsedKek } from './read.js';
import { parseTimestamp } from './timestamps.js';
import type { OciWrappingKey, ReadWrappingKeyOptions } from './types.js';

export const OCI_ADVICE: KekAdvice = {
  rsa: 'an OCI Vault wrapping key is an RSA public key: get it with oci kms management wrapping-key get --endpoint <vault management endpoint>',
  download: 'it is the data["public-key"] that oci kms management wrapping-key get prints',
};

const OCID = /^ocid1\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9-]*\.[a-z0-9._-]+$/i;

interface OciParsed extends ParsedKek {
  oci: OciWrappingKey['oci'];
}

function fromJson(obj: Record<string, unknown>): OciParsed {
  expectCloud(obj, 'oci');
  const data = optionalRecord(obj, 'data', '');
  const root = data ?? obj;
  const prefix = data === undefined ? '' : 'data.';
  // The CLI prints kebab-case, the REST API and SDKs camelCase; one input uses one spelling.
  const kebab = member(root, 'public-key') !== undefined || member(root, 'publicKey') === undefined;
  const name = (k: string): string => (kebab ? k : k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  const pem = optionalString(root, name('public-key'), prefix);
  if (pem === undefined) throw malformed(`${prefix}${name('public-key')}`, 'missing member');
  const parsed = pemMember(pem, `${prefix}${name('public-key')}`, OCI_ADVICE, 'oci-json');
  const ocid = (k: string): string | undefined => {
    const v = optionalString(root, name(k), prefix);
    if (v !== undefined && !OCID.test(v)) throw malformed(`${prefix}${name(k)}`, `${JSON.stringify(v.slice(0, 100))} is not an OCID`);
    return v;
  };
  const keyId = ocid('id');
  const vaultId = ocid('vault-id');
  const compartmentId = ocid('compartment-id');
  const lifecycleState = optionalString(root, name('lifecycle-state'), prefix);
  const created = member(root, name('time-created'));
  return {
    ...parsed,
    oci: {
      ...(keyId === undefined ? {} : { keyId }),
      ...(vaultId === undefined ? {} : { vaultId }),
      ...(compartmentId === undefined ? {} : { compartmentId }),
      ...(lifecycleState === undefined ? {} : { lifecycleState }),
      ...(created === undefined ? {} : { timeCreated: parseTimestamp(created, `${prefix}${name('time-created')}`) }),
    },
  };
}

const WHAT = 'the JSON of oci kms management wrapping-key get, or its PEM public key';

/** Reads an OCI Vault wrapping key (MALFORMED_KEK naming the member, KEK_NOT_RSA, KEK_UNSUPPORTED_SIZE). */
export function readOciWrappingKey(input: Uint8Array | string | object, opts: ReadWrappingKeyOptions = {}): OciWrappingKey {
  const { kek, json } = readCloudKek(input, opts, 'oci', fromJson, WHAT, OCI_ADVICE);
  const oci = json?.oci ?? {};
  const validity = validityOf({
    ...(oci.lifecycleState === undefined ? {} : { state: oci.lifecycleState, usableState: 'ENABLED' }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    what: 'the wrapping key',
    renew: 'check the vault (oci kms management vault get) and download the wrapping key again',
  });
  return { ...kek, cloud: 'oci', validity, oci };
}
