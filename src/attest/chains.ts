// The two certificate chains of a Marvell key attestation (kek-attestation.md §A.3, §A.5, §A.6 step 4-6),
// built by signatures because the card certificates are X.509 v1 (no basicConstraints, so generic path
// validation refuses them):
//
//   manufacturer  pinned Marvell root → card ("HSM:<serial>, for … mode") → partition (the signing key)
//   owner, Azure  a self-signed Microsoft root, one per pool (reported; pinned only if the caller pins it)
//                 → owner partition, whose key must be the partition key
//   owner, GCP    pinned Google Hawksbill root → Google partition (key = partition key)
//                                               and Google card (key = card key)
//
// Every certificate of the file must find its place (Google's own script refuses leftovers too), and
// every certificate that issues another must be allowed to (no basicConstraints cA=FALSE, keyCertSign if
// keyUsage is present). Validity dates are checked for every certificate but the anchors, which are
// trusted by key.
import type { AttestationProvider } from './input.js';
import type { AttestationCheck, CertificateRole, CertificateSummary } from './types.js';
import { notSignedBy, sameBytes, type Certificate } from './x509.js';

const KEY_CERT_SIGN = 1 << 5;

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const short = (h: string): string => `${h.slice(0, 8)}…${h.slice(-4)}`;

export interface ChainResult {
  readonly checks: AttestationCheck[];
  readonly manufacturer: CertificateSummary[];
  readonly owner: CertificateSummary[];
  readonly card?: Certificate;
  readonly partition?: Certificate;
  readonly ownerPartition?: Certificate;
}

export interface ChainInputs {
  readonly provider: AttestationProvider;
  /** The file's certificates. */
  readonly bundle: readonly Certificate[];
  /** Certificates the caller supplied as roots. */
  readonly roots: readonly Certificate[];
  readonly marvellPins: readonly string[];
  readonly googlePins: readonly string[];
  readonly microsoftPins: readonly string[];
  readonly at: Date;
}

function summary(role: CertificateRole, c: Certificate, at: Date, anchor = false): CertificateSummary {
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
    validAt: c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime(),
  };
}

const name = (c: Certificate): string => (c.commonName !== '' ? `"${c.commonName}"` : `"${c.subjectText}"`);

/** Why `c` may not issue certificates, or undefined when it may. */
function cannotIssue(c: Certificate): string | undefined {
  if (c.ca === false) return `${name(c)} has basicConstraints cA=FALSE but issues a certificate`;
  if (c.keyUsage !== undefined && (c.keyUsage & KEY_CERT_SIGN) === 0) return `${name(c)} has keyUsage without keyCertSign but issues a certificate`;
  return undefined;
}

/** The certificates of `pool` that `issuer` signed. */
function issuedBy(pool: readonly Certificate[], issuer: Certificate): Certificate[] {
  return pool.filter((c) => c !== issuer && notSignedBy(c, issuer) === undefined);
}

function pinned(c: Certificate, pins: readonly string[]): boolean {
  return pins.includes(hex(c.spkiSha256));
}

