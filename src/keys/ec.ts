// EC private keys: SEC1 / RFC 5915 ECPrivateKey reading, curve resolution, the public point derived with
// @noble/curves and checked against the one in the file, and the canonical encodings we emit:
//
//   PrivateKeyInfo { version 0, { id-ecPublicKey, namedCurve }, OCTET STRING ECPrivateKey {
//     version 1, privateKey OCTET STRING (padded to the scalar size, RFC 5915 §3), publicKey [1] (uncompressed) } }
//
// — what `openssl pkcs8 -topk8 -nocrypt` writes for a key whose point is in uncompressed form (OpenSSL
// omits the inner [0] parameters in PKCS#8 and keeps [1]; whether Azure needs [1] is unknown, so we keep
// what OpenSSL keeps). Named curves only: explicit parameters are refused (RFC 5480 §2.1.1 forbids
// them in PKIX, and checking that spelled-out parameters are one of the four curves is a trap we avoid).
//
//   ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) }, privateKey OCTET STRING,
//     parameters [0] ECParameters {{ NamedCurve }} OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ByokError } from '../errors.js';
import {
  TAG, bitStringDer, bitStringOctets, childrenOf, derError, objectIdentifier, octetString, octetStringDer,
  oidDer, seq, sequence, smallInteger, smallUintDer, tlv, type DerCode, type DerNode,
} from './der.js';
import { CURVES, OID, OTHER_CURVES, curveByOid, type AzureCurve, type CurveInfo } from './oids.js';

interface NobleCurve {
  getPublicKey(secretKey: Uint8Array, isCompressed?: boolean): Uint8Array;
  Point: {
    fromBytes(bytes: Uint8Array): { equals(other: unknown): boolean; toBytes(isCompressed?: boolean): Uint8Array };
  };
}

const NOBLE: Record<AzureCurve, NobleCurve> = {
  'P-256': p256 as unknown as NobleCurve,
  'P-384': p384 as unknown as NobleCurve,
  'P-521': p521 as unknown as NobleCurve,
  'P-256K': secp256k1 as unknown as NobleCurve,
};

export interface EcPrivate {
  readonly curve: CurveInfo;
  /** The scalar padded to the curve's scalar size (a fresh buffer: wipe it). */
  readonly d: Uint8Array;
  /** Uncompressed public point 04‖X‖Y (derived, and equal to the file's point when it has one). */
  readonly publicPoint: Uint8Array;
}

function unsupportedCurve(oid: string, path: string): ByokError {
  const name = OTHER_CURVES[oid] ?? `the curve with OID ${oid}`;
  return new ByokError(
    'UNSUPPORTED_CURVE',
    `${path}: ${name} is not importable; Azure imports EC keys on ${CURVES.map((c) => c.name).join(', ')} only`,
    { path },
  );
}

/** ECParameters (RFC 5480 §2.1.1): only a namedCurve OID of the four Azure curves is accepted. */
export function curveFromParameters(node: DerNode | undefined, code: DerCode, path: string): CurveInfo {
  if (node === undefined) throw derError(code, path, 'missing EC curve parameters');
  if (node.tag === TAG.SEQUENCE) {
    throw new ByokError(
      'EXPLICIT_CURVE_PARAMETERS',
      `${path}: the key spells out its curve parameters instead of naming the curve; re-export it with a named curve (openssl ec -in key.pem -param_enc named_curve -out named.pem) if it is one of P-256, P-384, P-521, secp256k1`,
      { path },
    );
  }
  if (node.tag === TAG.NULL) {
    throw new ByokError('EXPLICIT_CURVE_PARAMETERS', `${path}: implicitlyCA curve parameters are not supported; the key must name its curve`, { path });
  }
  const oid = objectIdentifier(node, code, path);
  const curve = curveByOid(oid);
  if (curve === undefined) throw unsupportedCurve(oid, path);
  return curve;
}

function invalidEc(path: string, problem: string): ByokError {
  return new ByokError('INVALID_EC_KEY', `${path}: ${problem}; export the key again from its source`, { path });
}

/**
 * Reads an ECPrivateKey. `outer` is the curve named by a PKCS#8 AlgorithmIdentifier, when there is one;
 * a SEC1 key on its own must name its curve in [0].
 */
