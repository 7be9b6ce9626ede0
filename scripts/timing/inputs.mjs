// Inputs of the timed functions, made with node:crypto (an independent implementation) and BigInt:
// RSA keys, including one whose CRT exponents are almost all zero bits; KW/KWP blobs with chosen
// integrity failures; OAEP-encoded blocks with chosen failures; and the staging of RSA keys in the core's
// key descriptor format (assembly/rsa/key.ts).
import { checkPrimeSync, createCipheriv, createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';

export const E = 65537n;

export const big = (b) => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));
export function bytes(x, len) {
  const hex = x.toString(16).padStart(2 * len, '0');
  if (hex.length > 2 * len) throw new Error('value does not fit');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
const bitLen = (x) => x.toString(2).length;

function modInverse(a, m) {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

export function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** A CRT key record {n, e, p, q, dp, dq, qi} (byte arrays) from its primes and CRT exponents. */
function crtKey(p, q, dp, dq) {
  return { n: bytes(p * q, 256), e: bytes(E, 3), p: bytes(p, 128), q: bytes(q, 128), dp: bytes(dp, 128), dq: bytes(dq, 128), qi: bytes(modInverse(q, p), 128) };
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
 * An RSA-2048 key whose CRT exponents dp and dq are 2^1020 plus a value below 2^13: 203 of their 205
 * exponent windows are zero, where a random key's are zero one time in 32. It is built from the exponent:
 * for dp = 2^1020 + r with r ≡ e^-1 (mod j), e·dp − 1 is a multiple of j, and p = (e·dp − 1)/j + 1 for
 * j near e/11.3 is a 1024-bit number with e·dp ≡ 1 (mod p − 1); a few thousand j give a prime.
 */
export function lowWeightKey() {
  const primes = [];
  for (const extra of [0n, 1n << 700n, 1n << 900n, 1n << 1000n]) {
    const base = (1n << 1020n) + extra;
    for (let j = 4097n; j <= 5792n && primes.length < 2; j++) {
      const r = (((modInverse(E % j, j) - base) % j) + j) % j;
      const dp = base + r;
      const pm1 = (E * dp - 1n) / j;
      const p = pm1 + 1n;
      // p ≥ 0xb6·2^1016 > √2·2^1023, so that the product of two such primes has 2048 bits.
      if ((pm1 & 1n) === 1n || bitLen(p) !== 1024 || p >> 1016n < 0xb6n) continue;
      if (primes.some((x) => x.p === p) || !checkPrimeSync(p)) continue;
      primes.push({ p, dp });
    }
    if (primes.length === 2) break;
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
  dv.setUint32(at + 48, Number(big(key.e)), true);
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

function mgf1(hash, seed, len) {
  const out = Buffer.alloc(len);
  for (let i = 0, off = 0; off < len; i++, off += 20) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    createHash(hash).update(seed).update(c).digest().copy(out, off);
  }
  return out;
}

/**
 * EM = Y || maskedSeed || maskedDB (RFC 8017 7.1.1, SHA-1, empty label) of a random 32-byte message, with
 * the chosen fault: 'none', 'first-byte' (Y ≠ 0), 'lhash' (one bit of lHash flipped), 'separator' (0x02
 * where the 0x01 after the zero string belongs).
 */
export function oaepEm(k, fault) {
  const h = 20;
  const db = Buffer.alloc(k - h - 1);
  createHash('sha1').update(Buffer.alloc(0)).digest().copy(db, 0);
  if (fault === 'lhash') db[randomInt(0, h)] ^= 1 << randomInt(0, 8);
  const sep = db.length - 32 - 1;
  db[sep] = fault === 'separator' ? 2 : 1;
  randomBytes(32).copy(db, sep + 1);
  const seed = randomBytes(h);
  const dbMask = mgf1('sha1', seed, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]));
  const seedMask = mgf1('sha1', maskedDb, h);
  const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]));
  return Uint8Array.from(Buffer.concat([Buffer.of(fault === 'first-byte' ? randomInt(1, 256) : 0), maskedSeed, maskedDb]));
}

/** RSAEP (c = m^e mod n) of an encoded block, for the OAEP decryptions through the shipped export. */
export const rsaEncryptRaw = (key, em) => bytes(modPow(big(em), big(key.e), big(key.n)), key.n.length);

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