export function buildChains(inp: ChainInputs): ChainResult {
  const checks: AttestationCheck[] = [];
  const manufacturer: CertificateSummary[] = [];
  const owner: CertificateSummary[] = [];
  const used = new Set<Certificate>();
  const all = [...inp.roots, ...inp.bundle];
  const isAnchor = (c: Certificate): boolean => pinned(c, inp.marvellPins) || pinned(c, inp.googlePins);
  for (const c of inp.bundle) if (isAnchor(c)) used.add(c); // a root copied into the file is fine
  const candidates = inp.bundle.filter((c) => !isAnchor(c));
  const result: { card?: Certificate; partition?: Certificate; ownerPartition?: Certificate } = {};

  // ---- manufacturer chain ----
  const marvellRoots = all.filter((c) => pinned(c, inp.marvellPins));
  let card: Certificate | undefined;
  let cardRoot: Certificate | undefined;
  for (const root of marvellRoots) {
    const cards = issuedBy(candidates, root);
    if (cards.length > 0) {
      if (cards.length > 1 || card !== undefined) {
        checks.push({ id: 'marvell-chain', status: 'fail', detail: 'more than one certificate of the file is issued by a Marvell root; an attestation names one HSM card' });
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
        : 'no Marvell root certificate was given (Azure and Google leave it out of the file): pass the Marvell LiquidSecurity root certificate (--roots FILE)'
      : `no certificate of the file is signed by the pinned Marvell root ${name(marvellRoots[0]!)}`;
    checks.push({ id: 'marvell-chain', status: 'fail', detail: `manufacturer chain: ${why}` });
    return { checks, manufacturer, owner };
  }
  used.add(card);
  const partitions = issuedBy(candidates, card);
  const rootProblem = cardRoot.ca === false ? `the Marvell root ${name(cardRoot)} is marked cA=FALSE` : undefined;
  if (partitions.length !== 1 || rootProblem !== undefined || cannotIssue(card) !== undefined) {
    const why = rootProblem ?? cannotIssue(card) ?? (partitions.length === 0
      ? `no certificate of the file is signed by the card certificate ${name(card)} (the chain does not link)`
      : `${partitions.length} certificates are signed by the card certificate; an attestation names one partition`);
    checks.push({ id: 'marvell-chain', status: 'fail', detail: `manufacturer chain: ${why}` });
    manufacturer.push(summary('marvell-root', cardRoot, inp.at, true), summary('card', card, inp.at));
    return { checks, manufacturer, owner, card };
  }
  const partition = partitions[0]!;
  used.add(partition);
  Object.assign(result, { card, partition });
  manufacturer.push(summary('marvell-root', cardRoot, inp.at, true), summary('card', card, inp.at), summary('partition', partition, inp.at));
  checks.push({
    id: 'marvell-chain',
    status: 'pass',
    detail: `manufacturer chain: Marvell root ${name(cardRoot)} (pinned key ${short(hex(cardRoot.spkiSha256))}) → card ${name(card)} → partition ${name(partition)}, every signature verified`,
  });

  // ---- owner chain ----
  const rest = candidates.filter((c) => !used.has(c));
  if (inp.provider === 'azure') {
    const selfSigned = rest.filter((c) => sameBytes(c.subject, c.issuer) && notSignedBy(c, c) === undefined);
    if (selfSigned.length !== 1) {
      checks.push({ id: 'owner-chain', status: 'fail', detail: `owner chain: expected one self-signed Microsoft owner root in the file, found ${selfSigned.length}` });
    } else {
      const ownerRoot = selfSigned[0]!;
      used.add(ownerRoot);
      const issued = issuedBy(rest, ownerRoot);
      const problem = ownerRoot.ca !== true ? `the owner root ${name(ownerRoot)} lacks basicConstraints cA=TRUE` : cannotIssue(ownerRoot);
      owner.push(summary('owner-root', ownerRoot, inp.at, pinned(ownerRoot, inp.microsoftPins)));
      if (issued.length !== 1 || problem !== undefined) {
        checks.push({ id: 'owner-chain', status: 'fail', detail: `owner chain: ${problem ?? `${issued.length} certificates are signed by the owner root ${name(ownerRoot)}; expected the owner's partition certificate alone`}` });
      } else {
        const op = issued[0]!;
        used.add(op);
        result.ownerPartition = op;
        owner.push(summary('owner-partition', op, inp.at));
        checks.push({ id: 'owner-chain', status: 'pass', detail: `owner chain: Microsoft owner root ${name(ownerRoot)} → owner partition ${name(op)}, signatures verified` });
        checks.push(keysMatch('partition-key', 'partition', sameBytes(op.spki, partition.spki) ? op : undefined, partition, [op]));
      }
      const fp = hex(ownerRoot.sha256);
      if (inp.microsoftPins.length > 0) {
        const ok = pinned(ownerRoot, inp.microsoftPins);
        checks.push({ id: 'owner-root', status: ok ? 'pass' : 'fail', detail: `owner root ${name(ownerRoot)}: its key ${ok ? 'is' : 'is NOT'} the pinned Microsoft owner root (key SHA-256 ${hex(ownerRoot.spkiSha256)})` });
      } else {
        checks.push({ id: 'owner-root', status: 'info', detail: `owner root ${name(ownerRoot)} (certificate SHA-256 ${fp}) is Microsoft's per-pool root: it is not pinned, so it proves nothing by itself; only the Marvell chain is anchored` });
      }
    }
  } else {
    const googleRoots = all.filter((c) => pinned(c, inp.googlePins));
    const issued = googleRoots.flatMap((r) => issuedBy(rest, r).map((c) => ({ c, r })));
    if (googleRoots.length === 0) {
      checks.push({ id: 'owner-chain', status: 'fail', detail: 'owner chain: no Google Hawksbill root certificate was given (Google leaves it out of the file): pass it with --roots FILE' });
    } else if (issued.length === 0) {
      checks.push({ id: 'owner-chain', status: 'fail', detail: `owner chain: no certificate of the file is signed by the pinned Google root ${name(googleRoots[0]!)}` });
    } else {
      const root = issued[0]!.r;
      owner.push(summary('owner-root', root, inp.at, true));
      checks.push({ id: 'owner-chain', status: 'pass', detail: `owner chain: Google root ${name(root)} (pinned key ${short(hex(root.spkiSha256))}) → ${issued.map(({ c }) => name(c)).join(', ')}, signatures verified` });
      // Google certifies both Marvell keys again: the partition key and the card key.
      for (const [id, role, what, marvell] of [['partition-key', 'owner-partition', 'partition', partition], ['card-key', 'owner-card', 'card', card]] as const) {
        const mine = issued.find(({ c }) => sameBytes(c.spki, marvell.spki))?.c;
        if (mine !== undefined) {
          used.add(mine);
          if (role === 'owner-partition') result.ownerPartition = mine;
          owner.push(summary(role, mine, inp.at));
        }
        checks.push(keysMatch(id, what, mine, marvell, issued.map(({ c }) => c)));
      }
    }
  }

  // ---- every certificate placed, validity, critical extensions ----
  const unused = inp.bundle.filter((c) => !used.has(c));
  checks.push(unused.length === 0
    ? { id: 'certificates', status: 'pass', detail: `every certificate of the file (${inp.bundle.length}) has its place in the two chains` }
    : { id: 'certificates', status: 'fail', detail: `certificate(s) that belong to neither chain: ${unused.map(name).join(', ')}` });
  const placed = inp.bundle.filter((c) => used.has(c) && !isAnchor(c));
  const expired = placed.filter((c) => !(c.notBefore.getTime() <= inp.at.getTime() && inp.at.getTime() <= c.notAfter.getTime()));
  checks.push(expired.length === 0
    ? { id: 'validity', status: 'pass', detail: `every certificate is valid on ${inp.at.toISOString().slice(0, 10)}` }
    : { id: 'validity', status: 'fail', detail: `not valid on ${inp.at.toISOString().slice(0, 10)}: ${expired.map((c) => `${name(c)} (${c.notBefore.toISOString().slice(0, 10)} to ${c.notAfter.toISOString().slice(0, 10)})`).join(', ')}` });
  const critical = placed.filter((c) => c.unknownCritical.length > 0);
  if (critical.length > 0) {
    checks.push({ id: 'extensions', status: 'fail', detail: `critical extensions this verifier does not understand: ${critical.map((c) => `${name(c)}: ${c.unknownCritical.join(', ')}`).join('; ')}` });
  }
  return { checks, manufacturer, owner, ...result };
}

/** The owner's certificate for a Marvell key (undefined when none of `offered` names that key). */
function keysMatch(id: string, what: string, mine: Certificate | undefined, marvell: Certificate, offered: readonly Certificate[]): AttestationCheck {
  if (mine !== undefined) {
    return { id, status: 'pass', detail: `the owner's ${what} certificate ${name(mine)} names Marvell's ${what} key (SHA-256 ${short(hex(marvell.spkiSha256))})` };
  }
  const keys = offered.map((c) => `${name(c)} key ${short(hex(c.spkiSha256))}`).join(', ');
  return { id, status: 'fail', detail: `no owner certificate names Marvell's ${what} key (SHA-256 ${short(hex(marvell.spkiSha256))}): the owner chain certifies ${keys || 'nothing'} instead` };
}
