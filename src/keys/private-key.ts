// Plain private-key structures -> a normalized key: PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208,
// RFC 5958), PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey, RFC 8410 Ed25519. All checks (RSA consistency, EC
// point, Ed25519 public key) run here, so every container (PEM, DER, PKCS#12, JWK, transport-wrapped) ends in
// the same validated record.
//
//   OneAsymmetricKey ::= SEQUENCE { version INTEGER { v1(0), v2(1) }, privateKeyAlgorithm AlgorithmIdentifier,
//     privateKey OCTET STRING, attributes [0] IMPLICIT Attributes OPTIONAL,
//     ..., [[2: publicKey [1] IMPLICIT BIT STRING OPTIONAL ]], ... }
import { ByokError } from '../errors.js';
import {
  TAG, algorithmIdentifier, derError, isNullNode, octetString, parseDer, sequence, smallInteger, unsignedInteger,
  type DerNode,
} from './der.js';
import { curveFromParameters, readEcPrivateKey, uncompressedPoint, type EcPrivate } from './ec.js';
import { ed25519FromPkcs8, type Ed25519Private } from './ed25519.js';
import { OID, OTHER_KEY_ALGORITHMS, type CurveInfo } from './oids.js';
import { checkRsaPrivate, readRsaPrivateKey, type RsaPrivateParts } from './rsa.js';

/** A parsed and checked key. RSA/EC fields may be views into a buffer the caller wipes. */
export type NormalizedKey =
  | { readonly kind: 'rsa'; readonly bits: number; readonly rsa: RsaPrivateParts; readonly path: string }
  | { readonly kind: 'ec'; readonly bits: number; readonly ec: EcPrivate }
  | { readonly kind: 'ed25519'; readonly bits: 256; readonly ed: Ed25519Private }
  | { readonly kind: 'oct'; readonly bits: number; readonly k: Uint8Array; readonly keyType: SymmetricKeyType };

/** What a symmetric key is for: an AES key or an HMAC (generic secret) key. */
export type SymmetricKeyType = 'aes' | 'hmac';

const CODE = 'MALFORMED_KEY';

export function unsupportedAlgorithm(name: string, path: string): ByokError {
  return new ByokError(
    'UNSUPPORTED_KEY_TYPE',
    `${path}: ${name} keys cannot be imported into any supported cloud; the toolkit reads RSA (two-prime), EC (P-256, P-384, P-521, secp256k1), Ed25519, AES and HMAC keys`,
    { path },
  );
}

function rsaPss(path: string): ByokError {
  return new ByokError(
    'UNSUPPORTED_KEY_TYPE',
    `${path}: this RSA key is restricted to RSASSA-PSS signatures and a cloud would import it without that restriction; if that is intended, convert it deliberately (openssl rsa -in key.pem -traditional -outform DER -out rsa.der writes the plain PKCS#1 key) and import the result`,
    { path },
  );
}

export function rsaFromDer(der: Uint8Array, path: string): NormalizedKey {
  const rsa = readRsaPrivateKey(parseDer(der, CODE, path), path);
  return { kind: 'rsa', bits: checkRsaPrivate(rsa, path), rsa, path };
}

export function ecFromSec1Der(der: Uint8Array, path: string): NormalizedKey {
  const ec = readEcPrivateKey(parseDer(der, CODE, path), path, undefined);
  return { kind: 'ec', bits: ec.curve.bits, ec };
}

/** The algorithm of a PrivateKeyInfo, for listings: 'rsa', 'ec', or a named unsupported type. */
export function pkcs8KindOf(der: Uint8Array): string {
  try {
    const items = sequence(parseDer(der, CODE, 'PrivateKeyInfo'), CODE, 'PrivateKeyInfo', 3);
    const { oid } = algorithmIdentifier(items[1], CODE, 'PrivateKeyInfo.privateKeyAlgorithm');
    if (oid === OID.rsaEncryption) return 'rsa';
    if (oid === OID.ecPublicKey) return 'ec';
    if (oid === OID.ed25519) return 'ed25519';
    return `unsupported (${OTHER_KEY_ALGORITHMS[oid] ?? (oid === OID.rsassaPss ? 'RSASSA-PSS' : oid)})`;
  } catch {
    return 'unknown';
  }
}

