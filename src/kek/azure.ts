// Azure's rules for a key-exchange key (byok-formats.md §1.1), one error code per rule, checked in the
// order a user fixes them: the key itself (size, exponent), how it was created (kty, key_ops), then how
// it is named (kid).
//
// Decisions where the sources are silent:
//   - kty: "RSA-HSM" when present. A bare JWK's "RSA" is accepted: RFC 7517 JWKs carry no protection
//     level, and users convert the downloaded PEM to a JWK with generic tools. Azure's own JSON (az, REST,
//     SDK) always says "RSA-HSM" for an HSM key, so "RSA" there means a software key: refused.
//   - kid hosts: Key Vault and Managed HSM in the public cloud (*.vault.azure.net, *.managedhsm.azure.net)
//     and the sovereign clouds with the same services (Azure China *.vault.azure.cn /
//     *.managedhsm.azure.cn, Azure US Government *.vault.usgovcloudapi.net / *.managedhsm.usgovcloudapi.net).
//   - kid version: 32 hexadecimal digits, the form both services issue.
import { expectString, invalid, optionsArg, optionalBoolean } from '../arguments.js';
import { ByokError } from '../errors.js';
import { isLoopback } from '../formats/azure-kid.js';
import { isKek } from './is-kek.js';
import { toBigInt } from '../keys/bigint.js';
import type { CheckKekOptions, Kek } from './types.js';

const SIZES = [2048, 3072, 4096];

const VAULT_SUFFIXES = ['.vault.azure.net', '.vault.azure.cn', '.vault.usgovcloudapi.net'];
const MHSM_SUFFIXES = ['.managedhsm.azure.net', '.managedhsm.azure.cn', '.managedhsm.usgovcloudapi.net'];

const HOW_TO_GET_KID =
  'get it with: az keyvault key show --vault-name <vault> --name <kek> --query key.kid -o tsv (Managed HSM: --hsm-name <hsm>)';

export interface ParsedKid {
  readonly host: string;
  readonly service: 'vault' | 'managedhsm';
  readonly name: string;
  readonly version: string;
}

/**
 * Parses a versioned Key Vault / Managed HSM key identifier, e.g.
 * https://contoso.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621.
 */
export function parseAzureKid(kid: string): ParsedKid {
  expectString('parseAzureKid', 'kid', kid);
  const bad = (problem: string): ByokError =>
    new ByokError('KEK_KID_INVALID', `the KEK kid ${JSON.stringify(kid)} ${problem}; ${HOW_TO_GET_KID}`);
  let url: URL;
  try {
    url = new URL(kid);
  } catch {
    throw bad('is not a URL');
  }
  if (url.protocol !== 'https:') throw bad('must be an https URL');
  // A loopback host with a port is `byok serve` (a local Managed HSM stand-in); real hosts never have one.
  const loopback = isLoopback(url.hostname);
  if (url.username !== '' || url.password !== '' || (url.port !== '' && !loopback) || url.search !== '' || url.hash !== '') {
    throw bad('must have no port, user, query or fragment');
  }
  const host = url.hostname.toLowerCase();
  const service = loopback ? 'managedhsm' : VAULT_SUFFIXES.some((s) => host.endsWith(s)) ? 'vault' : MHSM_SUFFIXES.some((s) => host.endsWith(s)) ? 'managedhsm' : undefined;
  if (service === undefined || (!loopback && host.split('.').length < 4)) {
    throw bad('is not on a Key Vault (<vault>.vault.azure.net) or Managed HSM (<hsm>.managedhsm.azure.net) host');
  }
  const parts = url.pathname.split('/');
  // ['', 'keys', name, version] — a trailing slash after the name leaves version ''.
  if (parts[1] !== 'keys' || parts[2] === undefined || parts[2] === '') throw bad('is not a key identifier (/keys/<name>/<version>)');
  const name = parts[2];
  if (!/^[0-9A-Za-z-]{1,127}$/.test(name)) throw bad('has an invalid key name (1 to 127 letters, digits and dashes)');
  const version = parts[3];
  if (version === undefined || version === '') {
    throw new ByokError(
      'KEK_KID_UNVERSIONED',
      `the KEK kid ${JSON.stringify(kid)} has no version; the .byok file needs the versioned kid (…/keys/${name}/<32 hex digits>): ${HOW_TO_GET_KID}`,
    );
  }
  if (parts.length > 4 || !/^[0-9a-fA-F]{32}$/.test(version)) throw bad('has an invalid version (32 hexadecimal digits expected after the key name)');
  return { host, service, name, version };
}

/**
 * Checks a KEK as Azure will, throwing the first broken rule: KEK_UNSUPPORTED_SIZE, KEK_BAD_EXPONENT,
 * KEK_WRONG_KTY, KEK_WRONG_KEY_OPS, KEK_KID_MISSING (with requireKid), KEK_KID_INVALID, KEK_KID_UNVERSIONED.
 */
export function checkKekForAzure(kek: Kek, opts: CheckKekOptions = {}): void {
  if (!isKek(kek)) throw invalid('checkKekForAzure', 'kek', 'a Kek (as readKek returns it)', kek);
  optionalBoolean('checkKekForAzure', 'opts.requireKid', optionsArg('checkKekForAzure', 'opts', opts)['requireKid']);
  if (!SIZES.includes(kek.bits)) {
    throw new ByokError(
      'KEK_UNSUPPORTED_SIZE',
      `the KEK is RSA-${kek.bits}; Azure KEKs are RSA-HSM keys of 2048, 3072 or 4096 bits: create one with az keyvault key create --kty RSA-HSM --size 4096 --ops import --name KEKforBYOK --vault-name <vault>`,
    );
  }
  const e = toBigInt(kek.e);
  if (e < 3n || (e & 1n) === 0n) {
    throw new ByokError('KEK_BAD_EXPONENT', `the KEK's public exponent ${e <= 0xffffffffn ? e.toString() : '(large)'} is not an odd number of at least 3; this is not a key Azure issued: download the KEK again`);
  }
  if (kek.kty !== undefined && kek.kty !== 'RSA-HSM' && !(kek.source === 'jwk' && kek.kty === 'RSA')) {
    throw new ByokError(
      'KEK_WRONG_KTY',
      `the KEK's kty is "${kek.kty}" but a KEK must be an HSM key ("RSA-HSM"): create it with --kty RSA-HSM (Key Vault Premium or Managed HSM)`,
    );
  }
  if (kek.keyOps !== undefined && !(kek.keyOps.length === 1 && kek.keyOps[0] === 'import')) {
    throw new ByokError(
      'KEK_WRONG_KEY_OPS',
      `the KEK's key_ops are [${kek.keyOps.map((o) => JSON.stringify(o)).join(', ')}] but must be exactly ["import"] ("import" excludes every other operation): create the KEK with --ops import`,
    );
  }
  if (kek.kid === undefined) {
    if (opts.requireKid === true) {
      throw new ByokError('KEK_KID_MISSING', `the KEK's versioned kid is needed for the .byok file and the input has none: give it with the KEK (byok --kid URL, or the kid option of the library); ${HOW_TO_GET_KID}`);
    }
    return;
  }
  parseAzureKid(kek.kid);
}
