// The destinations the page wraps for, and each one's wrapping algorithms for the pickers (Azure has one
// fixed scheme). The rules themselves are the library's (checkWrappingKeyFor, prepareWrap): the page only
// offers the names.
import { AWS_ALGORITHMS } from '../formats/aws.js';
import { GCP_IMPORT_METHODS } from '../formats/gcp.js';
import { OCI_ALGORITHMS } from '../formats/oci.js';
import { VAULT_HASH_FUNCTIONS } from '../formats/vault.js';
import { CLOUDS, type Cloud } from '../kek/index.js';

export type OtherCloud = Exclude<Cloud, 'azure'>;

/** The file each cloud takes, by the name the page downloads it under. */
export const EXTENSIONS: Readonly<Record<OtherCloud, string>> = { aws: '.aws.bin', gcp: '.gcp.bin', oci: '.oci.json', vault: '.vault.b64' };

export function cloudOf(select: HTMLSelectElement): Cloud {
  const v = select.value;
  return (CLOUDS as readonly string[]).includes(v) ? (v as Cloud) : 'azure';
}

/**
 * Fills an algorithm picker for `cloud`: AWS's four and Google's six after a prompt (the caller must say which
 * was requested; a Google job's own method alone when the job names it), OCI's two and Vault's hash functions
 * with the cloud's default first (Vault's SHA224 is not offered: the core does not implement it).
 */
export function fillAlgorithms(select: HTMLSelectElement, cloud: OtherCloud, jobMethod?: string): void {
  const keep = select.value;
  let names: readonly string[];
  let prompt: string | undefined;
  if (cloud === 'aws') {
    names = AWS_ALGORITHMS;
    prompt = 'Choose the one given to get-parameters-for-import';
  } else if (cloud === 'gcp') {
    names = jobMethod === undefined ? GCP_IMPORT_METHODS : [jobMethod];
    prompt = jobMethod === undefined ? "Choose the import job's method" : undefined;
  } else if (cloud === 'oci') {
    names = OCI_ALGORITHMS;
  } else {
    names = ['SHA256', ...VAULT_HASH_FUNCTIONS.filter((h) => h !== 'SHA256' && h !== 'SHA224')];
  }
  const options = [...(prompt === undefined ? [] : [new Option(prompt, '')]), ...names.map((n) => new Option(n, n))];
  select.replaceChildren(...options);
  if (names.includes(keep)) select.value = keep;
}
