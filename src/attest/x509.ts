// Just enough X.509 (RFC 5280 §4.1) to check a Marvell attestation's certificate chains, on the toolkit's
// strict DER reader (src/keys/der.ts) rather than pkijs, which would add ~400 KB to the browser page.
//
// What is read: version (v1 certificates have no [0] field — Marvell's card certificates are v1), serial,
// the signature algorithm (both copies, which must agree), issuer and subject (kept as DER, compared
// byte for byte, and rendered for people), validity, the SubjectPublicKeyInfo, basicConstraints and
// keyUsage, and which critical extensions are not understood. Signatures are RSASSA-PKCS1-v1_5 with
// SHA-256/384/512 (what Marvell, Google and Microsoft use here), checked by re-encoding the expected block
// and comparing it in full (pkcs1.ts). Anything else is reported, never guessed at.
import { getCore } from '../core/index.js';
import {
  TAG, algorithmIdentifier, bitStringOctets, childrenOf, derError, expectTag, isNullNode, objectIdentifier,
  parseDer, sequence, smallInteger, unsignedInteger, type DerNode,
} from '../keys/der.js';
import { OID } from '../keys/oids.js';
import { hex, sameBytes } from './bytes.js';
import { pkcs1Verify, type SignatureHash } from './pkcs1.js';

const CODE = 'MALFORMED_ATTESTATION';

export type CertKey =
  | { readonly kind: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly kind: 'other'; readonly algorithm: string };

export interface Certificate {
  /** The DER of tbsCertificate: the signed bytes. */
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly serialHex: string;
  readonly signatureAlgorithm: string;
  /** DER of the Name, for exact comparison (multi-valued RDNs occur: compare bytes, not text). */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly issuerText: string;
  readonly subjectText: string;
  /** The subject's CN, or '' when it has none. */
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of the SubjectPublicKeyInfo, as in the certificate. */
  readonly spki: Uint8Array;
  readonly key: CertKey;
  readonly signature: Uint8Array;
  /** basicConstraints when present. */
  readonly ca?: boolean;
  /** keyUsage bits when present (bit 0 = digitalSignature … bit 5 = keyCertSign), as a number. */
  readonly keyUsage?: number;
  /** OIDs of critical extensions this reader does not understand (RFC 5280 §4.2: must be refused). */
  readonly unknownCritical: readonly string[];
  /** SHA-256 of the certificate DER and of the SubjectPublicKeyInfo DER. */
  readonly sha256: Uint8Array;
  readonly spkiSha256: Uint8Array;
}

const SIG_ALGS: Readonly<Record<string, SignatureHash>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

const ATTR_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
};

