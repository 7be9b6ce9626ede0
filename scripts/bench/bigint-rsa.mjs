// A plain BigInt RSA-OAEP (RFC 8017 7.1) for the benchmark's "what V8 BigInt reaches" column: binary
// square-and-multiply modpow, CRT decryption, OAEP with node:crypto's hashes. Not constant time; a
// yardstick only.
import { createHash } from 'node:crypto';

export const toBig = (b) => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

export function toBytes(x, len) {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  for (let i = e.toString(2).length - 1; i >= 0; i--) {
    r = (r * r) % m;
    if ((e >> BigInt(i)) & 1n) r = (r * b) % m;
  }
  return r;
}

function mgf1Xor(hash, seed, dst) {
  const hLen = createHash(hash).digest().length;
  for (let c = 0, off = 0; off < dst.length; c++, off += hLen) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(c);
    const t = createHash(hash).update(seed).update(ctr).digest();
    for (let i = 0; i < hLen && off + i < dst.length; i++) dst[off + i] ^= t[i];
  }
}

/**
 * EM = 0x00 || maskedSeed || maskedDB (EME-OAEP, empty label). tamper(db), when given, alters DB before
 * it is masked (the timing harness makes invalid blocks with it).
 */
export function oaepEncode(k, msg, hash, seed, tamper) {
  const hLen = createHash(hash).digest().length;
  const em = new Uint8Array(k);
  const db = em.subarray(1 + hLen);
  db.set(createHash(hash).digest(), 0);
  db[db.length - msg.length - 1] = 1;
  db.set(msg, db.length - msg.length);
  tamper?.(db);
  em.set(seed, 1);
  mgf1Xor(hash, em.subarray(1, 1 + hLen), db);
  mgf1Xor(hash, db, em.subarray(1, 1 + hLen));
  return em;
}

/** key: { n, e, p, q, dp, dq, qi } as BigInt; k = modulus bytes. */
export function bigintOaepEncrypt(key, k, msg, hash, seed) {
  return toBytes(modPow(toBig(oaepEncode(k, msg, hash, seed)), key.e, key.n), k);
}

export function bigintOaepDecrypt(key, k, ct, hash) {
  const c = toBig(ct);
  const m1 = modPow(c % key.p, key.dp, key.p);
  const m2 = modPow(c % key.q, key.dq, key.q);
  const h = (key.qi * (((m1 - m2) % key.p) + key.p)) % key.p;
  const em = toBytes(m2 + h * key.q, k);
  const hLen = createHash(hash).digest().length;
  const seed = em.slice(1, 1 + hLen);
  const db = em.slice(1 + hLen);
  mgf1Xor(hash, db, seed);
  mgf1Xor(hash, seed, db);
  const lHash = createHash(hash).digest();
  let i = hLen;
  while (i < db.length && db[i] === 0) i++;
  if (em[0] !== 0 || !Buffer.from(db.subarray(0, hLen)).equals(lHash) || db[i] !== 1) throw new Error('decryption error');
  return db.slice(i + 1);
}
