// Ed25519 private keys (RFC 8410): the CurvePrivateKey inside PKCS#8 / OneAsymmetricKey, v1 and v2 (with the
// public key, RFC 5958), and JWK "OKP" (RFC 8037 §2). The public key is always derived from the seed with
// @noble/curves and compared with the one the file carries, so a damaged or mismatched pair is refused.
//
//   PrivateKeyInfo { version 0, AlgorithmIdentifier { id-Ed25519 }, OCTET STRING { CurvePrivateKey } }
//   CurvePrivateKey ::= OCTET STRING        -- the 32-byte seed (RFC 8410 §7)
//
// The canonical encoding we emit is version 0 without attributes or public key (48 bytes), byte for byte
// what `openssl pkcs8 -topk8 -nocrypt -outform DER` writes for any Ed25519 key; RFC 8410 §3: the
// AlgorithmIdentifier's parameters MUST be absent.
import { ed25519 } from '@noble/curves/ed25519.js';
import { ByokError } from '../errors.js';
import { bitStringDer, derError, octetString, octetStringDer, oidDer, parseDer, seq, smallUintDer, type DerNode } from './der.js';
import { OID } from './oids.js';

/** A checked Ed25519 key: the seed (a fresh buffer the caller wipes) and the public key derived from it. */
export interface Ed25519Private {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

const SEED_LEN = 32;
const CODE = 'MALFORMED_KEY';

function mismatch(path: string): ByokError {
  return new ByokError('INVALID_EC_KEY', `${path}: the Ed25519 public key does not belong to the private key; export the key again from its source`, { path });
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

/**
 * Derives the public key of `seed` (copied: the caller keeps and wipes its own buffer) and checks it
 * against `publicKey` when the source carried one.
 */
export function completeEd25519(seed: Uint8Array, publicKey: Uint8Array | undefined, path: string): Ed25519Private {
  if (seed.length !== SEED_LEN) {
    throw derError(CODE, `${path}`, `an Ed25519 private key is ${SEED_LEN} octets (RFC 8032 §5.1.5), found ${seed.length}`);
  }
  const own = seed.slice();
  const derived = ed25519.getPublicKey(own);
  if (publicKey !== undefined && !equalBytes(publicKey, derived)) {
    own.fill(0);
    throw mismatch(path);
  }
  return { seed: own, publicKey: derived };
}

/**
 * The privateKey OCTET STRING of a PrivateKeyInfo whose algorithm is id-Ed25519: a CurvePrivateKey
 * (an OCTET STRING of 32 octets). `params` must be absent; `publicKey` is the v2 [1] field when present.
 */
export function ed25519FromPkcs8(params: DerNode | undefined, inner: Uint8Array, publicKey: Uint8Array | undefined, root: string): Ed25519Private {
  if (params !== undefined) throw derError(CODE, `${root}.privateKeyAlgorithm.parameters`, 'id-Ed25519 takes no parameters (RFC 8410 §3)');
  const path = `${root}.privateKey.CurvePrivateKey`;
  const seed = octetString(parseDer(inner, CODE, path), CODE, path);
  return completeEd25519(seed, publicKey, path);
}

const ED25519_ALG = (): Uint8Array => seq(oidDer(OID.ed25519));

/** Canonical PKCS#8 v1 (see the file header); the intermediate buffers are wiped. */
export function ed25519Pkcs8(k: Ed25519Private): Uint8Array {
  const curvePrivateKey = octetStringDer(k.seed);
  const wrapped = octetStringDer(curvePrivateKey);
  const out = seq(smallUintDer(0), ED25519_ALG(), wrapped);
  curvePrivateKey.fill(0);
  wrapped.fill(0);
  return out;
}

/** SubjectPublicKeyInfo DER of an Ed25519 public key (RFC 8410 §4). */
export function ed25519Spki(publicKey: Uint8Array): Uint8Array {
  return seq(ED25519_ALG(), bitStringDer(publicKey));
}
