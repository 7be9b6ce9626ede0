// RSA private key components (n, e, d, p, q, dP, dQ, qInv) from canonical PKCS#8 DER, for the core's
// rsaAesKeyUnwrap in rehearsals with a test KEK. Intake (readTargetKey) has already parsed, normalized and
// checked the key; this only walks the known structure (RFC 5208 PrivateKeyInfo → RFC 8017 RSAPrivateKey).
import * as asn1js from 'asn1js';
import type { RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';

function bad(where: string): ByokError {
  return new ByokError('INVALID_PRIVATE_KEY', `the KEK private key is not a two-prime RSA PKCS#8 key (${where}): give the test KEK's RSA private key`);
}

function unsignedBytes(v: asn1js.AsnType | undefined, where: string): Uint8Array {
  if (!(v instanceof asn1js.Integer)) throw bad(where);
  const b = new Uint8Array(v.valueBlock.valueHexView);
  // DER INTEGERs carry a 0x00 sign byte before a high bit; the core takes plain big-endian magnitudes.
  return b.length > 1 && b[0] === 0 ? b.slice(1) : b.slice();
}

/** The caller wipes every field of the result (wipeRsaComponents). */
export function rsaComponentsFromPkcs8(pkcs8: Uint8Array): RsaPrivateKey {
  const outer = asn1js.fromBER(pkcs8);
  if (outer.offset === -1 || !(outer.result instanceof asn1js.Sequence)) throw bad('PrivateKeyInfo');
  const pki = outer.result.valueBlock.value;
  const octets = pki[2];
  if (!(octets instanceof asn1js.OctetString)) throw bad('PrivateKeyInfo.privateKey');
  const innerDer = new Uint8Array(octets.valueBlock.valueHexView);
  const inner = asn1js.fromBER(innerDer);
  if (inner.offset === -1 || !(inner.result instanceof asn1js.Sequence)) throw bad('RSAPrivateKey');
  const f = inner.result.valueBlock.value;
  if (f.length !== 9) throw bad('RSAPrivateKey must have exactly 9 fields');
  const names = ['version', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
  const v = names.map((n, i) => unsignedBytes(f[i], `RSAPrivateKey.${n}`));
  if (v[0]!.length !== 1 || v[0]![0] !== 0) throw bad('RSAPrivateKey.version');
  // asn1js keeps views of the input; the copies above are ours, the caller wipes `pkcs8` itself.
  innerDer.fill(0);
  return { n: v[1]!, e: v[2]!, d: v[3]!, p: v[4]!, q: v[5]!, dp: v[6]!, dq: v[7]!, qi: v[8]! };
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