export function readEcPrivateKey(node: DerNode, path: string, outer: CurveInfo | undefined, code: DerCode = 'MALFORMED_KEY'): EcPrivate {
  const items = sequence(node, code, path, 2, 4);
  const version = smallInteger(items[0], code, `${path}.version`);
  if (version !== 1) throw derError(code, `${path}.version`, `ECPrivateKey version must be 1, found ${version}`);
  const scalar = octetString(items[1], code, `${path}.privateKey`);
  let inner: CurveInfo | undefined;
  let point: Uint8Array | undefined;
  let i = 2;
  if (items[i]?.tag === TAG.ctx(0, true)) {
    const params = childrenOf(items[i] as DerNode, code, `${path}.parameters`);
    if (params.length !== 1) throw derError(code, `${path}.parameters`, '[0] must hold exactly one element');
    inner = curveFromParameters(params[0], code, `${path}.parameters`);
    i++;
  }
  if (items[i]?.tag === TAG.ctx(1, true)) {
    const pk = childrenOf(items[i] as DerNode, code, `${path}.publicKey`);
    if (pk.length !== 1) throw derError(code, `${path}.publicKey`, '[1] must hold exactly one element');
    point = bitStringOctets(pk[0], code, `${path}.publicKey`);
    i++;
  }
  if (i !== items.length) {
    throw derError(code, path, `unexpected ${items.length - i} element(s) after the known fields (expected [0] parameters, [1] publicKey)`);
  }
  if (outer !== undefined && inner !== undefined && outer.oid !== inner.oid) {
    throw invalidEc(`${path}.parameters`, `the key names ${inner.name} inside but ${outer.name} outside`);
  }
  const curve = outer ?? inner;
  if (curve === undefined) {
    throw derError(code, `${path}.parameters`, 'the key does not name its curve (no [0] parameters)');
  }
  return completeEcPrivate(curve, scalar, point, path);
}

/**
 * Pads the scalar, derives the public point and checks it against `point` when given (any SEC1 point
 * encoding: compressed, uncompressed). Throws INVALID_EC_KEY on mismatch or an out-of-range scalar.
 */
export function completeEcPrivate(curve: CurveInfo, scalar: Uint8Array, point: Uint8Array | undefined, path: string): EcPrivate {
  let start = 0;
  while (start < scalar.length && scalar[start] === 0) start++;
  if (scalar.length - start > curve.scalarLen) {
    throw invalidEc(`${path}.privateKey`, `the private key is longer than ${curve.scalarLen} octets for ${curve.name}`);
  }
  const d = new Uint8Array(curve.scalarLen);
  d.set(scalar.subarray(start), curve.scalarLen - (scalar.length - start));
  const noble = NOBLE[curve.name];
  let derived: Uint8Array;
  try {
    derived = noble.getPublicKey(d, false);
  } catch {
    d.fill(0);
    throw invalidEc(`${path}.privateKey`, `the private key is not a valid ${curve.name} scalar (it must be in [1, n−1])`);
  }
  if (point !== undefined) {
    let same = false;
    try {
      same = noble.Point.fromBytes(point).equals(noble.Point.fromBytes(derived));
    } catch {
      d.fill(0);
      throw invalidEc(`${path}.publicKey`, `the public key is not a valid ${curve.name} point`);
    }
    if (!same) {
      d.fill(0);
      throw invalidEc(`${path}.publicKey`, 'the public key does not belong to the private key');
    }
  }
  return { curve, d, publicPoint: derived };
}

/** Validates a public point (SEC1 encoding) and returns it uncompressed. */
export function uncompressedPoint(curve: CurveInfo, point: Uint8Array, path: string): Uint8Array {
  try {
    return NOBLE[curve.name].Point.fromBytes(point).toBytes(false);
  } catch {
    throw invalidEc(path, `not a valid ${curve.name} point`);
  }
}

const ecAlg = (curve: CurveInfo): Uint8Array => seq(oidDer(OID.ecPublicKey), oidDer(curve.oid));

/** Canonical PKCS#8 (see the file header); intermediate buffers are wiped. */
export function ecPkcs8(k: EcPrivate): Uint8Array {
  const scalar = octetStringDer(k.d);
  const inner = seq(smallUintDer(1), scalar, tlv(TAG.ctx(1, true), bitStringDer(k.publicPoint)));
  const wrapped = octetStringDer(inner);
  const out = seq(smallUintDer(0), ecAlg(k.curve), wrapped);
  scalar.fill(0);
  inner.fill(0);
  wrapped.fill(0);
  return out;
}

export function ecSpki(curve: CurveInfo, publicPoint: Uint8Array): Uint8Array {
  return seq(ecAlg(curve), bitStringDer(publicPoint));
}

