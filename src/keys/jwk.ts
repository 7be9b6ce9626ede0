// JWK private keys (RFC 7517, RFC 7518 §6, RFC 8037): RSA, EC, OKP (Ed25519), oct. Members are base64url
// without padding (RFC 7515 §2), decoded strictly. A JWK Set ({"keys": [...]}) is a container of several keys.
//
// Decisions: RSA keys given as (n, e, d) only have their CRT parameters recovered (RFC 7518 §6.3.2 allows
// omitting them; Azure needs them); EC coordinates and d must have the exact lengths RFC 7518 §6.2.1.2 /
// §6.2.2.1 require; Azure's "-HSM" kty spellings are accepted; "oth" (multi-prime) is refused. An oct key is
// an AES key unless the caller says HMAC (keyType) or the JWK's own "alg" is an HMAC one (HS256/384/512).
import { base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';
import { completeEcPrivate } from './ec.js';
import { completeEd25519 } from './ed25519.js';
import { curveByName, CURVES } from './oids.js';
import { unsupportedAlgorithm, type NormalizedKey, type SymmetricKeyType } from './private-key.js';
import { symmetricLengthOk, symmetricSizeError } from './raw.js';
import { checkRsaPrivate, completeRsaFromNed, wipeRsaParts, type RsaPrivateParts } from './rsa.js';

const CODE = 'MALFORMED_KEY';

function malformed(path: string, problem: string): ByokError {
  return new ByokError(CODE, `${path}: ${problem}; the JWK is damaged or not a private key JWK (RFC 7517)`, { path });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses JSON text into an object; malformed JSON is a MALFORMED_KEY error at `path`. */
export function parseJsonObject(text: string, path: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw malformed(path, 'not valid JSON');
  }
  if (!isObject(v)) throw malformed(path, 'expected a JSON object');
  return v;
}

/** The keys of a JWK or JWK Set object, each with its JSON path. */
export function jwkEntries(obj: Record<string, unknown>): { jwk: Record<string, unknown>; path: string }[] {
  if (Array.isArray(obj['keys']) && obj['kty'] === undefined) {
    return (obj['keys'] as unknown[]).map((k, i) => {
      if (!isObject(k)) throw malformed(`JWK Set.keys[${i}]`, 'expected a JWK object');
      return { jwk: k, path: `JWK Set.keys[${i}]` };
    });
  }
  return [{ jwk: obj, path: 'JWK' }];
}

/** Strict base64url (no padding) member. */
function b64uMember(jwk: Record<string, unknown>, name: string, path: string): Uint8Array {
  const v = jwk[name];
  if (typeof v !== 'string') throw malformed(`${path}.${name}`, v === undefined ? 'missing member' : 'expected a string');
  try {
    const out = base64urlnopad.decode(v);
    if (out.length === 0) throw new Error('empty');
    return out;
  } catch {
    throw malformed(`${path}.${name}`, 'not base64url without padding (RFC 7515 §2)');
  }
}

function jwkKty(jwk: Record<string, unknown>, path: string): string {
  const kty = jwk['kty'];
  if (typeof kty !== 'string') throw malformed(`${path}.kty`, 'missing "kty"');
  return kty.replace(/-HSM$/, '');
}

/** A JWK's kind for listings, without decoding. */
export function jwkKindOf(jwk: Record<string, unknown>): string {
  const kty = typeof jwk['kty'] === 'string' ? jwk['kty'].replace(/-HSM$/, '') : '';
  if (kty === 'OKP') return jwk['crv'] === 'Ed25519' ? 'ed25519' : `unsupported (OKP ${typeof jwk['crv'] === 'string' ? jwk['crv'] : 'without crv'})`;
  return kty === 'RSA' ? 'rsa' : kty === 'EC' ? 'ec' : kty === 'oct' ? 'oct' : `unsupported (${kty || 'no kty'})`;
}

const RSA_CRT = ['p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * Decodes and checks a private JWK. Returned buffers are fresh: the caller wipes them. `keyType` says what an
 * oct key is; without it the JWK's "alg" decides (HS* is HMAC), else AES.
 */
export function jwkToKey(jwk: Record<string, unknown>, path: string, keyType?: SymmetricKeyType): NormalizedKey {
  const kty = jwkKty(jwk, path);
  if (kty === 'RSA') return rsaJwk(jwk, path);
  if (kty === 'EC') return ecJwk(jwk, path);
  if (kty === 'OKP') return okpJwk(jwk, path);
  if (kty === 'oct') {
    const hs = typeof jwk['alg'] === 'string' ? /^HS(256|384|512)$/.exec(jwk['alg']) : null;
    const type = keyType ?? (hs !== null ? 'hmac' : 'aes');
    const k = b64uMember(jwk, 'k', path);
    if (!symmetricLengthOk(k.length, type)) {
      const len = k.length;
      k.fill(0);
      throw symmetricSizeError(len, `${path}.k`, type, `${path}.k`);
    }
    // RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for "HS256") or larger MUST be used".
    if (type === 'hmac' && hs !== null && k.length * 8 < Number(hs[1])) {
      const len = k.length;
      k.fill(0);
      throw new ByokError('UNSUPPORTED_TARGET_SIZE', `${path}.k: the key is ${len} bytes but its alg ${jwk['alg'] as string} needs at least ${Number(hs[1]) / 8} (RFC 7518 §3.2)`, { path: `${path}.k` });
    }
    return { kind: 'oct', bits: k.length * 8, k, keyType: type };
  }
  throw unsupportedAlgorithm(`JWK kty "${kty}"`, `${path}.kty`);
}

/** RFC 8037 §2: {"kty":"OKP","crv":"Ed25519","d","x"}; other OKP curves (X25519, Ed448) are refused. */
function okpJwk(jwk: Record<string, unknown>, path: string): NormalizedKey {
  const crv = jwk['crv'];
  if (typeof crv !== 'string') throw malformed(`${path}.crv`, 'missing "crv"');
  if (crv !== 'Ed25519') throw unsupportedAlgorithm(`OKP curve "${crv}"`, `${path}.crv`);
  if (jwk['d'] === undefined) throw notPrivate(path);
  const x = b64uMember(jwk, 'x', path);
  const d = b64uMember(jwk, 'd', path);
  try {
    if (x.length !== 32) throw malformed(`${path}.x`, `must be exactly 32 octets for Ed25519 (RFC 8037 §2), found ${x.length}`);
    if (d.length !== 32) throw malformed(`${path}.d`, `must be exactly 32 octets for Ed25519 (RFC 8037 §2), found ${d.length}`);
    return { kind: 'ed25519', bits: 256, ed: completeEd25519(d, x, path) };
  } finally {
    d.fill(0);
  }
}

function notPrivate(path: string): ByokError {
  return new ByokError('NOT_A_PRIVATE_KEY', `${path}: this JWK is a public key (no "d"); give the private key export`, { path });
}

function rsaJwk(jwk: Record<string, unknown>, path: string): NormalizedKey {
  if (jwk['oth'] !== undefined) {
    throw new ByokError('MULTI_PRIME_RSA', `${path}.oth: multi-prime RSA keys are not supported by Azure or by this tool; generate a two-prime key`, { path: `${path}.oth` });
  }
  if (jwk['d'] === undefined) throw notPrivate(path);
  const n = b64uMember(jwk, 'n', path);
  const e = b64uMember(jwk, 'e', path);
  const d = b64uMember(jwk, 'd', path);
  const present = RSA_CRT.filter((m) => jwk[m] !== undefined);
  let rsa: RsaPrivateParts | undefined;
  if (present.length === RSA_CRT.length) {
    const crt: Uint8Array[] = [];
    try {
      for (const m of RSA_CRT) crt.push(b64uMember(jwk, m, path));
    } catch (err) {
      for (const b of [d, ...crt]) b.fill(0);
      throw err;
    }
    const [p, q, dp, dq, qi] = crt as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    rsa = { n, e, d, p, q, dp, dq, qi };
  } else if (present.length === 0) {
    try {
      rsa = completeRsaFromNed(n, e, d, path);
    } finally {
      d.fill(0);
    }
    if (rsa === undefined) {
      throw new ByokError('INVALID_RSA_KEY', `${path}: the primes of this key cannot be recovered from n, e and d (they do not form an RSA key, or one far from what key generators make); export the key with p, q, dp, dq and qi, or again from its source`, { path });
    }
  } else {
    throw malformed(path, `has ${present.join(', ')} but not all of p, q, dp, dq, qi (RFC 7518 §6.3.2: all or none)`);
  }
  try {
    return { kind: 'rsa', bits: checkRsaPrivate(rsa, path), rsa, path };
  } catch (err) {
    wipeRsaParts(rsa);
    throw err;
  }
}

function ecJwk(jwk: Record<string, unknown>, path: string): NormalizedKey {
  const crvName = jwk['crv'];
  if (typeof crvName !== 'string') throw malformed(`${path}.crv`, 'missing "crv"');
  const curve = curveByName(crvName);
  if (curve === undefined) {
    throw new ByokError('UNSUPPORTED_CURVE', `${path}.crv: curve "${crvName}" is not importable; Azure imports EC keys on ${CURVES.map((c) => c.name).join(', ')} only`, { path: `${path}.crv` });
  }
  if (jwk['d'] === undefined) throw notPrivate(path);
  const x = b64uMember(jwk, 'x', path);
  const y = b64uMember(jwk, 'y', path);
  const d = b64uMember(jwk, 'd', path);
  const len = curve.scalarLen;
  for (const [name, v] of [['x', x], ['y', y], ['d', d]] as const) {
    if (v.length !== len) {
      d.fill(0);
      throw malformed(`${path}.${name}`, `must be exactly ${len} octets for ${curve.name} (RFC 7518 §6.2), found ${v.length}`);
    }
  }
  const point = new Uint8Array(1 + 2 * len);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + len);
  try {
    const ec = completeEcPrivate(curve, d, point, path);
    return { kind: 'ec', bits: curve.bits, ec };
  } finally {
    d.fill(0);
  }
}
