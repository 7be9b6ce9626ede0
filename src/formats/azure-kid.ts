// Azure Key Vault / Managed HSM key identifiers (byok-formats.md §1.1): the `.byok` header names the KEK
// by its full, *versioned* kid, e.g. https://contoso.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621.
import { ByokError } from '../errors.js';

export type AzureService = 'vault' | 'managedhsm';

export interface AzureKeyId {
  readonly kid: string;
  readonly service: AzureService;
  /** Vault or Managed HSM name: what `az ... --vault-name` / `--hsm-name` take (`localhost` for `byok serve`). */
  readonly instance: string;
  readonly host: string;
  readonly name: string;
  readonly version: string;
}

// Public and sovereign clouds. Key Vault DNS suffixes are documented per cloud; Managed HSM exists in
// the public, China and US Government clouds.
const HOST_SUFFIXES: readonly { suffix: string; service: AzureService }[] = [
  { suffix: '.vault.azure.net', service: 'vault' },
  { suffix: '.vault.azure.cn', service: 'vault' },
  { suffix: '.vault.usgovcloudapi.net', service: 'vault' },
  { suffix: '.managedhsm.azure.net', service: 'managedhsm' },
  { suffix: '.managedhsm.azure.cn', service: 'managedhsm' },
  { suffix: '.managedhsm.usgovcloudapi.net', service: 'managedhsm' },
];

const HOW_TO_GET =
  'use the versioned key id, e.g. `az keyvault key show --vault-name V --name KEK --query key.kid -o tsv`';

// The last kid parsed: a batch parses the same kid twice per key (wrap and .byok build), and URL parsing
// was a visible share of its per-key time. Results are immutable, so sharing one is safe.
let lastParsed: AzureKeyId | undefined;

/** localhost, 127.0.0.0/8 or [::1] (a URL's hostname): where `byok serve` listens. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Parses a KEK kid. Throws BYOK_BAD_KID naming what is wrong: not https, not a Key Vault or Managed HSM
 * host, not a /keys/ path, or (the most common mistake) no version.
 */
export function parseAzureKid(kid: string): AzureKeyId {
  if (lastParsed !== undefined && lastParsed.kid === kid) return lastParsed;
  const bad = (why: string): never => {
    throw new ByokError('BYOK_BAD_KID', `kid ${JSON.stringify(kid.slice(0, 200))} ${why}: ${HOW_TO_GET}`);
  };
  let url: URL;
  try {
    url = new URL(kid);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'https:') bad('is not an https URL');
  const loopback = isLoopback(url.hostname);
  // `byok serve` (a local Managed HSM stand-in) issues kids on a loopback host with its port; a real
  // vault or HSM host never has one.
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.port !== '' && !loopback)) {
    bad('has parts a key identifier never has (credentials, port, query or fragment)');
  }
  const host = url.hostname.toLowerCase();
  let service: AzureService;
  let instance: string;
  if (loopback) {
    // `az` reaches byok serve as --hsm-name localhost in a cloud whose Managed HSM suffix is ":PORT" (README)
    service = 'managedhsm';
    instance = 'localhost';
  } else {
    const match = HOST_SUFFIXES.find((s) => host.endsWith(s.suffix));
    if (!match) bad('is not on a Key Vault (*.vault.azure.net) or Managed HSM (*.managedhsm.azure.net) host');
    service = match!.service;
    instance = host.slice(0, host.length - match!.suffix.length);
    if (!/^[a-z0-9][a-z0-9-]{1,22}[a-z0-9]$/.test(instance)) bad('does not start with a valid vault or HSM name');
  }
  const parts = url.pathname.split('/');
  // ['', 'keys', name, version] with an optional trailing slash
  if (parts.length === 5 && parts[4] === '') parts.pop();
  if (parts[1] !== 'keys' || parts.length < 3 || parts.length > 4) bad('is not a key identifier (…/keys/<name>/<version>)');
  const name = parts[2]!;
  if (!/^[0-9A-Za-z-]{1,127}$/.test(name)) bad('has an invalid key name');
  if (parts.length === 3 || parts[3] === '') bad('has no key version (Azure needs the versioned kid of the KEK)');
  const version = parts[3]!;
  if (!/^[0-9a-fA-F]{32}$/.test(version)) bad('has a key version that is not 32 hex digits');
  lastParsed = Object.freeze({ kid, service, instance, host, name, version });
  return lastParsed;
}
