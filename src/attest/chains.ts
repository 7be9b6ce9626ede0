// The two certificate chains of a Marvell key attestation (kek-attestation.md §A.3, §A.5, §A.6 step 4-6),
// built by signatures because the card certificates are X.509 v1 (no basicConstraints, so generic path
// validation refuses them):
//
//   manufacturer  pinned Marvell root → card ("HSM:<serial>, for … mode") → partition (the signing key)
//   owner         the provider's (azure.ts: a per-pool Microsoft root; gcp.ts: Google's pinned root),
//                 certifying the partition key again
//
// Every certificate of the file must find its place (Google's own script refuses leftovers too), and
// every certificate that issues another must be allowed to (no basicConstraints cA=FALSE, keyCertSign if
// keyUsage is present). Validity dates are checked for every certificate but the anchors, which are
// trusted by key.
import type { ProviderSpec } from './provider.js';
import { fail, pass, type AttestationCheck, type CertificateRole, type CertificateSummary } from './types.js';
import { hex, short } from './bytes.js';
import { notSignedBy, type Certificate } from './x509.js';

const KEY_CERT_SIGN = 1 << 5;

export interface ChainResult {
  readonly checks: AttestationCheck[];
  readonly manufacturer: CertificateSummary[];
  readonly owner: CertificateSummary[];
  readonly card?: Certificate;
  readonly partition?: Certificate;
}

export interface ChainInputs {
  /** The file's certificates. */
  readonly bundle: readonly Certificate[];
  /** Certificates the caller supplied as roots. */
  readonly roots: readonly Certificate[];
  readonly marvellPins: readonly string[];
  readonly googlePins: readonly string[];
  readonly microsoftPins: readonly string[];
  readonly at: Date;
}

const validAt = (c: Certificate, at: Date): boolean => c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();

export function summary(role: CertificateRole, c: Certificate, at: Date, anchor = false): CertificateSummary {
  return {
    role,
    anchor,
    subject: c.subjectText,
    issuer: c.issuerText,
    version: c.version,
    serial: c.serialHex,
    sha256: hex(c.sha256),
    spkiSha256: hex(c.spkiSha256),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    validAt: validAt(c, at),
  };
}

export const name = (c: Certificate): string => (c.commonName !== '' ? `"${c.commonName}"` : `"${c.subjectText}"`);

/** Why `c` may not issue certificates, or undefined when it may. */
export function cannotIssue(c: Certificate): string | undefined {
  if (c.ca === false) return `${name(c)} has basicConstraints cA=FALSE but issues a certificate`;
  if (c.keyUsage !== undefined && (c.keyUsage & KEY_CERT_SIGN) === 0) return `${name(c)} has keyUsage without keyCertSign but issues a certificate`;
  return undefined;
}

/** The certificates of `pool` that `issuer` signed. */
export function issuedBy(pool: readonly Certificate[], issuer: Certificate): Certificate[] {
  return pool.filter((c) => c !== issuer && notSignedBy(c, issuer) === undefined);
}

export function pinned(c: Certificate, pins: readonly string[]): boolean {
  return pins.includes(hex(c.spkiSha256));
}

