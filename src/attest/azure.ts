// Azure Managed HSM's key attestation (kek-attestation.md §1, §A.1, §A.4): the KeyBundle of
// GET /keys/{name}[/{version}]/attestation (az keyvault key get-attestation --file, REST), its
// `attributes`, the bare `attestation`, or the @azure/keyvault-keys KeyVaultKey (`properties.attestation`,
// Uint8Array fields). `certificatePemFile` (the 7.6-preview.2 swagger: `certificates`) is base64url of PEM
// text; the blobs are base64url and raw (one object each); `version` is MRVL-1.
//
// Signatures: firmware 2.x signs PKCS#1 v1.5 padding over the bare SHA-256, 3.x with DigestInfo
// (Microsoft's script tries both); both are accepted, each with every padding byte checked.
//
// Owner chain: a self-signed Microsoft root per pool (with cA=TRUE) → the owner's partition certificate,
// whose key must be the Marvell partition key. The root is not published anywhere: it is reported, and
// pinned only when the caller pins it (anchors.microsoft, --owner-root).
import { bytesToText } from '../keys/pem.js';
import { hex, sameBytes } from './bytes.js';
import { cannotIssue, issuedBy, keysMatch, name, pinned, summary } from './chains.js';
import { bad, bytesMember, certificatesFromPem, isRecord, jwkKey, str, unsupported } from './input.js';
import { MARVELL_LS1_ROOT_PEM } from './builtin-roots.js';
import type { ProviderSpec } from './provider.js';
import { fail, note, pass, verdict } from './types.js';
import { notSignedBy } from './x509.js';

export const AZURE: ProviderSpec = {
  name: 'azure',
  matches: (att) => att['privateKeyAttestation'] !== undefined || att['certificatePemFile'] !== undefined || att['certificates'] !== undefined,
  encodings: ['bare-sha256', 'digest-info'],
  unpack: (_name, bytes) => bytes,
  builtInRoots: [MARVELL_LS1_ROOT_PEM],

  read(obj, att, path) {
    const version = str(att['version'], `${path}.version`);
    if (version === undefined) throw bad(`${path}.version`, 'missing');
    if (version !== 'MRVL-1') throw unsupported(`${path}.version`, version, 'MRVL-1');
    const pemField = att['certificatePemFile'] !== undefined ? 'certificatePemFile' : 'certificates';
    const pem = bytesToText(bytesMember(att[pemField], `${path}.${pemField}`));
    const certificates = certificatesFromPem(pem, `${path}.${pemField}`);
    const blobs: { name: 'private' | 'public'; bytes: Uint8Array }[] = [
      { name: 'private', bytes: bytesMember(att['privateKeyAttestation'], `${path}.privateKeyAttestation`) },
    ];
    if (att['publicKeyAttestation'] !== undefined && att['publicKeyAttestation'] !== null) {
      blobs.push({ name: 'public', bytes: bytesMember(att['publicKeyAttestation'], `${path}.publicKeyAttestation`) });
    }
    const jwk = isRecord(obj['key']) ? obj['key'] : undefined;
    const kid = str(obj['id'], 'id') ?? (jwk ? str(jwk['kid'], 'key.kid') : undefined);
    const key = jwk ? jwkKey(jwk, 'key') : undefined;
    return { provider: 'azure', format: version, blobs, certificates, ...(key ? { key } : {}), ...(kid ? { kid } : {}) };
  },

  ownerChain({ rest, partition, microsoftPins, at, checks, owner, used }) {
    const selfSigned = rest.filter((c) => sameBytes(c.subject, c.issuer) && notSignedBy(c, c) === undefined);
    if (selfSigned.length !== 1) {
      checks.push(fail('owner-chain', `owner chain: expected one self-signed Microsoft owner root, found ${selfSigned.length}`));
      return;
    }
    const root = selfSigned[0]!;
    used.add(root);
    const issued = issuedBy(rest, root);
    const problem = root.ca !== true ? `the owner root ${name(root)} lacks basicConstraints cA=TRUE` : cannotIssue(root);
    owner.push(summary('owner-root', root, at, pinned(root, microsoftPins)));
    if (issued.length !== 1 || problem !== undefined) {
      checks.push(fail('owner-chain', `owner chain: ${problem ?? `${issued.length} certificates are signed by the owner root; expected one`}`));
    } else {
      const op = issued[0]!;
      used.add(op);
      owner.push(summary('owner-partition', op, at));
      checks.push(pass('owner-chain', `owner chain: Microsoft owner root ${name(root)} → owner partition ${name(op)}, signatures verified`));
      checks.push(keysMatch('partition-key', 'partition', sameBytes(op.spki, partition.spki) ? op : undefined, partition, [op]));
    }
    if (microsoftPins.length > 0) {
      const ok = pinned(root, microsoftPins);
      checks.push(verdict('owner-root', ok, `owner root ${name(root)}: its key ${ok ? 'is' : 'is NOT'} the pinned Microsoft owner root (key SHA-256 ${hex(root.spkiSha256)})`));
    } else {
      checks.push(note('owner-root', `owner root ${name(root)} (SHA-256 ${hex(root.sha256)}): Microsoft's per-pool root, not pinned, so proof of nothing; only the Marvell chain is anchored`));
    }
  },
};
