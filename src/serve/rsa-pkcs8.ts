// The RSAPrivateKey inside an imported PKCS#8, found with key intake's strict DER walker, so the key can
// be loaded as PKCS#1. Why: OpenSSL 3 runs its whole decoder chain for a PKCS#8 blob (~0.8 ms for
// RSA-2048 here, the largest cost of a `.byok` import after the KEK's RSA operation) and ~0.3 ms for the
// same key as PKCS#1. The walk only locates bytes (views into the caller's buffer, no copies of the
// secret); OpenSSL still decodes and checks the key. Anything the walk does not take as a plain two-prime
// RSA PKCS#8 v1 (BER, other algorithms, attributes, multi-prime) returns undefined and goes through
// OpenSSL's PKCS#8 decoder as before, so what the server accepts is unchanged.
import { algorithmIdentifier, isNullNode, octetString, parseDer, sequence, smallInteger, unsignedInteger } from '../keys/der.js';
import { OID } from '../keys/oids.js';

export interface RsaPkcs1View {
  /** The RSAPrivateKey DER (a view into the PKCS#8 bytes). */
  readonly pkcs1: Uint8Array;
  /** Modulus and public exponent magnitudes (views). */
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly bits: number;
}

export function rsaPkcs1Of(pkcs8: Uint8Array): RsaPkcs1View | undefined {
  try {
    const top = sequence(parseDer(pkcs8, 'MALFORMED_KEY', 'PKCS#8'), 'MALFORMED_KEY', 'PKCS#8', 3, 3);
    if (smallInteger(top[0], 'MALFORMED_KEY', 'PKCS#8.version') !== 0) return undefined;
    const alg = algorithmIdentifier(top[1], 'MALFORMED_KEY', 'PKCS#8.algorithm');
    if (alg.oid !== OID.rsaEncryption || !isNullNode(alg.params)) return undefined;
    const pkcs1 = octetString(top[2], 'MALFORMED_KEY', 'PKCS#8.privateKey');
    const fields = sequence(parseDer(pkcs1, 'MALFORMED_KEY', 'RSAPrivateKey'), 'MALFORMED_KEY', 'RSAPrivateKey', 9, 9);
    if (smallInteger(fields[0], 'MALFORMED_KEY', 'RSAPrivateKey.version') !== 0) return undefined;
    const n = unsignedInteger(fields[1], 'MALFORMED_KEY', 'RSAPrivateKey.n');
    const e = unsignedInteger(fields[2], 'MALFORMED_KEY', 'RSAPrivateKey.e');
    for (let i = 3; i < 9; i++) unsignedInteger(fields[i], 'MALFORMED_KEY', 'RSAPrivateKey');
    if (n[0] === 0) return undefined;
    return { pkcs1, n, e, bits: (n.length - 1) * 8 + (32 - Math.clz32(n[0]!)) };
  } catch {
    return undefined;
  }
}