export function buildChains(inp: ChainInputs, spec: ProviderSpec): ChainResult {
  const checks: AttestationCheck[] = [];
  const manufacturer: CertificateSummary[] = [];
  const owner: CertificateSummary[] = [];
  const used = new Set<Certificate>();
  const all = [...inp.roots, ...inp.bundle];
  const isAnchor = (c: Certificate): boolean => pinned(c, inp.marvellPins) || pinned(c, inp.googlePins);
  for (const c of inp.bundle) if (isAnchor(c)) used.add(c); // a root copied into the file is fine
  const candidates = inp.bundle.filter((c) => !isAnchor(c));
  const result: { card?: Certificate; partition?: Certificate } = {};

  // ---- manufacturer chain ----
  const marvellRoots = all.filter((c) => pinned(c, inp.marvellPins));
  let card: Certificate | undefined;
  let cardRoot: Certificate | undefined;
  for (const root of marvellRoots) {
    const cards = issuedBy(candidates, root);
    if (cards.length > 0) {
      if (cards.length > 1 || card !== undefined) {
        checks.push(fail('marvell-chain', 'several certificates are issued by a Marvell root; expected one card'));
        return { checks, manufacturer, owner };
      }
      [card, cardRoot] = [cards[0], root];
    }
  }
  if (card === undefined || cardRoot === undefined) {
    const given = inp.roots.filter((r) => !isAnchor(r)).map((r) => `${name(r)} (key SHA-256 ${short(hex(r.spkiSha256))})`);
    const why = marvellRoots.length === 0
      ? given.length > 0
        ? `the root certificates given are not pinned Marvell roots: ${given.join(', ')}`
        : 'no Marvell root certificate given (the file leaves it out): give Marvell\'s LiquidSecurity root (--roots FILE)'
      : `no certificate is signed by the pinned Marvell root ${marvellRoots.map(name).join(' or ')}${given.length > 0
        ? `; the root certificates given are not pinned Marvell roots: ${given.join(', ')}`
        : ' (a card under another root: give that root with --roots FILE)'}`;
    checks.push(fail('marvell-chain', `manufacturer chain: ${why}`));
    return { checks, manufacturer, owner };
  }
  used.add(card);
  const partitions = issuedBy(candidates, card);
  const rootProblem = cardRoot.ca === false ? `the Marvell root ${name(cardRoot)} is marked cA=FALSE` : undefined;
  if (partitions.length !== 1 || rootProblem !== undefined || cannotIssue(card) !== undefined) {
    const why = rootProblem ?? cannotIssue(card) ?? (partitions.length === 0
      ? `no certificate is signed by the card ${name(card)} (the chain does not link)`
      : `${partitions.length} certificates are signed by the card; expected one partition`);
    checks.push(fail('marvell-chain', `manufacturer chain: ${why}`));
    manufacturer.push(summary('marvell-root', cardRoot, inp.at, true), summary('card', card, inp.at));
    return { checks, manufacturer, owner, card };
  }
  const partition = partitions[0]!;
  used.add(partition);
  Object.assign(result, { card, partition });
  manufacturer.push(summary('marvell-root', cardRoot, inp.at, true), summary('card', card, inp.at), summary('partition', partition, inp.at));
  checks.push(pass(
    'marvell-chain',
    `manufacturer chain: Marvell root ${name(cardRoot)} (pinned key ${short(hex(cardRoot.spkiSha256))}) → card ${name(card)} → partition ${name(partition)}, every signature verified`,
  ));

  // ---- owner chain ----
  const rest = candidates.filter((c) => !used.has(c));
  spec.ownerChain({
    rest, all, card, partition, googlePins: inp.googlePins, microsoftPins: inp.microsoftPins, at: inp.at, checks, owner, used,
  });

  // ---- every certificate placed, validity, critical extensions ----
  const unused = inp.bundle.filter((c) => !used.has(c));
  checks.push(unused.length === 0
    ? pass('certificates', `each of the ${inp.bundle.length} certificates has its place in the chains`)
    : fail('certificates', `certificate(s) that belong to neither chain: ${unused.map(name).join(', ')}`));
  const placed = inp.bundle.filter((c) => used.has(c) && !isAnchor(c));
  const expired = placed.filter((c) => !validAt(c, inp.at));
  checks.push(expired.length === 0
    ? pass('validity', `every certificate is valid on ${inp.at.toISOString().slice(0, 10)}`)
    : fail('validity', `not valid on ${inp.at.toISOString().slice(0, 10)}: ${expired.map((c) => `${name(c)} (${c.notBefore.toISOString().slice(0, 10)} to ${c.notAfter.toISOString().slice(0, 10)})`).join(', ')}`));
  const critical = placed.filter((c) => c.unknownCritical.length > 0);
  if (critical.length > 0) {
    checks.push(fail('extensions', `unknown critical extensions: ${critical.map((c) => `${name(c)}: ${c.unknownCritical.join(', ')}`).join('; ')}`));
  }
  return { checks, manufacturer, owner, ...result };
}

/** The owner's certificate for a Marvell key (undefined when none of `offered` names that key). */
export function keysMatch(id: string, what: string, mine: Certificate | undefined, marvell: Certificate, offered: readonly Certificate[]): AttestationCheck {
  if (mine !== undefined) {
    return pass(id, `the owner's ${what} certificate ${name(mine)} names Marvell's ${what} key (SHA-256 ${short(hex(marvell.spkiSha256))})`);
  }
  const keys = offered.map((c) => `${name(c)} key ${short(hex(c.spkiSha256))}`).join(', ');
  return fail(id, `no owner certificate names Marvell's ${what} key (SHA-256 ${short(hex(marvell.spkiSha256))}): the owner chain certifies ${keys || 'nothing'} instead`);
}
