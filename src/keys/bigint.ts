// BigInt helpers for checking key consistency while parsing. Variable time by design: parsing happens
// once, on the owner's machine, before any secret-dependent operation an attacker could time; the
// constant-time arithmetic lives in the Wasm core. JS BigInts are immutable and cannot be wiped; the
// values live until the garbage collector reclaims them (README security model names this limit).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toBigInt(magnitude: Uint8Array): bigint {
  if (magnitude.length > 2048) {
    // Linear for any size (the 64-bit loop below is quadratic, and inputs are bounded only after this).
    let hex = '0x';
    for (let i = 0; i < magnitude.length; i++) hex += HEX[magnitude[i] as number] as string;
    return BigInt(hex);
  }
  // 64 bits at a time: a batch converts eight 2048-bit values per RSA key, ~6× faster than the per-byte
  // toString this replaced (measured).
  const head = magnitude.length % 8;
  let v = 0n;
  for (let i = 0; i < head; i++) v = (v << 8n) | BigInt(magnitude[i] as number);
  const view = new DataView(magnitude.buffer, magnitude.byteOffset, magnitude.length);
  for (let i = head; i < magnitude.length; i += 8) v = (v << 64n) | view.getBigUint64(i);
  return v;
}

/** Big-endian magnitude of `v` (no leading zeros; 0 encodes as one zero octet), or `len` octets. */
export function toBytes(v: bigint, len?: number): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const n = hex.length / 2;
  const out = new Uint8Array(len ?? n);
  const off = out.length - n;
  if (off < 0) throw new RangeError('value does not fit');
  for (let i = 0; i < n; i++) out[off + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n % m;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** Inverse of a mod m, or undefined when gcd(a, m) != 1. */
export function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return r0 === 1n ? mod(s0, m) : undefined;
}

const SMALL_PRIMES = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n, 73n];

/**
 * A cheap compositeness screen: trial division and one Miller–Rabin round to base 2. It catches damaged
 * or fabricated factors (what a key check is for), not an adversary who crafts strong pseudoprimes to
 * base 2 for their own key.
 */
export function probablyPrime(p: bigint): boolean {
  if (p < 2n) return false;
  if (p === 2n) return true;
  if ((p & 1n) === 0n) return false;
  for (const s of SMALL_PRIMES) {
    if (p === s) return true;
    if (p % s === 0n) return false;
  }
  let d = p - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  let x = modPow(2n, d, p);
  if (x === 1n || x === p - 1n) return true;
  for (let i = 1; i < r; i++) {
    x = (x * x) % p;
    if (x === p - 1n) return true;
  }
  return false;
}
