// The local certificate authority of a `byok serve` data folder, and the server certificate it issues for
// localhost / 127.0.0.1 / ::1. pkijs is the certificate codec (RFC 5280 structures, X.509 v3 extensions);
// the signatures are made with node:crypto (ECDSA P-256 with SHA-256), not with pkijs's crypto engine.
// pkijs is imported through the package's "#pkijs-node-only" alias: src/ outside src/serve cannot import
// it (tsconfig.json), because the browser tool must not bundle it (docs/ARCHITECTURE.md).
//
// The extensions are the ones strict verifiers ask for (OpenSSL's X509_V_FLAG_X509_STRICT, which Python
// 3.13 turns on for `az`'s REQUESTS_CA_BUNDLE): a critical basicConstraints and keyUsage on the CA,
// subject and authority key identifiers on both, subjectAltName and serverAuth on the server certificate.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from '#pkijs-node-only';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const CN = '2.5.4.3';
const DAY = 24 * 3600 * 1000;

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: CN, value: new asn1js.Utf8String({ value: cn }) })],
  });
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.AsnType): pkijs.Extension {
  const schema = 'toSchema' in value ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

interface CertSpec {
  readonly subject: string;
  readonly subjectKey: KeyObject;
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly issuerKey: KeyObject;
  readonly issuerKeyId: Uint8Array | undefined;
  readonly days: number;
  readonly ca: boolean;
}

/**
 * A certificate serial from 16 random bytes (RFC 5280 §4.1.2.2: positive, at most 20 octets), as DER
 * INTEGER content. The first byte's top bits are set to 01: positive, and never a leading zero byte that
 * DER forbids (OpenSSL refuses such a certificate with "illegal padding"; clearing only the top bit left
 * that to 1 certificate in 512). 126 random bits remain.
 */
export function certificateSerial(random: Uint8Array): Uint8Array {
  const serial = random.slice(0, 16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

function issue(spec: CertSpec): Uint8Array {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: ab(certificateSerial(randomBytes(16))) });
  cert.issuer = spec.issuer;
  cert.subject = name(spec.subject);
  const now = Date.now();
  cert.notBefore.value = new Date(now - 5 * 60 * 1000); // tolerate a client clock a little behind
  cert.notAfter.value = new Date(now + spec.days * DAY);
  const spkiDer = createPublicKey(spec.subjectKey).export({ type: 'spki', format: 'der' });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(ab(spkiDer));
  const ski = keyIdentifier(cert.subjectPublicKeyInfo);
  const aki = spec.issuerKeyId ?? ski;
  const extensions = [
    extension('2.5.29.19', true, new pkijs.BasicConstraints(spec.ca ? { cA: true, pathLenConstraint: 0 } : { cA: false })),
    // keyCertSign + cRLSign (bits 5, 6) for the CA; digitalSignature (bit 0) for the server
    extension('2.5.29.15', true, spec.ca
      ? new asn1js.BitString({ valueHex: ab(new Uint8Array([0x06])), unusedBits: 1 })
      : new asn1js.BitString({ valueHex: ab(new Uint8Array([0x80])), unusedBits: 7 })),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: ab(ski) })),
    extension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: ab(aki) }) })),
  ];
  if (!spec.ca) {
    extensions.push(
      extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.1'] })),
      extension('2.5.29.17', false, new pkijs.GeneralNames({
        names: [
          new pkijs.GeneralName({ type: 2, value: 'localhost' }),
          new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ab(new Uint8Array([127, 0, 0, 1])) }) }),
          new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ab(new Uint8Array(16).fill(1, 15)) }) }),
        ],
      })),
    );
  }
  cert.extensions = extensions;
  cert.signature = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA256 });
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA256 });
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  const signature = sign('sha256', tbs, { key: spec.issuerKey, dsaEncoding: 'der' });
  cert.signatureValue = new asn1js.BitString({ valueHex: ab(signature) });
  return new Uint8Array(cert.toSchema(true).toBER(false)); // true: encode the TBS just signed
}

function newKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** A new local CA (10 years). */
export function createCa(label: string): IssuedCertificate {
  const key = newKey();
  const subject = `byok serve local CA ${label}`;
  const der = issue({ subject, subjectKey: key, issuer: name(subject), issuerKey: key, issuerKeyId: undefined, days: 3650, ca: true });
  return { certPem: toPem('CERTIFICATE', der), keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** A server certificate for localhost, 127.0.0.1 and ::1 (825 days), signed by the CA. */
export function createServerCertificate(ca: IssuedCertificate): IssuedCertificate {
  const caCert = pkijs.Certificate.fromBER(ab(new X509Certificate(ca.certPem).raw));
  const key = newKey();
  const der = issue({
    subject: 'localhost', subjectKey: key, issuer: caCert.subject, issuerKey: createPrivateKey(ca.keyPem),
    issuerKeyId: keyIdentifier(caCert.subjectPublicKeyInfo), days: 825, ca: false,
  });
  return { certPem: toPem('CERTIFICATE', der), keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/**
 * True when the server certificate must be issued again: it expires within `days`, or it cannot be read
 * (before certificateSerial, 1 in 512 had a serial OpenSSL refuses, and such a folder could never start).
 */
export function needsReissue(certPem: string, days: number): boolean {
  try {
    return expiresWithin(certPem, days);
  } catch {
    return true;
  }
}

/** True when the certificate expires within `days`. */
export function expiresWithin(certPem: string, days: number): boolean {
  return new Date(new X509Certificate(certPem).validTo).getTime() - Date.now() < days * DAY;
}
