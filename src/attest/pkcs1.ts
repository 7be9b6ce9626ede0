// RSASSA-PKCS1-v1_5 verification by re-encoding (RFC 8017 §8.2.2 steps 2-4): s^e mod n from the core's
// raw public operation, compared in full with the block we expect,
//
//   EM = 0x00 || 0x01 || PS (0xFF × (k - 3 - tLen), at least 8) || 0x00 || T
//
// where T is DigestInfo || H ('digest-info', RFC 8017 §9.2: certificates, Google Cloud KMS attestations)
// or the bare SHA-256 H ('bare-sha256': what Azure Managed HSM's firmware 2.x signs its attestations with).
// Every byte is compared: Microsoft's reference script compares only the last 32 (the hash), so it accepts
// any block that ends in the hash; we report that case by name. All values here are public.
import { getCore } from '../core/index.js';
import { isByokError } from '../errors.js';
import { sameBytes, stripZeros } from './bytes.js';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';
export type SignatureEncoding = 'digest-info' | 'bare-sha256';

/**
 * The DigestInfo prefix with NULL parameters (RFC 8017 §9.2, note 1): SEQUENCE { SEQUENCE { OID
 * 2.16.840.1.101.3.4.2.n, NULL }, OCTET STRING (hLen) }, n = 1, 2, 3 for SHA-256, SHA-384, SHA-512.
 */
function digestInfo(hash: SignatureHash): Uint8Array {
  const [n, hLen] = hash === 'sha256' ? [1, 32] : hash === 'sha384' ? [2, 48] : [3, 64];
  return Uint8Array.from([0x30, 17 + hLen, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, n, 0x05, 0x00, 0x04, hLen]);
}

export function digest(hash: SignatureHash, data: Uint8Array): Uint8Array {
  const core = getCore();
  return hash === 'sha256' ? core.sha256(data) : hash === 'sha384' ? core.sha384(data) : core.sha512(data);
}

/** The encoded message EMSA-PKCS1-v1_5 gives for `h` in a k-byte block, or undefined when k is too small. */
export function expectedBlock(k: number, h: Uint8Array, hash: SignatureHash, encoding: SignatureEncoding): Uint8Array | undefined {
  const t = encoding === 'digest-info' ? digestInfo(hash) : new Uint8Array(0);
  const tLen = t.length + h.length;
  if (k < tLen + 11) return undefined; // RFC 8017 §9.2 step 3: PS of at least 8 octets
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(t, k - tLen);
  em.set(h, k - h.length);
  return em;
}

export type Pkcs1Result =
  | { readonly ok: true; readonly encoding: SignatureEncoding }
  | { readonly ok: false; readonly reason: string };

/**
 * Verifies `sig` over `data` with the RSA key, accepting exactly the given encodings ('bare-sha256' only
 * with SHA-256). The signature must be exactly as long as the modulus (RFC 8017 §8.2.2 step 1).
 */
export function pkcs1Verify(
  key: { readonly n: Uint8Array; readonly e: Uint8Array },
  data: Uint8Array,
  sig: Uint8Array,
  hash: SignatureHash,
  encodings: readonly SignatureEncoding[],
): Pkcs1Result {
  const n = stripZeros(key.n);
  const k = n.length;
  if (sig.length !== k) return { ok: false, reason: `the signature has ${sig.length} bytes, the key's modulus ${k}` };
  let em: Uint8Array;
  try {
    em = getCore().rsaPublicRaw({ n, e: key.e }, sig);
  } catch (e) {
    if (!isByokError(e)) throw e;
    return { ok: false, reason: `the key cannot verify it (${e.message})` };
  }
  const h = digest(hash, data);
  for (const encoding of encodings) {
    if (encoding === 'bare-sha256' && hash !== 'sha256') continue;
    const want = expectedBlock(k, h, hash, encoding);
    if (want !== undefined && sameBytes(em, want)) return { ok: true, encoding };
  }
  const tail = em.subarray(k - h.length);
  if (sameBytes(tail, h)) {
    return { ok: false, reason: `the block ends in the ${hash.toUpperCase()} of the data but its padding is not ${encodings.map(describeEncoding).join(' or ')} (a check of the last ${h.length} bytes alone would pass it)` };
  }
  return { ok: false, reason: 'the signature does not match the data and the key' };
}

export function describeEncoding(e: SignatureEncoding): string {
  return e === 'digest-info' ? 'PKCS#1 v1.5 with DigestInfo' : 'PKCS#1 v1.5 padding over the bare SHA-256 (no DigestInfo)';
}
