// Google Cloud KMS wrapping key: an ImportJob as `gcloud kms import-jobs describe JOB --location L --keyring R
// --format=json` prints it (the REST ImportJob resource, camelCase), or the bare PEM public key
// (`--format='value(publicKey.pem)'`). byok-formats.md §2.2, google/cloud/kms/v1/resources.proto.
//
//   { "createTime": "…Z", "expireTime": "2024-05-17T09:22:31.320125493Z", "importMethod": "RSA_OAEP_3072_SHA1_AES_256",
//     "name": "projects/P/locations/L/keyRings/R/importJobs/J", "protectionLevel": "HSM",
//     "publicKey": { "pem": "-----BEGIN PUBLIC KEY-----\n…" }, "state": "ACTIVE", "attestation": {…} }
//
// The job says which import method it was created with; its public key exists only once the job is ACTIVE.
import { ByokError } from '../errors.js';
import { expectCloud, malformed, member, optionalRecord, optionalString, pemMember, readCloudKek, validityOf } from './cloud-json.js';
import type { KekAdvice, ParsedKek } from './read.js';
import { parseTimestamp } from './timestamps.js';
import type { GcpImportMethod, GcpWrappingKey, ReadWrappingKeyOptions } from './types.js';

export const GCP_IMPORT_METHODS: readonly GcpImportMethod[] = [
  'RSA_OAEP_3072_SHA1_AES_256', 'RSA_OAEP_4096_SHA1_AES_256', 'RSA_OAEP_3072_SHA256_AES_256',
  'RSA_OAEP_4096_SHA256_AES_256', 'RSA_OAEP_3072_SHA256', 'RSA_OAEP_4096_SHA256',
];

export const GCP_ADVICE: KekAdvice = {
  rsa: 'a Google Cloud import job wraps with an RSA key: create the job with an RSA_OAEP_* import method (gcloud kms import-jobs create … --import-method rsa-oaep-4096-sha256-aes-256)',
  download: 'it is the publicKey.pem of gcloud kms import-jobs describe <job> --location <location> --keyring <keyring> --format=json',
};

const JOB_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/importJobs\/[^/]+$/;

interface GcpParsed extends ParsedKek {
  gcp: GcpWrappingKey['gcp'];
}

function fromJson(obj: Record<string, unknown>): GcpParsed {
  expectCloud(obj, 'gcp');
  const state = optionalString(obj, 'state', '');
  const method = optionalString(obj, 'importMethod', '');
  if (method === undefined) throw malformed('importMethod', 'missing member');
  if (!(GCP_IMPORT_METHODS as readonly string[]).includes(method)) {
    throw new ByokError(
      'UNSUPPORTED_ALGORITHM',
      `importMethod: the import job uses ${JSON.stringify(method.slice(0, 60))}; this tool wraps for the RSA-OAEP methods (${GCP_IMPORT_METHODS.join(', ')}): create a job with one of them`,
      { path: 'importMethod' },
    );
  }
  const publicKey = optionalRecord(obj, 'publicKey', '');
  if (publicKey === undefined || member(publicKey, 'pem') === undefined) {
    if (state === 'PENDING_GENERATION') {
      throw new ByokError('KEK_NOT_READY', 'the import job is PENDING_GENERATION and has no public key yet: wait until its state is ACTIVE, then describe it again');
    }
    throw malformed(publicKey === undefined ? 'publicKey' : 'publicKey.pem', 'missing member');
  }
  const pem = optionalString(publicKey, 'pem', 'publicKey.') as string;
  const parsed = pemMember(pem, 'publicKey.pem', GCP_ADVICE, 'gcp-json');
  const name = optionalString(obj, 'name', '');
  if (name !== undefined && !JOB_NAME.test(name)) throw malformed('name', `${JSON.stringify(name.slice(0, 120))} is not an import job name (projects/…/locations/…/keyRings/…/importJobs/…)`);
  const protectionLevel = optionalString(obj, 'protectionLevel', '');
  const expire = member(obj, 'expireTime');
  return {
    ...parsed,
    gcp: {
      importMethod: method as GcpImportMethod,
      ...(name === undefined ? {} : { importJob: name }),
      ...(state === undefined ? {} : { state }),
      ...(protectionLevel === undefined ? {} : { protectionLevel }),
      ...(expire === undefined ? {} : { expireTime: parseTimestamp(expire, 'expireTime') }),
    },
  };
}

const WHAT = 'the JSON of gcloud kms import-jobs describe --format=json, or the job\'s PEM public key';

/**
 * Reads a Google Cloud import job's wrapping key. Refuses a job of another import method
 * (UNSUPPORTED_ALGORITHM), one still generating its key (KEK_NOT_READY), malformed members (MALFORMED_KEK),
 * keys below 2048 bits (KEK_UNSUPPORTED_SIZE). An EXPIRED job is read (to show it) and refused at wrap time.
 */
export function readGcpWrappingKey(input: Uint8Array | string | object, opts: ReadWrappingKeyOptions = {}): GcpWrappingKey {
  const { kek, json } = readCloudKek(input, opts, 'gcp', fromJson, WHAT, GCP_ADVICE);
  const gcp = json?.gcp ?? {};
  const validity = validityOf({
    ...(gcp.expireTime === undefined ? {} : { expiresAt: gcp.expireTime }),
    ...(gcp.state === undefined ? {} : { state: gcp.state, usableState: 'ACTIVE' }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    what: 'the import job',
    renew: 'create a new import job (gcloud kms import-jobs create; a job lasts 3 days)',
  });
  return { ...kek, cloud: 'gcp', validity, gcp };
}