const EXT = { basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15' } as const;
const UNDERSTOOD = new Set([EXT.basicConstraints, EXT.keyUsage, '2.5.29.14', '2.5.29.35', '2.5.29.37']);

/** The text of a DirectoryString / IA5String / PrintableString value (X.520). */
function stringValue(node: DerNode): string {
  const c = node.content;
  switch (node.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder('utf-8', { fatal: false }).decode(c);
    case 0x1e: { // BMPString (UTF-16BE)
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case 0x13: case 0x16: case 0x14: case 0x1a: // Printable, IA5, Teletex (read as Latin-1), Visible
      return String.fromCharCode(...c);
    default:
      return `#${Array.from(node.encoded, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}

/** Name as "C=US, O=Cavium, CN=…" in the order written (RFC 4514 reverses it; people read it this way). */
function nameText(node: DerNode, path: string): { text: string; cn: string } {
  const parts: string[] = [];
  let cn = '';
  for (const rdn of sequence(node, CODE, path)) {
    const set = childrenOf(expectTag(rdn, TAG.SET, CODE, path), CODE, path);
    const values = set.map((atv) => {
      const [type, value] = sequence(atv, CODE, `${path}.AttributeTypeAndValue`, 2, 2);
      const oid = objectIdentifier(type, CODE, `${path}.type`);
      const text = stringValue(value as DerNode);
      if (oid === '2.5.4.3' && cn === '') cn = text;
      return `${ATTR_NAMES[oid] ?? oid}=${text}`;
    });
    parts.push(values.join(' + '));
  }
  return { text: parts.join(', '), cn };
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 §4.1.2.5 requires them. */
function timeValue(node: DerNode | undefined, path: string): Date {
  if (node === undefined) throw derError(CODE, path, 'missing time');
  const s = String.fromCharCode(...node.content);
  const m = node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
    : node.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (m === null) throw derError(CODE, path, 'expected a UTCTime or GeneralizedTime in UTC with seconds');
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  const [mo, d, h, mi, sec] = m.slice(2).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, sec));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) throw derError(CODE, path, `invalid date ${s}`);
  return date;
}

function keyOf(spki: DerNode, path: string): CertKey {
  const [algNode, bits] = sequence(spki, CODE, path, 2, 2);
  const alg = algorithmIdentifier(algNode, CODE, `${path}.algorithm`);
  if (alg.oid !== OID.rsaEncryption) return { kind: 'other', algorithm: alg.oid === OID.ecPublicKey ? 'EC' : alg.oid };
  if (alg.params !== undefined && !isNullNode(alg.params)) throw derError(CODE, `${path}.algorithm.parameters`, 'rsaEncryption parameters must be NULL');
  const inner = parseDer(bitStringOctets(bits, CODE, `${path}.subjectPublicKey`), CODE, `${path}.RSAPublicKey`);
  const [n, e] = sequence(inner, CODE, `${path}.RSAPublicKey`, 2, 2);
  return { kind: 'rsa', n: unsignedInteger(n, CODE, `${path}.modulus`), e: unsignedInteger(e, CODE, `${path}.publicExponent`) };
}

interface Extensions { ca?: boolean; keyUsage?: number; unknownCritical: string[] }

function extensionsOf(node: DerNode, path: string): Extensions {
  const out: Extensions = { unknownCritical: [] };
  const seen = new Set<string>();
  const list = sequence(childrenOf(node, CODE, path)[0], CODE, path, 1);
  for (const ext of list) {
    const items = sequence(ext, CODE, `${path}.Extension`, 2, 3);
    const oid = objectIdentifier(items[0], CODE, `${path}.extnID`);
    if (seen.has(oid)) throw derError(CODE, path, `extension ${oid} appears twice`);
    seen.add(oid);
    let critical = false;
    if (items.length === 3) {
      const b = expectTag(items[1], 0x01, CODE, `${path}.critical`).content;
      if (b.length !== 1 || (b[0] !== 0xff && b[0] !== 0)) throw derError(CODE, `${path}.critical`, 'not a DER BOOLEAN');
      critical = b[0] === 0xff;
    }
    const value = expectTag(items[items.length - 1], TAG.OCTET_STRING, CODE, `${path}.extnValue`).content;
    if (oid === EXT.basicConstraints) {
      const bc = sequence(parseDer(value, CODE, `${path}.basicConstraints`), CODE, `${path}.basicConstraints`, 0, 2);
      const first = bc[0];
      out.ca = first !== undefined && first.tag === 0x01 && first.content[0] === 0xff;
    } else if (oid === EXT.keyUsage) {
      const ku = expectTag(parseDer(value, CODE, `${path}.keyUsage`), TAG.BIT_STRING, CODE, `${path}.keyUsage`).content;
      // Named bit i (0 = digitalSignature, 5 = keyCertSign) is bit 7 - i%8 of octet i/8 (X.690 §8.6.2).
      let usage = 0;
      for (let bit = 0; bit < 16 && 1 + (bit >> 3) < ku.length; bit++) {
        if (((ku[1 + (bit >> 3)]! >> (7 - (bit & 7))) & 1) !== 0) usage |= 1 << bit;
      }
      out.keyUsage = usage;
    } else if (critical && !UNDERSTOOD.has(oid)) {
      out.unknownCritical.push(oid);
    }
  }
  return out;
}


/** Parses one certificate (DER). `path` names it in errors ("certificate 2"). */
export function parseCertificate(der: Uint8Array, path: string): Certificate {
  const root = parseDer(der, CODE, path);
  const [tbsNode, sigAlgNode, sigNode] = sequence(root, CODE, path, 3, 3) as [DerNode, DerNode, DerNode];
  const fields = sequence(tbsNode, CODE, `${path}.tbsCertificate`, 6, 10);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === TAG.ctx(0, true)) {
    const v = smallInteger(childrenOf(fields[0], CODE, `${path}.version`)[0], CODE, `${path}.version`);
    if (v !== 1 && v !== 2) throw derError(CODE, `${path}.version`, `unknown certificate version ${v + 1}`);
    version = v + 1;
    i = 1;
  }
  const at = (k: number): DerNode => {
    const f = fields[i + k];
    if (f === undefined) throw derError(CODE, `${path}.tbsCertificate`, 'missing fields');
    return f;
  };
  const serial = expectTag(at(0), TAG.INTEGER, CODE, `${path}.serialNumber`).content;
  const innerAlg = algorithmIdentifier(at(1), CODE, `${path}.signature`);
  const issuer = nameText(at(2), `${path}.issuer`);
  const [nb, na] = sequence(at(3), CODE, `${path}.validity`, 2, 2);
  const subject = nameText(at(4), `${path}.subject`);
  const spkiNode = at(5);
  const key = keyOf(spkiNode, `${path}.subjectPublicKeyInfo`);
  let ext: Extensions = { unknownCritical: [] };
  for (const extra of fields.slice(i + 6)) {
    if (extra.tag === TAG.ctx(3, true)) {
      if (version !== 3) throw derError(CODE, `${path}.extensions`, 'extensions in a certificate that is not version 3');
      ext = extensionsOf(extra, `${path}.extensions`);
    } else if (extra.tag !== 0x81 && extra.tag !== 0x82) {
      throw derError(CODE, `${path}.tbsCertificate`, 'unexpected field after subjectPublicKeyInfo');
    }
  }
  const outerAlg = algorithmIdentifier(sigAlgNode, CODE, `${path}.signatureAlgorithm`);
  if (outerAlg.oid !== innerAlg.oid || (outerAlg.params?.encoded.length ?? 0) !== (innerAlg.params?.encoded.length ?? 0)) {
    throw derError(CODE, `${path}.signatureAlgorithm`, 'differs from the signature field inside the certificate (RFC 5280 §4.1.1.2)');
  }
  const core = getCore();
  return {
    tbs: tbsNode.encoded,
    version,
    serialHex: hex(serial),
    signatureAlgorithm: outerAlg.oid,
    issuer: at(2).encoded,
    subject: at(4).encoded,
    issuerText: issuer.text,
    subjectText: subject.text,
    commonName: subject.cn,
    notBefore: timeValue(nb, `${path}.validity.notBefore`),
    notAfter: timeValue(na, `${path}.validity.notAfter`),
    spki: spkiNode.encoded,
    key,
    signature: bitStringOctets(sigNode, CODE, `${path}.signatureValue`),
    ...(ext.ca === undefined ? {} : { ca: ext.ca }),
    ...(ext.keyUsage === undefined ? {} : { keyUsage: ext.keyUsage }),
    unknownCritical: ext.unknownCritical,
    sha256: core.sha256(der),
    spkiSha256: core.sha256(spkiNode.encoded),
  };
}

/**
 * Whether `issuer` signed `cert`: its subject names cert's issuer (DER bytes equal) and its key verifies
 * the signature. Returns undefined when it did, else the reason.
 */
export function notSignedBy(cert: Certificate, issuer: Certificate): string | undefined {
  if (!sameBytes(cert.issuer, issuer.subject)) return 'the issuer name differs';
  const hash = SIG_ALGS[cert.signatureAlgorithm];
  if (hash === undefined) return `its signature algorithm ${cert.signatureAlgorithm} is not RSA PKCS#1 v1.5 with SHA-256/384/512`;
  if (issuer.key.kind !== 'rsa') return `the issuer's key is ${issuer.key.algorithm}, not RSA`;
  const r = pkcs1Verify(issuer.key, cert.tbs, cert.signature, hash, ['digest-info']);
  return r.ok ? undefined : r.reason;
}
