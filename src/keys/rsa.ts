// RSA private keys: PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2) reading, consistency checks, and the
// canonical encodings we emit: RSAPrivateKey version 0 inside PKCS#8 PrivateKeyInfo version 0 with
// rsaEncryption and NULL parameters (RFC 5208 §5, RFC 8017 §A.1) — byte for byte what
// `openssl pkcs8 -topk8 -nocrypt -outform DER` writes for the same key — and SubjectPublicKeyInfo.
//
//   RSAPrivateKey ::= SEQUENCE { version, modulus n, publicExponent e, privateExponent d, prime1 p,
//     prime2 q, exponent1 d mod (p-1), exponent2 d mod (q-1), coefficient q^-1 mod p,
//     otherPrimeInfos OtherPrimeInfos OPTIONAL }          -- version 1 only (multi-prime)
import { getCore, type RsaPrivateKey } from '../core/index.js';
import { fillRandom } from '../core/random.js';
import { ByokError, type ByokErrorCode } from '../errors.js';
import { bitLength, mod, modInverse, probablyPrime, toBigInt, toBytes } from './bigint.js';
import {
  NULL_DER, bitStringDer, derError, octetStringDer, oidDer, seq, sequence, smallInteger, smallUintDer,
  uintDer, unsignedInteger, type DerCode, type DerNode,
} from './der.js';
import { OID } from './oids.js';
import { recoverPrimes } from './rsa-recover.js';

/** Big-endian magnitudes (no sign octet) of a two-prime RSA private key: the core's own key shape. */
export type RsaPrivateParts = RsaPrivateKey;

/** Largest modulus we parse (DoS bound for the BigInt checks); Azure's largest is 4096. */
export const MAX_RSA_BITS = 16384;

const FIELDS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const ASN1_NAMES = ['modulus', 'publicExponent', 'privateExponent', 'prime1', 'prime2', 'exponent1', 'exponent2', 'coefficient'];

function multiPrime(path: string): ByokError {
  return new ByokError(
    'MULTI_PRIME_RSA',
    `${path}: multi-prime RSA keys (more than two primes) are not supported by Azure or by this tool; generate a two-prime key`,
    { path },
  );
}

/** Reads an RSAPrivateKey (views into `node`'s buffer). */
export function readRsaPrivateKey(node: DerNode, path: string, code: DerCode = 'MALFORMED_KEY'): RsaPrivateParts {
  const items = sequence(node, code, path, 1);
  const version = smallInteger(items[0], code, `${path}.version`);
  if (version === 1 || items.length > 9) throw multiPrime(path);
  if (version !== 0) throw derError(code, `${path}.version`, `unknown RSAPrivateKey version ${version}`);
  if (items.length !== 9) throw derError(code, path, `expected 9 elements, found ${items.length}`);
  const v = FIELDS.map((_, i) => unsignedInteger(items[i + 1], code, `${path}.${ASN1_NAMES[i] as string}`));
  const [n, e, d, p, q, dp, dq, qi] = v as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return { n, e, d, p, q, dp, dq, qi };
}

function tooLarge(path: string, bits: number): ByokError {
  return invalid(path, `modulus of ${bits} bits is larger than the ${MAX_RSA_BITS} bits supported`);
}

function invalid(path: string, problem: string): ByokError {
  return new ByokError(
    'INVALID_RSA_KEY',
    `${path}: ${problem}; the RSA key is inconsistent (damaged or wrongly assembled): export it again from its source`,
    { path },
  );
}

/**
 * Checks the key is a consistent two-prime RSA key (RFC 8017 §3.2): n = p·q with p, q odd, p ≠ q, 1 < e < n
 * odd, 0 < d < n, dP = d mod (p−1) and dQ = d mod (q−1), e·dP ≡ 1 (mod p−1), e·dQ ≡ 1 (mod q−1), and
 * qInv·q ≡ 1 (mod p) with qInv < p. Together these give e·d ≡ 1 (mod lcm(p−1, q−1)), so that relation needs
 * no test of its own (and no BigInt gcd). Every value of the key enters a relation, so damage to any of them
 * is refused. Returns the modulus size in bits. Messages name the failed relation, never a value. Whether p
 * and q really are primes is the opt-in checkRsaPairwise's job.
 */
