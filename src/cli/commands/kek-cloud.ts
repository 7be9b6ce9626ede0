// `byok kek FILE --for aws|gcp|oci|vault` (or a cloud's JSON): the wrapping key's size and fingerprint, what its
// source says about its validity, and which of the cloud's wrapping algorithms it serves.
import { ByokError } from '../../errors.js';
import { AWS_ALGORITHMS, checkAwsWrappingKey } from '../../formats/aws.js';
import { checkGcpWrappingKey, GCP_IMPORT_METHODS } from '../../formats/gcp.js';
import { checkOciWrappingKey, OCI_ALGORITHMS } from '../../formats/oci.js';
import { checkVaultWrappingKey, VAULT_HASH_FUNCTIONS } from '../../formats/vault.js';
import { CLOUD_NAMES, type WrappingKey } from '../../kek/index.js';
import { kv, type CommandResult, type Ctx } from '../context.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.js';
import type { OtherCloud } from './wrap-cloud.js';

/** The cloud's algorithms this key can serve; the problem when there is none. */
function fitting(cloud: OtherCloud, k: WrappingKey): { algorithms: string[]; problem?: ByokError } {
  const keep = (names: readonly string[], check: (n: string) => void): { algorithms: string[]; problem?: ByokError } => {
    const algorithms: string[] = [];
    let problem: ByokError | undefined;
    for (const n of names) {
      try {
        check(n);
        algorithms.push(n);
      } catch (e) {
        if (!(e instanceof ByokError)) throw e;
        problem ??= e;
      }
    }
    return algorithms.length > 0 ? { algorithms } : { algorithms, ...(problem === undefined ? {} : { problem }) };
  };
  switch (cloud) {
    case 'aws': return keep(AWS_ALGORITHMS, () => checkAwsWrappingKey(k.bits));
    case 'gcp': {
      const method = k.cloud === 'gcp' ? k.gcp.importMethod : undefined;
      return keep(method === undefined ? GCP_IMPORT_METHODS : [method], (m) => checkGcpWrappingKey(k.bits, m as (typeof GCP_IMPORT_METHODS)[number]));
    }
    case 'oci': return keep(OCI_ALGORITHMS, () => checkOciWrappingKey(k.bits));
    // SHA224: Vault takes it, the crypto core does not implement OAEP with it.
    default: return keep(VAULT_HASH_FUNCTIONS.filter((h) => h !== 'SHA224'), () => checkVaultWrappingKey(k.bits));
  }
}

/** What the source names the key by: AWS key ARN, Google import job, OCI key OCID. */
function idOf(k: WrappingKey): string | undefined {
  switch (k.cloud) {
    case 'aws': return k.aws.keyId;
    case 'gcp': return k.gcp.importJob;
    case 'oci': return k.oci.keyId;
    default: return undefined;
  }
}

export function reportCloudKek(cloud: OtherCloud, k: WrappingKey, ctx: Ctx): CommandResult {
  const { algorithms, problem } = fitting(cloud, k);
  const v = k.validity;
  const id = idOf(k);
  const note = cloud === 'aws' ? ' (the response does not say which was requested: name it with --algorithm when wrapping)' : '';
  for (const line of kv([
    ['Wrapping key', `${CLOUD_NAMES[cloud]}, RSA ${k.bits} bits`],
    ['read as', k.source],
    ...(id === undefined ? [] : [['id', id] as [string, string]]),
    ...(v.state === undefined ? [] : [['state', v.state] as [string, string]]),
    ...(v.expiresAt === undefined ? [] : [['valid to', v.expiresAt.toISOString()] as [string, string]]),
    ...(k.cloud === 'aws' && k.aws.importToken !== undefined ? [['import token', `${k.aws.importToken.length} bytes`] as [string, string]] : []),
    ['SHA-256', k.fingerprint.hex],
    ['in groups', k.fingerprint.grouped],
    ['base64', k.fingerprint.base64],
    ['algorithms', algorithms.length === 0 ? '(none)' : `${algorithms.join(', ')}${note}`],
  ])) ctx.say(line);
  ctx.say();
  for (const w of v.warnings) ctx.warn(w);
  ctx.say(problem !== undefined
    ? `${CLOUD_NAMES[cloud]} would NOT take this wrapping key: ${problem.message}`
    : `${CLOUD_NAMES[cloud]} can import keys wrapped for this wrapping key${v.warnings.length > 0 ? ', if the warnings above do not apply' : ''}. Compare the fingerprint with the cloud's before wrapping.`);
  return {
    exitCode: problem === undefined ? EXIT_OK : EXIT_CHECK_FAILED,
    json: {
      cloud,
      bits: k.bits,
      source: k.source,
      id: id ?? null,
      state: v.state ?? null,
      expiresAt: v.expiresAt?.toISOString() ?? null,
      warnings: v.warnings,
      fingerprint: { sha256Hex: k.fingerprint.hex, sha256Grouped: k.fingerprint.grouped, sha256Base64: k.fingerprint.base64 },
      algorithms,
      acceptable: problem === undefined,
      ...(problem ? { problem: { code: problem.code, message: problem.message } } : {}),
    },
  };
}
