// The import plan `byok batch` writes beside its report: a POSIX shell script that, for each row done,
// imports the .byok with az and confirms that Azure holds exactly the key from the manifest:
//   - RSA and EC keys: `az keyvault key download --encoding DER` writes the imported key's public key as
//     SubjectPublicKeyInfo DER, whose SHA-256 must be the one recorded here (sha256sum of the same bytes
//     byok hashed);
//   - AES keys: AES-CBC encryption of one zero block under a zero IV is AES-ECB(key, 0^128), whose first 3
//     bytes are the key check value recorded here (Managed HSM's `encrypt`; the key needs that operation).
// Paths are relative to the plan's folder (it starts with a cd there), so the folder can be carried to
// the machine where az runs. Rows not done are listed as comments.
import { dirname, relative } from 'node:path';
import { DEFAULT_KEY_OPS } from '../../keys/index.js';
import { azImportCommand, shellQuote, type AzureKty } from '../../formats/azure-import.js';
import { parseAzureKid, type AzureKeyId } from '../../formats/azure-kid.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../../transfer/version.js';
import type { RowResult } from './job.js';

export interface PlanInput {
  readonly planPath: string;
  readonly reportPath: string;
  readonly manifestPath: string;
  readonly startedAt: Date;
  readonly kek: { readonly bits: number; readonly kid: string | null; readonly fingerprint: string };
  readonly rows: readonly RowResult[];
}

const KIND: Readonly<Record<AzureKty, keyof typeof DEFAULT_KEY_OPS>> = { 'RSA-HSM': 'rsa', 'EC-HSM': 'ec', 'oct-HSM': 'oct' };

function where(kid: AzureKeyId): string {
  return kid.service === 'managedhsm' ? `--hsm-name ${shellQuote(kid.instance)}` : `--vault-name ${shellQuote(kid.instance)}`;
}

function rowLines(r: RowResult, planDir: string): string[] {
  const head = `# row ${r.row}: ${r.name}`;
  if (r.status !== 'wrapped' && r.status !== 'skipped') {
    return [`${head}: not in this plan (${r.status === 'failed' ? `failed: ${r.error?.message ?? 'see the report'}` : 'not done: run the batch again'})`.replace(/\n/g, ' ')];
  }
  const kid = parseAzureKid(r.kid!);
  const kty = r.kty as AzureKty;
  const byok = relative(planDir, r.out) || r.out;
  const name = shellQuote(r.name);
  const lines = [
    `${head}: ${kty} ${r.curve ?? r.bits}, from ${r.key}`,
    ...(r.warnings ?? []).map((w) => `# warning: ${w}`),
    // -o none: the check below says what matters; az would print the whole imported key
    `${azImportCommand({ kek: kid, kty, keyOps: DEFAULT_KEY_OPS[KIND[kty]], byokPath: byok, keyName: r.name, ...(r.curve === undefined ? {} : { crv: r.curve }) })} -o none`,
  ];
  if (r.kcv !== undefined) {
    const zero = '00'.repeat(16);
    lines.push(
      `# key check value (KCV): ${r.kcv}, the first 3 bytes of AES-CBC(key, zero IV, one zero block)`,
      `check ${name} ${r.kcv} "$(az keyvault key encrypt ${where(kid)} --name ${name} --algorithm A${r.bits}CBC --data-type base64 --value ${Buffer.alloc(16).toString('base64')} --iv ${zero} --query result -o tsv | base64 -d | head -c 3 | od -An -tx1 | tr -d ' \\n')"`,
    );
  } else {
    const der = shellQuote(`${r.name}.imported.der`);
    lines.push(
      `# public key SHA-256: ${r.publicKeySha256}`,
      `rm -f ${der} && az keyvault key download ${where(kid)} --name ${name} --encoding DER --file ${der}`,
      `check ${name} ${r.publicKeySha256} "$(sha256sum < ${der} | cut -c1-64)"`,
    );
  }
  return lines;
}

/** The plan's text. */
export function importPlan(p: PlanInput): string {
  const planDir = dirname(p.planPath);
  const done = p.rows.filter((r) => r.status === 'wrapped' || r.status === 'skipped').length;
  return [
    '#!/bin/sh',
    `# Import plan written by ${TOOLKIT_NAME} ${TOOLKIT_VERSION} (byok batch, ${p.startedAt.toISOString()}): ${done} of ${p.rows.length} rows.`,
    `# KEK ${p.kek.kid ?? '(kid per row)'}, RSA ${p.kek.bits}, SHA-256 ${p.kek.fingerprint}`,
    `# Manifest ${p.manifestPath}; report ${relative(planDir, p.reportPath) || p.reportPath}`,
    '#',
    '# For each key: the az command that imports its .byok, then a check that Azure holds exactly that key:',
    '# the SHA-256 of the imported public key (RSA, EC) or the AES key check value must be the one recorded',
    '# when the key was wrapped. Read it, then run it with az logged in, from any folder: sh <this file>.',
    '# It stops at the first failure. Without az: the REST call is PUT {vault}/keys/{name}?api-version=7.4',
    '# with {"key":{"kty":…,"key_ops":[…],"key_hsm":<base64url of the .byok file>}} (README, "Library").',
    '# Needs sha256sum, base64, head, od and tr (macOS: shasum -a 256, base64 -D).',
    'set -eu',
    'cd "$(dirname "$0")"',
    'check() {',
    '  if [ "$2" = "$3" ]; then echo "$1: confirmed ($2)"; else echo "$1: MISMATCH: expected $2, Azure gave ${3:-nothing}" >&2; exit 1; fi',
    '}',
    '',
    ...p.rows.flatMap((r) => [...rowLines(r, planDir), '']),
  ].join('\n');
}
