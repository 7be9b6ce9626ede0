// Google Cloud KMS's key attestation (kek-attestation.md §1, §A.7): an ImportJob or CryptoKeyVersion with
// `attestation: { format, content, certChains: { caviumCerts, googleCardCerts, googlePartitionCerts } }`,
// or the bare attestation. `content` is base64 of the gzip-compressed blob (two objects: the public and
// the private key); formats CAVIUM_V1_COMPRESSED and CAVIUM_V2_COMPRESSED. An ImportJob's `publicKey.pem`
// is the KEK it attests.
//
// Signatures: PKCS#1 v1.5 with DigestInfo only (Google's verify script requires it).
//
// Owner chain: Google's Hawksbill root (pinned) certifies both Marvell keys again, the partition key and
// the card key (Google's verify_attestation_chains.py).
import { readKek } from '../kek/index.js';
import { hex, sameBytes, short } from './bytes.js';
import { issuedBy, keysMatch, name, pinned, summary } from './chains.js';
import { gunzipBounded, isGzip } from './gzip.js';
import { bad, bytesMember, certificatesFromPem, isRecord, str, unsupported, type PublicKeyRef } from './input.js';
import { GOOGLE_HAWKSBILL_ROOT_PEM, MARVELL_LS1_ROOT_PEM } from './builtin-roots.js';
import type { ProviderSpec } from './provider.js';
import { fail, pass } from './types.js';
import type { Certificate } from './x509.js';

const FORMATS = ['CAVIUM_V1_COMPRESSED', 'CAVIUM_V2_COMPRESSED'];
const CHAINS = ['caviumCerts', 'googleCardCerts', 'googlePartitionCerts'];

export const GCP: ProviderSpec = {
  name: 'gcp',
  matches: (att) => att['content'] !== undefined || att['format'] !== undefined || att['certChains'] !== undefined,
  encodings: ['digest-info'],
  builtInRoots: [MARVELL_LS1_ROOT_PEM, GOOGLE_HAWKSBILL_ROOT_PEM],
  unpack: (name, bytes) => (isGzip(bytes) ? gunzipBounded(bytes, `attestation.${name}`) : fail(`layout:${name}`, `${name} blob: not gzip-compressed, as Cloud KMS sends it`)),

  read(obj, att, path) {
    const format = str(att['format'], `${path}.format`);
    if (format === undefined) throw bad(`${path}.format`, 'missing');
    if (!FORMATS.includes(format)) throw unsupported(`${path}.format`, format, FORMATS.join(', '));
    const content = bytesMember(att['content'], `${path}.content`);
    const chains = att['certChains'];
    if (!isRecord(chains)) throw bad(`${path}.certChains`, 'missing: the certificate chains are needed to verify the attestation');
    const certificates: Certificate[] = [];
    for (const chain of CHAINS) {
      const list = chains[chain];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw bad(`${path}.certChains.${chain}`, 'expected an array of PEM strings');
      for (const [i, pem] of (list as string[]).entries()) certificates.push(...certificatesFromPem(pem, `${path}.certChains.${chain}[${i}]`));
    }
    let key: PublicKeyRef | undefined;
    const publicKey = obj['publicKey'];
    if (isRecord(publicKey) && publicKey['pem'] !== undefined) {
      const k = readKek(str(publicKey['pem'], 'publicKey.pem') ?? '');
      key = { kind: 'rsa', n: k.n, e: k.e };
    }
    const resource = str(obj['name'], 'name');
    return { provider: 'gcp', format, blobs: [{ name: 'content', bytes: content }], certificates, ...(key ? { key } : {}), ...(resource ? { resource } : {}) };
  },

  ownerChain({ rest, all, card, partition, googlePins, at, checks, owner, used }) {
    const roots = all.filter((c) => pinned(c, googlePins));
    const issued = roots.flatMap((r) => issuedBy(rest, r).map((c) => ({ c, r })));
    if (roots.length === 0) {
      checks.push(fail('owner-chain', 'owner chain: no Google Hawksbill root certificate given (the file leaves it out): --roots FILE'));
      return;
    }
    if (issued.length === 0) {
      checks.push(fail('owner-chain', 'owner chain: no certificate is signed by the pinned Google root'));
      return;
    }
    const root = issued[0]!.r;
    owner.push(summary('owner-root', root, at, true));
    checks.push(pass('owner-chain', `owner chain: Google root ${name(root)} (pinned key ${short(hex(root.spkiSha256))}) → ${issued.map(({ c }) => name(c)).join(', ')}, signatures verified`));
    for (const [id, role, what, marvell] of [['partition-key', 'owner-partition', 'partition', partition], ['card-key', 'owner-card', 'card', card]] as const) {
      const mine = issued.find(({ c }) => sameBytes(c.spki, marvell.spki))?.c;
      if (mine !== undefined) {
        used.add(mine);
        owner.push(summary(role, mine, at));
      }
      checks.push(keysMatch(id, what, mine, marvell, issued.map(({ c }) => c)));
    }
  },
};