export function checkRsaPrivate(k: RsaPrivateParts, path: string): number {
  const n = toBigInt(k.n);
  const bits = bitLength(n);
  if (bits > MAX_RSA_BITS) throw tooLarge(path, bits);
  if (bits < 256) throw invalid(path, `modulus of ${bits} bits is far too small for RSA`);
  const [e, d, p, q, dp, dq, qi] = [k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map(toBigInt) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  if ((n & 1n) === 0n) throw invalid(`${path}.modulus`, 'the modulus is even');
  if (e < 3n || (e & 1n) === 0n || e >= n) throw invalid(`${path}.publicExponent`, 'the public exponent must be odd, at least 3 and below the modulus');
  if (p < 3n || (p & 1n) === 0n) throw invalid(`${path}.prime1`, 'prime1 is not an odd number above 2');
  if (q < 3n || (q & 1n) === 0n) throw invalid(`${path}.prime2`, 'prime2 is not an odd number above 2');
  if (p * q !== n) throw invalid(path, 'prime1 · prime2 ≠ modulus');
  if (p === q) throw invalid(path, 'prime1 = prime2');
  if (d <= 0n || d >= n) throw invalid(`${path}.privateExponent`, 'the private exponent is not in (0, n)');
  const p1 = p - 1n;
  const q1 = q - 1n;
  if (dp !== mod(d, p1)) throw invalid(`${path}.exponent1`, 'exponent1 ≠ d mod (prime1 − 1)');
  if (dq !== mod(d, q1)) throw invalid(`${path}.exponent2`, 'exponent2 ≠ d mod (prime2 − 1)');
  if (mod(e * dp, p1) !== 1n) throw invalid(`${path}.exponent1`, 'e · exponent1 ≢ 1 (mod prime1 − 1)');
  if (mod(e * dq, q1) !== 1n) throw invalid(`${path}.exponent2`, 'e · exponent2 ≢ 1 (mod prime2 − 1)');
  if (qi <= 0n || qi >= p || mod(qi * q, p) !== 1n) throw invalid(`${path}.coefficient`, 'coefficient · prime2 ≢ 1 (mod prime1)');
  return bits;
}

/** What the core reports when the key itself fails: the m^e check, the OAEP decoding, the load checks. */
const PAIRWISE_KEY_FAILURES: readonly ByokErrorCode[] = ['FAULT_DETECTED', 'DECRYPT_FAILED', 'INVALID_PRIVATE_KEY'];

/**
 * The optional, costly part of the check (ReadTargetKeyOptions.pairwiseTest), run last (after the Azure size
 * rule, so an 8192-bit key is refused before any exponentiation): a pairwise consistency test in the
 * constant-time Wasm core. A random message is OAEP-encrypted with (n, e) and decrypted with the CRT
 * parameters; the core recomputes m^e before it releases anything. A composite "prime" (n with a hidden
 * third factor) passes every relation of checkRsaPrivate but makes the CRT result wrong for all but a
 * vanishing share of messages, so this catches what a primality test would, without a variable-time
 * exponentiation on the secret primes. Off by default: such a key comes only from a faulty generator, and
 * one private-key operation per key would bound a batch to a few hundred keys per second.
 * Moduli outside the core's 1024..8192 bits (only with azureChecks off) fall back to a BigInt Miller–Rabin.
 */
export function checkRsaPairwise(k: RsaPrivateParts, bits: number, path: string): void {
  if (bits < 1024 || bits > 8192) {
    if (!probablyPrime(toBigInt(k.p))) throw invalid(`${path}.prime1`, 'prime1 is not prime');
    if (!probablyPrime(toBigInt(k.q))) throw invalid(`${path}.prime2`, 'prime2 is not prime');
    return;
  }
  const core = getCore();
  const msg = new Uint8Array(32);
  fillRandom(msg);
  let back: Uint8Array | undefined;
  try {
    const ct = core.rsaOaepEncrypt(k, msg, { hash: 'sha256' });
    back = core.rsaOaepDecrypt(k, ct, { hash: 'sha256' });
  } catch (e) {
    // These say the key is not a working RSA key; anything else (a failed self-test, no randomness) is
    // not about the key and is reported as itself.
    if (e instanceof ByokError && PAIRWISE_KEY_FAILURES.includes(e.code)) back = undefined;
    else throw e;
  }
  // Accumulated, not early-exit: the decryption is secret-derived, so its comparison takes the same time
  // wherever it differs.
  let diff = back === undefined || back.length !== msg.length ? 1 : 0;
  if (back !== undefined && back.length === msg.length) for (let i = 0; i < msg.length; i++) diff |= (back[i] as number) ^ (msg[i] as number);
  const ok = diff === 0;
  msg.fill(0);
  back?.fill(0);
  if (!ok) {
    throw invalid(path, 'a test message encrypted with the public key does not decrypt with the private key (a prime is not prime, or a value is damaged)');
  }
}

/**
 * Recovers the CRT parameters from (n, e, d) (RFC 8017 leaves them optional in JWK, RFC 7518 §6.3.2); see
 * rsa-recover.ts for how and at what cost. The modulus size is checked first. Undefined when the primes
 * cannot be recovered.
 */
export function completeRsaFromNed(nB: Uint8Array, eB: Uint8Array, dB: Uint8Array, path: string): RsaPrivateParts | undefined {
  const n = toBigInt(nB);
  const bits = bitLength(n);
  if (bits > MAX_RSA_BITS) throw tooLarge(path, bits);
  const e = toBigInt(eB);
  const d = toBigInt(dB);
  const primes = recoverPrimes(n, e, d);
  return primes === undefined ? undefined : partsFrom(n, e, d, primes[0], primes[1]);
}

function partsFrom(n: bigint, e: bigint, d: bigint, p0: bigint, q0: bigint): RsaPrivateParts | undefined {
  // OpenSSL orders p > q; keep that so our output matches what it writes for the same key.
  const [p, q] = p0 > q0 ? [p0, q0] : [q0, p0];
  const qi = modInverse(q, p);
  if (qi === undefined) return undefined;
  return {
    n: toBytes(n), e: toBytes(e), d: toBytes(d), p: toBytes(p), q: toBytes(q),
    dp: toBytes(mod(d, p - 1n)), dq: toBytes(mod(d, q - 1n)), qi: toBytes(qi),
  };
}

/** RSAPrivateKey version 0 DER; intermediate buffers are wiped, the result is the caller's to wipe. */
export function encodeRsaPrivateKey(k: RsaPrivateParts): Uint8Array {
  const ints = [smallUintDer(0), ...FIELDS.map((f) => uintDer(k[f]))];
  const out = seq(...ints);
  for (const b of ints) b.fill(0);
  return out;
}

// The AlgorithmIdentifier, encoded once: seq() copies it into each output, so the shared bytes are never handed out.
let rsaAlg: Uint8Array | undefined;
const RSA_ALG = (): Uint8Array => (rsaAlg ??= seq(oidDer(OID.rsaEncryption), NULL_DER));

/** PrivateKeyInfo (version 0, rsaEncryption, NULL parameters) around the RSAPrivateKey. */
export function rsaPkcs8(k: RsaPrivateParts): Uint8Array {
  const inner = encodeRsaPrivateKey(k);
  const wrapped = octetStringDer(inner);
  const out = seq(smallUintDer(0), RSA_ALG(), wrapped);
  inner.fill(0);
  wrapped.fill(0);
  return out;
}

/** SubjectPublicKeyInfo DER (rsaEncryption, NULL parameters, RSAPublicKey) — what OpenSSL writes. */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  return seq(RSA_ALG(), bitStringDer(seq(uintDer(n), uintDer(e))));
}

/** Zeroes every field of a parts record built from fresh buffers (not views into caller input). */
export function wipeRsaParts(k: RsaPrivateParts): void {
  for (const f of FIELDS) k[f].fill(0);
}
