// The wrap inside the token: a scheme's parts (src/formats/scheme.ts) computed by the token, so the target
// never exists in clear outside it; completeWrap (src/transfer) encodes them for the cloud as it does the
// Wasm core's. For rsa-aes-kwp, CKM_RSA_AES_KEY_WRAP emulated with two C_WrapKey
// calls (byok-formats.md §3.5): pkcs11js cannot pass CK_RSA_AES_KEY_WRAP_PARAMS (it holds a pointer to
// the OAEP parameters), and the emulation works on every token, SoftHSM 2.6 included.
//
//   KEK public key    C_CreateObject   session object, CKA_TOKEN false, CKA_WRAP true (once per session)
//   ephemeral AES key C_GenerateKey    CKM_AES_KEY_GEN, 256 bits, session object, CKA_SENSITIVE true
//   wrappedTarget     C_WrapKey        the token's RFC 5649 mechanism (kat.ts), ephemeral key → target
//   encryptedKey      C_WrapKey        CKM_RSA_PKCS_OAEP(hash, MGF1 = hash, empty label), KEK → ephemeral key
//   then C_DestroyObject(ephemeral key) in a finally.
// The KEK object lives until the session closes (close() destroys it). There is no fallback to host
// crypto: a mechanism the token lacks is an error naming it and what this token can produce.
import type { RsaPublicKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import { expectRecord, invalid, isRecord } from '../arguments.js';
import { describeScheme, expectCount, expectScheme, kwpLength, type WrappedParts, type WrappingScheme } from '../formats/scheme.js';
import { expectSession, expectTokenKey, openOptionsArg } from './args.js';
import {
  CKA_CLASS, CKA_DECRYPT, CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_KEY_TYPE, CKA_MODULUS, CKA_PRIVATE, CKA_PUBLIC_EXPONENT,
  CKA_SENSITIVE, CKA_TOKEN, CKA_VALUE_LEN, CKA_WRAP, CKK_AES, CKK_RSA, CKM_AES_KEY_GEN, CKO_PUBLIC_KEY, CKO_SECRET_KEY,
  CKM_RSA_PKCS_OAEP, CKR_KEY_NOT_WRAPPABLE, CKR_KEY_UNEXTRACTABLE, CKR_MECHANISM_INVALID, OAEP_HASHES, mechanismName,
} from './constants.js';
import { asPkcs11Error, pkcs11Failure } from './errors.js';
import { kwpMechanism, oaepKat, oaepMechanism, workingOaepHashes } from './kat.js';
import { describeDestinations, producibleWith } from './clouds.js';
import type { TokenKey } from './keys.js';
import type { SessionInternals, TokenSession } from './session.js';

function describe(key: TokenKey): string {
  return key.label === undefined ? `the key with id ${Buffer.from(key.id).toString('hex') || '(empty)'}` : `key ${JSON.stringify(key.label)}`;
}

/** Refuses, before any wrap, what the token would refuse or what cannot leave it by this route. */
export function checkWrappable(key: TokenKey, scheme: WrappingScheme): void {
  expectTokenKey('checkWrappable', 'key', key);
  expectScheme('checkWrappable', 'scheme', scheme);
  refuseUnwrappable(key, scheme);
}

/** checkWrappable on arguments already checked (the name is built only for a refusal: this runs per key). */
function refuseUnwrappable(key: TokenKey, scheme: WrappingScheme): void {
  if (key.extractable && !key.wrapWithTrusted && key.kind !== undefined && (scheme.mechanism !== 'rsa-oaep' || key.class === 'secret')) return;
  const name = describe(key);
  if (!key.extractable) {
    throw new ByokError('PKCS11_KEY_NOT_EXTRACTABLE', `${name} has CKA_EXTRACTABLE false${key.neverExtractable ? ' (and CKA_NEVER_EXTRACTABLE true)' : ''}: the token will not wrap it out under any key; generate the key for the cloud as extractable, or generate it in the cloud`);
  }
  if (key.wrapWithTrusted) {
    throw new ByokError('PKCS11_KEY_WRAP_WITH_TRUSTED', `${name} has CKA_WRAP_WITH_TRUSTED true: only a wrapping key the token's security officer marked CKA_TRUSTED may wrap it, and the fresh AES key of this wrap cannot be one; ask the security officer to clear the attribute for this export, or use the vendor's trusted-wrap tool`);
  }
  if (key.kind === undefined) {
    throw new ByokError('PKCS11_UNSUPPORTED_KEY', `${name} is ${key.keyType === 'EC' ? `an EC key on ${key.curve ?? 'an unknown curve'}` : `a ${key.keyType} key`}, which no cloud HSM this toolkit writes for imports: RSA, EC P-256/P-384/P-521/secp256k1 and AES keys can be imported`);
  }
  if (scheme.mechanism === 'rsa-oaep' && key.class !== 'secret') {
    throw new ByokError('PKCS11_UNSUPPORTED_KEY', `${name} is a private key: direct RSA-OAEP wraps only secret keys; use an RSA-AES key wrap scheme`);
  }
}

/** The KEK as a session public key object (created once per session and KEK). */
function kekObject(s: SessionInternals, kek: RsaPublicKey): Buffer {
  // By identity first: a batch hands the same (read-only) KEK record for every key.
  let byRecord = s.memo.get('kek-records') as WeakMap<RsaPublicKey, Buffer> | undefined;
  if (byRecord === undefined) s.memo.set('kek-records', byRecord = new WeakMap());
  const same = byRecord.get(kek);
  if (same !== undefined) return same;
  const n = Buffer.from(kek.n);
  const e = Buffer.from(kek.e);
  const list = (s.memo.get('keks') as { n: Buffer; e: Buffer; handle: Buffer }[] | undefined) ?? [];
  const known = list.find((k) => k.n.equals(n) && k.e.equals(e));
  if (known !== undefined) {
    byRecord.set(kek, known.handle);
    return known.handle;
  }
  let handle: Buffer;
  try {
    handle = s.createObject([
      { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_KEY_TYPE, value: CKK_RSA }, { type: CKA_TOKEN, value: false },
      { type: CKA_PRIVATE, value: false }, { type: CKA_MODULUS, value: n }, { type: CKA_PUBLIC_EXPONENT, value: e },
      { type: CKA_WRAP, value: true }, { type: CKA_ENCRYPT, value: false },
    ]);
  } catch (e2) {
    throw pkcs11Failure(e2, 'creating the KEK as a session public key object');
  }
  list.push({ n, e, handle });
  s.memo.set('keks', list);
  byRecord.set(kek, handle);
  return handle;
}


/** PKCS11_MECHANISM_MISSING for OAEP with `hash`, naming what this token can produce instead. */
function oaepMissing(s: SessionInternals, scheme: WrappingScheme, why: string): ByokError {
  const label = scheme.oaepHash === 'sha224' ? 'SHA-224' : OAEP_HASHES[scheme.oaepHash].label;
  const can = producibleWith(workingOaepHashes(s));
  return new ByokError('PKCS11_MECHANISM_MISSING', `token ${JSON.stringify(s.token.label)} cannot do ${mechanismName(CKM_RSA_PKCS_OAEP)} with ${label} (MGF1-${label}, empty label), which ${describeScheme(scheme)} needs: ${why}. `
    + `No host crypto is used instead; ${can.length === 0 ? 'this token can produce none of the formats byok writes' : `this token can produce: ${describeDestinations(can)}`}`);
}

export interface WrapInTokenOptions {
  /**
   * Accept a token whose padded AES wrap zero-pads the key to a multiple of 8 bytes before RFC 5649
   * (SoftHSM < 2.7, kat.ts) for keys whose encoding length is unknown (private keys): their blob opens to
   * the PKCS#8 key followed by up to 7 zero bytes. Default false (refused). AES keys are aligned, so
   * they are wrapped exactly either way.
   */
  readonly allowZeroPaddedKwp?: boolean;
}

/** What a wrap needs of a plan (prepareWrap's, for any cloud): the scheme and the wrapping key. */
export interface TokenWrapPlan {
  readonly scheme: WrappingScheme;
  readonly kek: RsaPublicKey & { readonly bits: number };
}

/**
 * The mechanism step of a wrap done by the token: a function from a plan (prepareWrap(cloud, kek,
 * describeTokenTarget(key), …)) to its parts, for completeWrap. Each call wraps `key` once, inside the token.
 */
export function tokenParts(session: TokenSession, key: TokenKey, options: WrapInTokenOptions = {}): (plan: TokenWrapPlan) => WrappedParts {
  const fn = 'tokenParts';
  expectSession(fn, 'session', session);
  expectTokenKey(fn, 'key', key);
  openOptionsArg(fn, options);
  const s = session as SessionInternals;
  return (plan) => {
    const p = expectRecord(fn, 'plan', plan);
    const kek = expectRecord(fn, 'plan.kek', p['kek']);
    return wrapChecked(fn, s, key, kek, kek['bits'], p['scheme'], options);
  };
}

/**
 * The warning a blob made by this token for `key` carries, when the token zero-pads before RFC 5649 and the
 * caller accepted it (allowZeroPaddedKwp); undefined when the blob is exact. Runs the KWP known-answer test.
 */
export function zeroPaddingWarning(session: TokenSession, key: TokenKey, scheme: WrappingScheme): string | undefined {
  const s = expectSession('zeroPaddingWarning', 'session', session);
  expectTokenKey('zeroPaddingWarning', 'key', key);
  if (expectScheme('zeroPaddingWarning', 'scheme', scheme).mechanism !== 'rsa-aes-kwp') return undefined;
  return zeroPads(s, key) ? ZERO_PADDED_WARNING : undefined;
}

const ZERO_PADDED_WARNING = 'the token zero-padded the key\'s PKCS#8 encoding to a multiple of 8 bytes before its RFC 5649 wrap (SoftHSM < 2.7): the blob opens to the key followed by up to 7 zero bytes, and the importing HSM may refuse it';

function zeroPads(s: SessionInternals, key: TokenKey): boolean {
  const aligned = key.kind === 'oct' && key.bits !== undefined && key.bits % 64 === 0;
  return kwpMechanism(s).conformance === 'zero-padded' && !aligned;
}

/**
 * Wraps a token key for an RSA KEK of `kekBits` inside the token and returns the scheme's parts. Runs the
 * known-answer tests before the session's first wrap. The target must be extractable and not
 * CKA_WRAP_WITH_TRUSTED.
 */
export function wrapInToken(session: TokenSession, key: TokenKey, kek: RsaPublicKey, kekBits: number, scheme: WrappingScheme, options: WrapInTokenOptions = {}): WrappedParts {
  const fn = 'wrapInToken';
  const s = expectSession(fn, 'session', session);
  expectTokenKey(fn, 'key', key);
  openOptionsArg(fn, options);
  return wrapChecked(fn, s, key, kek, kekBits, scheme, options);
}

/** wrapInToken once session, key and options are checked (tokenParts checks them once, not per plan). */
function wrapChecked(fn: string, s: SessionInternals, key: TokenKey, kek: unknown, kekBits: unknown, scheme: unknown, options: WrapInTokenOptions): WrappedParts {
  if (!isRecord(kek) || !(kek['n'] instanceof Uint8Array) || !(kek['e'] instanceof Uint8Array)) throw invalid(fn, 'kek', 'an RSA public key { n, e } (big-endian Uint8Array)', kek);
  const bits = expectCount(fn, 'kekBits', kekBits, 1024);
  const sch = expectScheme(fn, 'scheme', scheme);
  refuseUnwrappable(key, sch);
  return wrapParts(s, key, kek as unknown as RsaPublicKey, bits, sch, options);
}

function wrapParts(s: SessionInternals, key: TokenKey, kek: RsaPublicKey, kekBits: number, scheme: WrappingScheme, options: WrapInTokenOptions): WrappedParts {
  const k = Math.ceil(kekBits / 8);
  if (scheme.oaepHash === 'sha224') throw oaepMissing(s, scheme, 'byok\'s known-answer test cannot check SHA-224 (its crypto core has no SHA-224)');
  const hash = scheme.oaepHash;
  const oaepProblem = oaepKat(s, hash);
  if (oaepProblem !== undefined) throw oaepMissing(s, scheme, oaepProblem);
  const kekHandle = kekObject(s, kek);
  const { api, session: h } = s.conn;

  if (scheme.mechanism === 'rsa-oaep') {
    const ciphertext = wrapKey(s, (out) => api.C_WrapKey(h, oaepMechanism(s, hash), kekHandle, key.handle, out), key, 'wrapping the key with CKM_RSA_PKCS_OAEP');
    if (ciphertext.length !== k) throw lengthFault('RSA-OAEP', ciphertext.length, k);
    return { mechanism: 'rsa-oaep', ciphertext };
  }

  const { mechanism: kwp } = kwpMechanism(s);
  const zeroPadded = zeroPads(s, key);
  if (zeroPadded && options.allowZeroPaddedKwp !== true) {
    throw new ByokError('PKCS11_KAT_FAILED', `token ${JSON.stringify(s.token.label)}'s ${mechanismName(kwp)} zero-pads the key to a multiple of 8 bytes before its RFC 5649 wrap (SoftHSM before 2.7.0 does): `
      + `the blob for ${describe(key)} would open to its PKCS#8 encoding followed by up to 7 zero bytes, which is not what the software path writes and which the importing HSM may refuse. `
      + 'Use a token whose padded key wrap is RFC 5649 (SoftHSM 2.7.0 or later), or accept this with --allow-zero-padded-kwp (library: allowZeroPaddedKwp)');
  }
  let eph: Buffer;
  try {
    eph = s.generateKey(CKM_AES_KEY_GEN, [
      { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, { type: CKA_VALUE_LEN, value: scheme.aesKeyBits / 8 },
      { type: CKA_TOKEN, value: false }, { type: CKA_PRIVATE, value: s.loggedIn }, { type: CKA_SENSITIVE, value: true },
      { type: CKA_EXTRACTABLE, value: true }, { type: CKA_WRAP, value: true }, { type: CKA_ENCRYPT, value: false }, { type: CKA_DECRYPT, value: false },
    ]);
  } catch (e) {
    const p = asPkcs11Error(e);
    if (p?.code === CKR_MECHANISM_INVALID) throw new ByokError('PKCS11_MECHANISM_MISSING', `token ${JSON.stringify(s.token.label)} cannot generate AES keys (CKM_AES_KEY_GEN: ${p.name}); no host crypto is used instead, so it cannot produce RSA-AES key wrap blobs`);
    throw pkcs11Failure(e, 'generating the ephemeral AES-256 key in the token');
  }
  try {
    const wrappedTarget = wrapKey(s, (out) => api.C_WrapKey(h, { mechanism: kwp }, eph, key.handle, out), key, `wrapping the key with ${mechanismName(kwp)}`);
    const encryptedKey = wrapKey(s, (out) => api.C_WrapKey(h, oaepMechanism(s, hash), kekHandle, eph, out), undefined, 'wrapping the ephemeral AES key with CKM_RSA_PKCS_OAEP');
    if (encryptedKey.length !== k) throw lengthFault('RSA-OAEP', encryptedKey.length, k);
    if (wrappedTarget.length < 16 || wrappedTarget.length % 8 !== 0) throw lengthFault('RFC 5649', wrappedTarget.length, 'a multiple of 8, at least 16');
    if (key.kind === 'oct' && key.bits !== undefined && wrappedTarget.length !== kwpLength(key.bits / 8)) throw lengthFault('RFC 5649', wrappedTarget.length, kwpLength(key.bits / 8));
    return { mechanism: 'rsa-aes-kwp', encryptedKey, wrappedTarget };
  } finally {
    try {
      s.destroy(eph);
    } catch {
      /* closing the session destroys it in any case */
    }
  }
}

/**
 * One C_WrapKey into the session's output buffer (allocated once: a PKCS#8 RSA-16384 key is under 10 KB,
 * and the token says how much it wrote); the result is copied out and the buffer's used part zeroed.
 */
function wrapKey(s: SessionInternals, call: (out: Buffer) => Buffer, target: TokenKey | undefined, doing: string): Uint8Array {
  let out = s.memo.get('wrap-output') as Buffer | undefined;
  if (out === undefined) s.memo.set('wrap-output', out = Buffer.alloc(16 * 1024));
  try {
    const written = call(out);
    const copy = new Uint8Array(written);
    written.fill(0);
    return copy;
  } catch (e) {
    const p = asPkcs11Error(e);
    if (target !== undefined && p?.code === CKR_KEY_UNEXTRACTABLE) {
      throw new ByokError('PKCS11_KEY_NOT_EXTRACTABLE', `the token refuses to wrap this key out (${p.name}): it is not extractable`);
    }
    if (target !== undefined && p?.code === CKR_KEY_NOT_WRAPPABLE) {
      throw new ByokError('PKCS11_KEY_WRAP_WITH_TRUSTED', `the token refuses to wrap this key (${p.name}): it may be wrapped only under a trusted key`);
    }
    throw pkcs11Failure(e, `${doing} in token ${JSON.stringify(s.token.label)}`);
  }
}

function lengthFault(what: string, got: number, want: number | string): ByokError {
  return new ByokError('PKCS11_ERROR', `the token returned ${got} bytes of ${what} output where ${want} were expected: refusing its result`);
}
