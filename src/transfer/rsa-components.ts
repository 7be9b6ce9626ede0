// RSA private key components (n, e, d, p, q, dP, dQ, qInv) from canonical PKCS#8 DER, for the core's
// rsaAesKeyUnwrap in rehearsals with a test KEK. Intake (readTargetKey) has already parsed, normalized and
// checked the key; this only walks the known structure (RFC 5208 PrivateKeyInfo → RFC 8017 RSAPrivateKey)
// with the strict DER reader of key intake, whose nodes are views into the input: nothing is copied but
// the eight integers returned, which the caller wipes.
import type { RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import { octetString, parseDer, sequence } from '../keys/der.js';
import { readRsaPrivateKey } from '../keys/rsa.js';

const CODE = 'MALFORMED_KEY';

/** The caller wipes every field of the result (wipeRsaComponents) and `pkcs8` itself. */
export function rsaComponentsFromPkcs8(pkcs8: Uint8Array): RsaPrivateKey {
  let k: RsaPrivateKey;
  try {
    const items = sequence(parseDer(pkcs8, CODE, 'PrivateKeyInfo'), CODE, 'PrivateKeyInfo', 3);
    const inner = octetString(items[2], CODE, 'PrivateKeyInfo.privateKey');
    k = readRsaPrivateKey(parseDer(inner, CODE, 'RSAPrivateKey'), 'RSAPrivateKey');
  } catch (e) {
    if (!(e instanceof ByokError)) throw e;
    throw new ByokError('INVALID_PRIVATE_KEY', `the KEK private key is not a two-prime RSA PKCS#8 key (${e.path ?? 'PrivateKeyInfo'}): give the test KEK's RSA private key`, { cause: e });
  }
  return { n: k.n.slice(), e: k.e.slice(), d: k.d.slice(), p: k.p.slice(), q: k.q.slice(), dp: k.dp.slice(), dq: k.dq.slice(), qi: k.qi.slice() };
}

export function wipeRsaComponents(k: RsaPrivateKey): void {
  for (const x of [k.d, k.p, k.q, k.dp, k.dq, k.qi]) x.fill(0);
}

/** Bit length of a big-endian magnitude (public values only: a modulus). */
export function bitLengthVarTime(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}
