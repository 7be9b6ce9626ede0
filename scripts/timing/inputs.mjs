// Inputs of the timed functions, made with node:crypto (an independent implementation) and BigInt:
// RSA keys, including one whose CRT exponents are almost all zero bits; KW/KWP blobs with chosen
// integrity failures; OAEP-encoded blocks with chosen failures; and the staging of RSA keys in the core's
// key descriptor format (assembly/rsa/key.ts).
import { checkPrimeSync, createCipheriv, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { modPow, oaepEncode, toBig, toBytes } from '../bench/bigint-rsa.mjs';

const E = 65537n;
const bitLen = (x) => x.toString(2).length;

/** A CRT key record {n, e, p, q, dp, dq, qi} (byte arrays) from its primes and CRT exponents (qi by Fermat: p is prime). */
function crtKey(p, q, dp, dq) {
  return { n: toBytes(p * q, 256), e: toBytes(E, 3), p: toBytes(p, 128), q: toBytes(q, 128), dp: toBytes(dp, 128), dq: toBytes(dq, 128), qi: toBytes(modPow(q, p - 2n, p), 128) };
}

/** Every integer of the key at its full length (no leading zero byte): equal public sizes for all keys. */
const fullLength = (k) => k.n[0] !== 0 && ['p', 'q', 'dp', 'dq', 'qi'].every((f) => k[f][0] !== 0);

/** RSA-2048 keys from OpenSSL (node:crypto), all with the same public sizes. */
export function randomKeys(count) {
  const out = [];
  while (out.length < count) {
    const j = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: Number(E) }).privateKey.export({ format: 'jwk' });
    const b = (s) => Uint8Array.from(Buffer.from(s, 'base64url'));
    const k = { n: b(j.n), e: b(j.e), p: b(j.p), q: b(j.q), dp: b(j.dp), dq: b(j.dq), qi: b(j.qi) };
    if (k.n.length === 256 && k.p.length === 128 && k.q.length === 128 && fullLength(k)) out.push(k);
  }
  return out;
}

/**
 * An RSA-2048 key whose CRT exponents dp and dq are 2^1020 plus a value below 2^16: 201 or more of their
 * 205 exponent windows are zero, where a random key's are zero one time in 32. It is built from the
 * exponent: for each candidate dp, every j in [4097, 5792] dividing e·dp − 1 gives p = (e·dp − 1)/j + 1,
 * a 1024-bit number with e·dp ≡ 1 (mod p − 1); a few thousand candidates give two primes.
 */
export function lowWeightKey() {
  const primes = [];
  const base = 1n << 1020n;
  for (let r = 1n; primes.length < 2 && r < 1n << 16n; r += 2n) {
    const dp = base + r;
    const m = E * dp - 1n;
    for (let j = 4097n; j <= 5792n && primes.length < 2; j++) {
      if (m % j !== 0n) continue;
      const p = m / j + 1n;
      // p odd, and p ≥ 0xb6·2^1016 > √2·2^1023, so that the product of two such primes has 2048 bits.
      if ((p & 1n) === 0n || bitLen(p) !== 1024 || p >> 1016n < 0xb6n) continue;
      if (primes.some((x) => x.p === p) || !checkPrimeSync(p)) continue;
      primes.push({ p, dp });
    }
  }
  if (primes.length < 2) throw new Error('timing: no low-weight prime pair found');
  const [a, b] = primes[0].p > primes[1].p ? primes : [primes[1], primes[0]];
  const k = crtKey(a.p, b.p, a.dp, b.dp);
  if (!fullLength(k)) throw new Error('timing: the low-weight key has a short CRT value');
  return k;
}

/** Stages a key descriptor (13 i32 words) and its integers at `at` in the core's memory; returns the descriptor address. */
export function stageKey(core, key, at) {
  const { mem, dv } = core;
  let off = at + 64;
  ['n', 'p', 'q', 'dp', 'dq', 'qi'].forEach((f, i) => {
    mem.set(key[f], off);
    dv.setInt32(at + 8 * i, off, true);
    dv.setInt32(at + 8 * i + 4, key[f].length, true);
    off += (key[f].length + 15) & ~15;
  });
  dv.setUint32(at + 48, Number(toBig(key.e)), true);
  return at;
}

// ---- AES-KW / AES-KWP -----------------------------------------------------------------------------

/** RFC 3394 wrap of `data` with an arbitrary 8-byte initial value (node:crypto's id-aes256-wrap). */
export function kwWrap(kek, iv, data) {
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, iv);
  return Uint8Array.from(Buffer.concat([c.update(data), c.final()]));
}

/**
 * A 40-byte KWP blob of a 30-byte key (padded to 32) with the chosen fault: 'none', 'icv' (first half of
 * the initial value wrong), 'mli-high' (length above 32), 'mli-low' (length 24 or less), 'padding' (a
 * non-zero padding byte).
 */
export function kwpBlob(kek, fault) {
  const iv = Buffer.from('a65959a600000000', 'hex');
  if (fault === 'icv') iv.writeUInt32BE((0xa65959a6 ^ randomInt(1, 2 ** 32 - 1)) >>> 0, 0);
  const mli = fault === 'mli-high' ? randomInt(33, 2 ** 32 - 1) : fault === 'mli-low' ? randomInt(0, 25) : 30;
  iv.writeUInt32BE(mli, 4);
  const p = randomBytes(32);
  p[30] = fault === 'padding' ? randomInt(1, 256) : 0;
  p[31] = fault === 'padding' ? randomInt(0, 256) : 0;
  return kwWrap(kek, iv, p);
}

// ---- EME-OAEP ------------------------------------------------------------------------------------

/**
 * EM = Y || maskedSeed || maskedDB (RFC 8017 7.1.1, SHA-1, empty label) of a random 32-byte message, with
 * the chosen fault: 'none', 'first-byte' (Y ≠ 0), 'lhash' (one bit of lHash flipped), 'separator' (0x02
 * where the 0x01 after the zero string belongs).
 */
export function oaepEm(k, fault) {
  const em = oaepEncode(k, randomBytes(32), 'sha1', randomBytes(20), (db) => {
    if (fault === 'lhash') db[randomInt(0, 20)] ^= 1 << randomInt(0, 8);
    if (fault === 'separator') db[db.length - 33] = 2;
  });
  if (fault === 'first-byte') em[0] = randomInt(1, 256);
  return em;
}

/** RSAEP (c = m^e mod n) of an encoded block, for the OAEP decryptions through the shipped export. */
export const rsaEncryptRaw = (key, em) => toBytes(modPow(toBig(em), toBig(key.e), toBig(key.n)), key.n.length);

/** 256 inputs from make(i): a class's pool, indexed by the pick of each measurement. */
export const pool = (make) => Array.from({ length: 256 }, (_, i) => make(i));

/** A pool of 256 equal copies of one value: a fixed class staged exactly like a random one. */
export const fixed = (value) => pool(() => Uint8Array.from(value));

/**
 * Both classes' pools of `size`-byte inputs in one buffer, alternating, for functions timed in JavaScript
 * where the inputs are read inside the timed call: neither class's inputs sit in better-cached memory.
 */
export function interleavedPools(size, make0, make1) {
  const store = new Uint8Array(2 * 256 * size);
  const pools = [[], []];
  for (let i = 0; i < 256; i++) {
    for (const [cls, make] of [[0, make0], [1, make1]]) {
      const v = store.subarray((2 * i + cls) * size, (2 * i + cls + 1) * size);
      v.set(make());
      pools[cls].push(v);
    }
  }
  return pools;
}