export function pkcs8FromDer(der: Uint8Array, root = 'PrivateKeyInfo'): NormalizedKey {
  const items = sequence(parseDer(der, CODE, root), CODE, root, 3, 5);
  const version = smallInteger(items[0], CODE, `${root}.version`);
  if (version > 1) throw derError(CODE, `${root}.version`, `unknown PrivateKeyInfo version ${version}`);
  const alg = algorithmIdentifier(items[1], CODE, `${root}.privateKeyAlgorithm`);
  const inner = octetString(items[2], CODE, `${root}.privateKey`);
  let i = 3;
  if (items[i]?.tag === TAG.ctx(0, true)) i++; // attributes: informational (Windows adds key usage), ignored
  let publicKey: Uint8Array | undefined;
  if (version === 1 && items[i]?.tag === TAG.ctx(1, false)) {
    const c = (items[i] as DerNode).content;
    if (c.length === 0 || c[0] !== 0) throw derError(CODE, `${root}.publicKey`, 'BIT STRING with unused bits');
    publicKey = c.subarray(1);
    i++;
  }
  if (i !== items.length) throw derError(CODE, root, 'unexpected element after the private key (not [0] attributes or [1] publicKey)');

  const algPath = `${root}.privateKeyAlgorithm`;
  if (alg.oid === OID.rsaEncryption) {
    if (alg.params !== undefined && !isNullNode(alg.params)) {
      throw derError(CODE, `${algPath}.parameters`, 'rsaEncryption parameters must be NULL');
    }
    const path = `${root}.privateKey.RSAPrivateKey`;
    const key = rsaFromDer(inner, path);
    if (publicKey !== undefined && key.kind === 'rsa') checkRsaPublicMatches(publicKey, key.rsa, `${root}.publicKey`);
    return key;
  }
  if (alg.oid === OID.ecPublicKey) {
    const curve = curveFromParameters(alg.params, CODE, `${algPath}.parameters`);
    const path = `${root}.privateKey.ECPrivateKey`;
    const ec = readEcPrivateKey(parseDer(inner, CODE, path), path, curve);
    if (publicKey !== undefined && !samePoint(curve, publicKey, ec.publicPoint, `${root}.publicKey`)) {
      ec.d.fill(0);
      throw new ByokError('INVALID_EC_KEY', `${root}.publicKey: the public key does not belong to the private key; export the key again from its source`, { path: `${root}.publicKey` });
    }
    return { kind: 'ec', bits: curve.bits, ec };
  }
  if (alg.oid === OID.ed25519) {
    return { kind: 'ed25519', bits: 256, ed: ed25519FromPkcs8(alg.params, inner, publicKey, root) };
  }
  if (alg.oid === OID.rsassaPss) throw rsaPss(algPath);
  const name = OTHER_KEY_ALGORITHMS[alg.oid];
  throw unsupportedAlgorithm(name ?? `the algorithm with OID ${alg.oid}`, algPath);
}

function checkRsaPublicMatches(spkiBits: Uint8Array, rsa: RsaPrivateParts, path: string): void {
  const items = sequence(parseDer(spkiBits, CODE, path), CODE, path, 2, 2);
  const n = unsignedInteger(items[0], CODE, `${path}.modulus`);
  const e = unsignedInteger(items[1], CODE, `${path}.publicExponent`);
  if (!equalBytes(n, rsa.n) || !equalBytes(e, rsa.e)) {
    throw new ByokError('INVALID_RSA_KEY', `${path}: the public key does not belong to the private key; export the key again from its source`, { path });
  }
}

function samePoint(curve: CurveInfo, point: Uint8Array, derived: Uint8Array, path: string): boolean {
  try {
    return equalBytes(uncompressedPoint(curve, point, path), derived);
  } catch {
    return false;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Classification of one DER structure by shape, for detection. */
export type DerShape =
  | 'pkcs8' | 'pkcs8-encrypted' | 'pkcs1' | 'sec1'
  | 'spki' | 'pkcs1-public' | 'certificate' | 'unknown';

export function derShape(der: Uint8Array): DerShape {
  let items: DerNode[];
  try {
    items = sequence(parseDer(der, CODE, 'DER'), CODE, 'DER');
  } catch {
    return 'unknown';
  }
  const [a, b, c] = items;
  if (a === undefined || b === undefined) return 'unknown';
  if (a.tag === TAG.INTEGER) {
    // By tags only: a bad version number is then reported by the parser, with its path.
    if (b.tag === TAG.SEQUENCE && c?.tag === TAG.OCTET_STRING) return 'pkcs8';
    if (b.tag === TAG.INTEGER && items.length >= 9) return 'pkcs1';
    if (b.tag === TAG.OCTET_STRING) return 'sec1';
    if (items.length === 2 && b.tag === TAG.INTEGER) return 'pkcs1-public';
    return 'unknown';
  }
  if (a.tag === TAG.SEQUENCE && items.length === 2 && b.tag === TAG.OCTET_STRING) return 'pkcs8-encrypted';
  if (a.tag === TAG.SEQUENCE && items.length === 2 && b.tag === TAG.BIT_STRING) return 'spki';
  if (a.tag === TAG.SEQUENCE && items.length === 3 && b.tag === TAG.SEQUENCE && c?.tag === TAG.BIT_STRING) return 'certificate';
  return 'unknown';
}
