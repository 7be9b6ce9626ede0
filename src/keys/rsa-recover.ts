// The primes of an RSA key given as (n, e, d) only: RFC 7518 §6.3.2 lets a JWK omit p, q, dp, dq and qi,
// and Azure needs them.
//
// Deterministic, from the continued fraction of (e·d − 1)/n (the approximation Wiener's attack uses, turned
// to a key whose d we hold). With λ = lcm(p−1, q−1) and g = gcd(p−1, q−1), e·d − 1 = k·λ = (k/g)·φ(n), so
// K/φ is a fraction c/t with t dividing g, and φ = n − (p + q) + 1 is n less about 2√n. Then
// |K/n − c/t| ≈ (c/t)·(p + q)/n, far below 1/(2t²) for a modulus of 1024 bits or more whenever
// e·g² < 2^(bits/2 − 4) or so, and Legendre's theorem makes c/t a convergent of K/n. Each convergent gives
// a candidate φ = K·t/c, hence p + q = n − φ + 1 and p, q as the roots of x² − (p+q)·x + n; a candidate
// counts only when p·q = n. Keys from every common generator (e = 65537, small g; d modulo φ or λ)
// are recovered; keys far outside that bound (a public exponent near n, primes of very unequal size) are
// refused, and the caller asks for the CRT members instead.
//
// Cost, bounded before any work: the caller caps the bit length of n (MAX_RSA_BITS); the convergents stop
// once their denominator passes 2^(bits/4), beyond which Legendre's bound cannot hold for any e ≥ 3 (so at
// most ~1.44·bits/4 + 2 of them, the Fibonacci bound); a candidate costs a square root only when φ divides
// exactly, p + q is in range and (p − q)² passes a quadratic-residue sieve; and at most MAX_ROOTS square
// roots are taken. Any square found is a factorisation (s² − 4n = r² gives n = ((s+r)/2)·((s−r)/2)), so
// the first one ends the search. A few milliseconds at 4096 bits, wherever the input came from (the
// exponentiation search this replaced took 39 s on a crafted 4096-bit JWK).
//
// Timing: variable time in n, e and d (BigInt arithmetic in JavaScript, on a secret d). It runs once,
// when the key is read, on the owner's machine; README's security model names it.
import { bitLength } from './bigint.js';

/** Square roots taken at most: candidates surviving the sieve are rare, and the first square is the answer. */
const MAX_ROOTS = 64;

/** ⌊√v⌋ for v ≥ 0 (Newton's iteration from above). */
export function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = 1n << BigInt((bitLength(v) + 1) >> 1); // > √v
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// Squares modulo 64, 63, 65 and 11: a non-square passes all four with probability under 1%.
const SIEVE = [64, 63, 65, 11].map((m) => {
  const ok = new Uint8Array(m);
  for (let i = 0; i < m; i++) ok[(i * i) % m] = 1;
  return { m: BigInt(m), ok };
});

function maybeSquare(v: bigint): boolean {
  return SIEVE.every(({ m, ok }) => ok[Number(v % m)] === 1);
}

/** p and q (p > q) from n, e and d, or undefined when (n, e, d) is not such a key. Sizes are checked by the caller. */
export function recoverPrimes(n: bigint, e: bigint, d: bigint): [bigint, bigint] | undefined {
  if (n < 15n || (n & 1n) === 0n || e < 3n || e >= n || d <= 0n || d >= n) return undefined;
  const K = e * d - 1n;
  const maxDenominator = 1n << BigInt(bitLength(n) >> 2);
  let roots = 0;
  // Convergents h/t of K/n: h_i = a_i·h_(i−1) + h_(i−2), likewise t.
  let [num, den] = [K, n];
  let [h0, h1] = [0n, 1n];
  let [t0, t1] = [1n, 0n];
  while (den !== 0n && roots < MAX_ROOTS) {
    const a = num / den;
    [num, den] = [den, num - a * den];
    [h0, h1] = [h1, a * h1 + h0];
    [t0, t1] = [t1, a * t1 + t0];
    if (t1 > maxDenominator) break;
    // φ = K·t/h must be whole; h and t are coprime (a convergent is in lowest terms), so h divides K.
    if (h1 === 0n || K % h1 !== 0n) continue;
    const s = n - (K / h1) * t1 + 1n; // candidate p + q
    if (s <= 0n || s >= n || (s & 1n) === 1n) continue;
    const disc = s * s - 4n * n; // (p − q)²
    if (disc < 0n || !maybeSquare(disc)) continue;
    roots++;
    const r = isqrt(disc);
    if (r * r !== disc) continue;
    const p = (s + r) >> 1n;
    const q = (s - r) >> 1n;
    return q > 1n && p * q === n ? [p, q] : undefined;
  }
  return undefined;
}
