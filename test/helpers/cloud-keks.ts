// Wrapping-key files as each cloud's CLI prints them, made from a test key pair at test time (no fixture is
// committed). Field names, nesting, member order, indentation, PEM line layout and timestamp spelling follow
// the CLIs' real output:
//   AWS CLI     `aws kms get-parameters-for-import`: json.dumps(indent=4) of the response shape's members in
//               order (KeyId, ImportToken, PublicKey, ParametersValidTo); blobs as base64; the timestamp as the
//               wire's epoch seconds (v1, or v2 with cli_timestamp_format wire: 1593893322.32) or Python
//               isoformat with the local offset (v2 default: "2020-07-04T13:08:42.320000-07:00").
//               Sources: aws/aws-cli awscli/examples/kms/get-parameters-for-import.rst, tests/functional/test_timeformat.py.
//   gcloud      `gcloud kms import-jobs describe --format=json`: members sorted, indent 2, RFC 3339 "Z" timestamps
//               with nanoseconds, publicKey.pem with "\n" line ends, the HSM attestation with its certificate
//               chains (more PEM inside the JSON). Source: googleapis resources.proto ImportJob.
//   OCI CLI     `oci kms management wrapping-key get`: {"data": {...}} with kebab-case members, sorted, indent 2,
//               isoformat timestamps, the PEM without a final newline. Source: oci-python-sdk WrappingKey.
//   Vault CLI   `vault read -format=json transit/wrapping_key`: the api.Secret envelope in struct order
//               (request_id, lease_id, lease_duration, renewable, data, warnings, mount_type), indent 2, the PEM of
//               Go's pem.EncodeToMemory. Source: hashicorp/vault api/secret.go, builtin/logical/transit.
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';

const pemOf = (pub: KeyObject): string => pub.export({ type: 'spki', format: 'pem' }) as string;
const derOf = (pub: KeyObject): Buffer => pub.export({ type: 'spki', format: 'der' });

export const AWS_KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Python's datetime.isoformat(): microseconds when nonzero, the offset as ±HH:MM. */
export function pythonIsoformat(d: Date, offsetMinutes: number): string {
  const local = new Date(d.getTime() + offsetMinutes * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const us = local.getUTCMilliseconds() * 1000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())}T${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}` +
    `${us === 0 ? '' : `.${p(us, 6)}`}${sign}${p(Math.floor(off / 60))}:${p(off % 60)}`;
}

export interface AwsParams {
  readonly json: string;
  readonly importToken: Buffer;
  readonly validTo: Date;
}

/** `aws kms get-parameters-for-import` output. `format`: 'v1' epoch seconds, 'v2' isoformat at `offsetMinutes`. */
export function awsCliJson(pub: KeyObject, opts: { format?: 'v1' | 'v2'; validTo?: Date; offsetMinutes?: number; keyId?: string } = {}): AwsParams {
  const validTo = opts.validTo ?? new Date(Math.round(Date.now() / 10) * 10 + 24 * 3600_000);
  const importToken = randomBytes(1136); // an import token is an opaque blob of about a kilobyte
  const stamp = opts.format === 'v2' ? pythonIsoformat(validTo, opts.offsetMinutes ?? 0) : validTo.getTime() / 1000;
  const json = JSON.stringify({
    KeyId: opts.keyId ?? AWS_KEY_ARN,
    ImportToken: importToken.toString('base64'),
    PublicKey: derOf(pub).toString('base64'),
    ParametersValidTo: stamp,
  }, null, 4);
  return { json, importToken, validTo };
}

export const GCP_JOB = 'projects/contoso-prod/locations/us-east1/keyRings/byok-ring/importJobs/byok-job-1';

/** RFC 3339 with nine fractional digits, as Google's APIs print protobuf Timestamps. */
export function googleTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}Z`);
}

function fakeCertificate(): string {
  const body = randomBytes(420).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** `gcloud kms import-jobs describe --format=json` of an ImportJob. */
export function gcloudImportJobJson(pub: KeyObject | undefined, opts: { method: string; state?: string; expireTime?: Date; protectionLevel?: string; name?: string }): string {
  const created = new Date(Date.now() - 3600_000);
  const state = opts.state ?? 'ACTIVE';
  const hsm = (opts.protectionLevel ?? 'HSM') === 'HSM';
  const job: Record<string, unknown> = {
    ...(hsm && pub !== undefined ? {
      attestation: {
        certChains: { caviumCerts: [fakeCertificate(), fakeCertificate()], googleCardCerts: [fakeCertificate()], googlePartitionCerts: [fakeCertificate()] },
        content: randomBytes(600).toString('base64'),
        format: 'CAVIUM_V2_COMPRESSED',
      },
    } : {}),
    createTime: googleTimestamp(created),
    ...(state === 'EXPIRED' ? { expireEventTime: googleTimestamp(opts.expireTime ?? new Date()) } : {}),
    expireTime: googleTimestamp(opts.expireTime ?? new Date(created.getTime() + 3 * 24 * 3600_000)),
    ...(pub !== undefined ? { generateTime: googleTimestamp(new Date(created.getTime() + 2000)) } : {}),
    importMethod: opts.method,
    name: opts.name ?? GCP_JOB,
    protectionLevel: opts.protectionLevel ?? 'HSM',
    ...(pub !== undefined ? { publicKey: { pem: pemOf(pub) } } : {}),
    state,
  };
  return JSON.stringify(job, null, 2);
}

export const OCI_IDS = {
  key: 'ocid1.key.oc1.iad.bbpsjnz7aaeuk.abuwcljtqwwuvl5zzl2ukyvcd3nlvpzvqxsnnyscsf2p7xtvaesqvzugbsta',
  vault: 'ocid1.vault.oc1.iad.bbpsjnz7aaeuk.abuwcljrb7sfh4ncqulhqt3qm4zlrc4ya5pqpjbqpxhoxxglqigvgx3kmxeq',
  compartment: 'ocid1.compartment.oc1..aaaaaaaa4vl7m7hqcpuqwg4t7ag5jqxigs2o3bj3ubxkhm5uw6uy7t6bnyoq',
};

/** `oci kms management wrapping-key get` output. */
export function ociCliJson(pub: KeyObject, opts: { lifecycleState?: string } = {}): string {
  const created = new Date(Date.now() - 90 * 24 * 3600_000);
  return JSON.stringify({
    data: {
      'compartment-id': OCI_IDS.compartment,
      id: OCI_IDS.key,
      'lifecycle-state': opts.lifecycleState ?? 'ENABLED',
      'public-key': pemOf(pub).trimEnd(),
      'time-created': pythonIsoformat(created, 0),
      'vault-id': OCI_IDS.vault,
    },
  }, null, 2);
}

/** `vault read -format=json transit/wrapping_key` output. */
export function vaultCliJson(pub: KeyObject): string {
  return JSON.stringify({
    request_id: randomUUID(),
    lease_id: '',
    lease_duration: 0,
    renewable: false,
    data: { public_key: pemOf(pub) },
    warnings: null,
    mount_type: 'transit',
  }, null, 2);
}
