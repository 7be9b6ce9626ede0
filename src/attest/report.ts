// The words the CLI prints and the browser page shows for a verified (or refused) attestation: one list of
// lines so both say the same thing.
import { invalid, isRecord } from '../arguments.js';
import type { KeyAttestationResult } from './types.js';

const MARK = { pass: 'ok  ', fail: 'FAIL', info: 'note' } as const;

/** Human-readable lines: the verdict, the attested key, each check, the chains with their dates. */
export function attestationReport(r: KeyAttestationResult): string[] {
  const v: unknown = r;
  if (!isRecord(v) || !Array.isArray(v['checks']) || typeof v['verified'] !== 'boolean') throw invalid('attestationReport', 'r', 'a KeyAttestationResult (as verifyKeyAttestation returns it)', r);
  const provider = r.provider === 'azure' ? 'Azure Managed HSM' : 'Google Cloud KMS';
  const lines = [
    r.verified
      ? `VERIFIED: ${provider} key attestation (${r.format}) of ${keyLine(r)}`
      : `NOT VERIFIED: the ${provider} key attestation (${r.format}) fails ${r.checks.filter((c) => c.status === 'fail').length} check(s)`,
  ];
  if (r.kid !== undefined) lines.push(`kid: ${r.kid}`);
  if (r.resource !== undefined) lines.push(`resource: ${r.resource}`);
  if (r.attestedKey !== undefined) lines.push(`attested key SHA-256: ${r.attestedKey.spkiSha256}`);
  lines.push(`HSM mode: ${r.mode}`, '', 'Checks:');
  for (const c of r.checks) lines.push(`  ${MARK[c.status]}  ${c.detail}`);
  const chain = (title: string, list: KeyAttestationResult['manufacturerChain']): void => {
    if (list.length === 0) return;
    lines.push('', `${title}:`);
    for (const c of list) {
      lines.push(`  ${c.role.padEnd(16)}${c.subject}`);
      lines.push(`  ${''.padEnd(16)}v${c.version}, valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}${c.validAt ? '' : c.anchor ? ' (expired; trusted by its pinned key)' : ' (NOT valid on the date checked)'}, SHA-256 ${c.sha256}`);
    }
  };
  chain('Manufacturer chain', r.manufacturerChain);
  chain('Owner chain', r.ownerChain);
  return lines;
}

function keyLine(r: KeyAttestationResult): string {
  const k = r.attestedKey;
  if (k === undefined) return 'a key';
  return k.kind === 'rsa' ? `an RSA-${k.bits} key` : `an EC ${k.curve} key`;
}
