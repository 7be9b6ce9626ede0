// Known-answer tests a token passes before its first wrap in a session (issue 11, byok-formats.md §3.3):
//
// 1. Padded AES key wrap is RFC 5649. CKM_AES_KEY_WRAP_PAD (0x210A) is RFC 5649 on SoftHSM but PKCS#7
//    padding + RFC 3394 on tokens that follow the 2017 TC text; CKM_AES_KEY_WRAP_KWP (0x210B) and Luna's
//    vendor 0x80000171 are tried too, in that order, among those the token lists with CKF_WRAP. A session
//    AES-256 key with a known value wraps two known secrets (a 32-byte AES key: RFC 5649 gives 40 bytes,
//    RFC 3394 40 other bytes, PKCS#7 + KW 48; and a 20-byte secret, which exercises the padding); the
//    first mechanism whose outputs equal RFC 5649's is used. The wrapping key is AES-256, as the
//    ephemeral keys are.
//    One deviation is recognised by name rather than lumped with the failures: SoftHSM before 2.7.0
//    zero-pads the key to a multiple of 8 bytes before its (otherwise RFC 5649) wrap (SoftHSM.cpp
//    WrapKeySym, commit ca82e5aa, 2017; fixed by f94aaffc in 2.7.0), so the AIV carries the padded length
//    and the unwrapped key has up to 7 zero bytes after it. Aligned inputs (AES keys) come out exact; a
//    private key's PKCS#8 length is not known outside the token, so wrap.ts refuses those unless the
//    caller accepts the deviation (allowZeroPaddedKwp).
// 2. CKM_RSA_PKCS_OAEP uses the hash asked for: the token OAEP-encrypts a known AES key to a published
//    test key (kat-key.ts); the Wasm core decrypts it with that hash. Once per hash per session.
// Every test object is a session object with CKA_TOKEN false, destroyed in a finally.
import { getCore } from '../core/index.js';
import { ByokError } from '../errors.js';
import { rsaComponentsFromPkcs8, wipeRsaComponents } from '../transfer/rsa-components.js';
import {
  CKA_CLASS, CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_KEY_TYPE, CKA_MODULUS, CKA_PRIVATE, CKA_PUBLIC_EXPONENT,
  CKA_SENSITIVE, CKA_TOKEN, CKA_VALUE, CKA_WRAP, CKF_WRAP, CKK_AES, CKK_GENERIC_SECRET, CKK_RSA, CKM_AES_KEY_WRAP_KWP,
  CKM_AES_KEY_WRAP_PAD, CKM_RSA_PKCS_OAEP, CKM_VENDOR_LUNA_AES_KWP, CKO_PUBLIC_KEY, CKO_SECRET_KEY, CKZ_DATA_SPECIFIED,
  mechanismName, OAEP_HASHES, type OaepHashName,
} from './constants.js';
import { asPkcs11Error, pkcs11Failure } from './errors.js';
import { OAEP_KAT_KEY_PKCS8_BASE64 } from './kat-key.js';
import type { SessionInternals } from './session.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** AES-256 KEK 00 01 … 1f (byok-formats.md §6). */
export const KWP_KAT_KEK = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
export const KWP_KAT_CASES: readonly { keyType: number; value: Buffer; wrapped: Buffer; zeroPadded?: Buffer }[] = [
  // byok-formats.md §6 (same output from node:crypto, pyca and the OpenSSL CLI; test/pkcs11/kat.test.ts re-checks).
  { keyType: CKK_AES, value: hex('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f'), wrapped: hex('4a8029243027353b0694cf1bd8fc745bb0ce8a739b19b1960b12426d4c39cfeda926d103ab34e9f6') },
  // RFC 5649 §6's 20-byte plaintext under the AES-256 KEK above, and the same with 4 zero bytes appended
  // (what SoftHSM < 2.7 wraps); both from node:crypto id-aes256-wrap-pad, re-checked by the test.
  {
    keyType: CKK_GENERIC_SECRET, value: hex('c37b7e6492584340bed12207808941155068f738'),
    wrapped: hex('29b7fa191c2165684374eee9f74595e2a42bace75c425b3053efa26ffe1bb32f'),
    zeroPadded: hex('431632e17c16513fdcea0a3af7b1461d1e80cd8705c1012186201dc7231c4492'),
  },
];

/** 'rfc5649': exact. 'zero-padded': RFC 5649 of the key zero-padded to a multiple of 8 (SoftHSM < 2.7). */
export type KwpConformance = 'rfc5649' | 'zero-padded';

export interface KwpChoice {
  readonly mechanism: number;
  readonly conformance: KwpConformance;
}

/** Candidates for RFC 5649, in the order tried. */
export const KWP_CANDIDATES = [CKM_AES_KEY_WRAP_KWP, CKM_AES_KEY_WRAP_PAD, CKM_VENDOR_LUNA_AES_KWP] as const;

/** The wrapping mechanisms this folder may use: only these are asked about (C_GetMechanismInfo). */
const WRAP_MECHANISMS_USED: readonly number[] = [...KWP_CANDIDATES, CKM_RSA_PKCS_OAEP];

type Template = { type: number; value: number | boolean | Buffer }[];

const secretTemplate = (keyType: number, value: Buffer, extra: Template): Template => [
  { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: keyType }, { type: CKA_TOKEN, value: false },
  { type: CKA_PRIVATE, value: false }, { type: CKA_VALUE, value }, ...extra,
];

function listedWrapMechanisms(s: SessionInternals): Set<number> {
  const { api, slot } = s.conn;
  let list: number[];
  try {
    list = api.C_GetMechanismList(slot);
  } catch (e) {
    throw pkcs11Failure(e, 'listing the token\'s mechanisms');
  }
  const out = new Set<number>();
  for (const m of list.filter((x) => WRAP_MECHANISMS_USED.includes(x))) {
    try {
      if ((api.C_GetMechanismInfo(slot, m).flags & CKF_WRAP) !== 0) out.add(m);
    } catch {
      /* a mechanism the token lists but will not describe: not usable for wrapping */
    }
  }
  return out;
}

/** Which of KWP_CANDIDATES and CKM_RSA_PKCS_OAEP this token lists with CKF_WRAP. */
export function wrapMechanisms(s: SessionInternals): Set<number> {
  const memo = s.memo.get('wrap-mechanisms') as Set<number> | undefined;
  if (memo !== undefined) return memo;
  const listed = listedWrapMechanisms(s);
  s.memo.set('wrap-mechanisms', listed);
  return listed;
}

/** Runs the RFC 5649 test on one mechanism: how it conforms, or why it does not. */
export function kwpKat(s: SessionInternals, mechanism: number): KwpConformance | { why: string } {
  const { api, session } = s.conn;
  let kek: Buffer;
  try {
    kek = s.createObject(secretTemplate(CKK_AES, KWP_KAT_KEK, [{ type: CKA_WRAP, value: true }, { type: CKA_ENCRYPT, value: false }]));
  } catch (e) {
    throw new ByokError('PKCS11_KAT_FAILED', `the token refused to create the known-answer test's AES key (${asPkcs11Error(e)?.name ?? 'error'}), so its padded AES key wrap cannot be checked against RFC 5649; byok does not use an unchecked one`, { cause: e });
  }
  let conformance: KwpConformance = 'rfc5649';
  try {
    for (const c of KWP_KAT_CASES) {
      let secret: Buffer;
      try {
        secret = s.createObject(secretTemplate(c.keyType, c.value, [{ type: CKA_EXTRACTABLE, value: true }, { type: CKA_SENSITIVE, value: false }]));
      } catch (e) {
        throw new ByokError('PKCS11_KAT_FAILED', `the token refused to create a known-answer test secret (${asPkcs11Error(e)?.name ?? 'error'}), so its padded AES key wrap cannot be checked against RFC 5649; byok does not use an unchecked one`, { cause: e });
      }
      try {
        let out: Buffer;
        try {
          out = api.C_WrapKey(session, { mechanism }, kek, secret, Buffer.alloc(c.value.length + 64));
        } catch (e) {
          return { why: `it refused the test wrap (${asPkcs11Error(e)?.name ?? 'error'})` };
        }
        if (out.equals(c.wrapped)) continue;
        if (c.zeroPadded !== undefined && out.equals(c.zeroPadded)) {
          conformance = 'zero-padded';
          continue;
        }
        const kind = out.length === c.wrapped.length + 8 ? ', the length of PKCS#7 padding + RFC 3394' : '';
        return { why: `it wrapped a ${c.value.length}-byte test key to ${out.length} bytes that are not RFC 5649's ${c.wrapped.length}${kind}` };
      } finally {
        s.destroy(secret);
      }
    }
    return conformance;
  } finally {
    s.destroy(kek);
  }
}

/**
 * The token's RFC 5649 mechanism, proven by the known-answer test (once per session): the first candidate
 * that is exact, else the first that only zero-pads (see the file header). Throws
 * PKCS11_MECHANISM_MISSING when the token lists none of the candidates for wrapping, PKCS11_KAT_FAILED
 * when every listed one fails.
 */
export function kwpMechanism(s: SessionInternals): KwpChoice {
  const memo = s.memo.get('kwp') as KwpChoice | undefined;
  if (memo !== undefined) return memo;
  const listed = wrapMechanisms(s);
  const candidates = KWP_CANDIDATES.filter((m) => listed.has(m));
  if (candidates.length === 0) {
    throw new ByokError('PKCS11_MECHANISM_MISSING', `token ${JSON.stringify(s.token.label)} lists no AES key wrap with padding for wrapping (${KWP_CANDIDATES.map(mechanismName).join(', ')}): it cannot produce RSA-AES key wrap blobs`);
  }
  const failures: string[] = [];
  let padded: KwpChoice | undefined;
  for (const m of candidates) {
    const r = kwpKat(s, m);
    if (r === 'rfc5649') {
      const choice = { mechanism: m, conformance: r };
      s.memo.set('kwp', choice);
      return choice;
    }
    if (r === 'zero-padded') padded ??= { mechanism: m, conformance: r };
    else failures.push(`${mechanismName(m)}: ${r.why}`);
  }
  if (padded !== undefined) {
    s.memo.set('kwp', padded);
    return padded;
  }
  throw new ByokError('PKCS11_KAT_FAILED', `token ${JSON.stringify(s.token.label)} failed the RFC 5649 known-answer test, so it is refused (its blobs would not open in the cloud): ${failures.join('; ')}`);
}

/** The CK_MECHANISM of OAEP with `hash` for MGF1 and OAEP, empty label (byok-formats.md §0). */
export function oaepMechanism(s: SessionInternals, hash: OaepHashName): { mechanism: number; parameter: { type: number; hashAlg: number; mgf: number; source: number } } {
  const h = OAEP_HASHES[hash];
  return { mechanism: CKM_RSA_PKCS_OAEP, parameter: { type: s.binding.CK_PARAMS_RSA_OAEP, hashAlg: h.hashAlg, mgf: h.mgf, source: CKZ_DATA_SPECIFIED } };
}

export const OAEP_KAT_AES = hex('8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3a5c7e9b0d2f4a6c8e1b');

/**
 * Proves CKM_RSA_PKCS_OAEP with `hash` works and honours the hash (once per hash per session). Returns
 * undefined when it does; a short reason (a CKR_* name, or "ignored the hash") when not.
 */
export function oaepKat(s: SessionInternals, hash: OaepHashName): string | undefined {
  const key = `oaep-${hash}`;
  if (s.memo.has(key)) return s.memo.get(key) as string | undefined;
  const why = runOaepKat(s, hash);
  s.memo.set(key, why);
  return why;
}

function runOaepKat(s: SessionInternals, hash: OaepHashName): string | undefined {
  if (!wrapMechanisms(s).has(CKM_RSA_PKCS_OAEP)) return 'not listed for wrapping';
  const priv = rsaComponentsFromPkcs8(new Uint8Array(Buffer.from(OAEP_KAT_KEY_PKCS8_BASE64, 'base64')));
  const { api, session } = s.conn;
  let pub: Buffer | undefined;
  let secret: Buffer | undefined;
  try {
    try {
      pub = s.createObject([
        { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_KEY_TYPE, value: CKK_RSA }, { type: CKA_TOKEN, value: false },
        { type: CKA_PRIVATE, value: false }, { type: CKA_MODULUS, value: Buffer.from(priv.n) },
        { type: CKA_PUBLIC_EXPONENT, value: Buffer.from(priv.e) }, { type: CKA_WRAP, value: true },
      ]);
      secret = s.createObject(secretTemplate(CKK_AES, OAEP_KAT_AES, [{ type: CKA_EXTRACTABLE, value: true }, { type: CKA_SENSITIVE, value: false }]));
    } catch (e) {
      throw new ByokError('PKCS11_KAT_FAILED', `the token refused to create the OAEP known-answer test's objects (${asPkcs11Error(e)?.name ?? 'error'}), so its CKM_RSA_PKCS_OAEP cannot be checked; byok does not use an unchecked one`, { cause: e });
    }
    let ct: Buffer;
    try {
      ct = api.C_WrapKey(session, oaepMechanism(s, hash), pub, secret, Buffer.alloc(256));
    } catch (e) {
      const p = asPkcs11Error(e);
      if (p === undefined) throw e;
      return p.name;
    }
    let m: Uint8Array;
    try {
      m = getCore().rsaOaepDecrypt(priv, new Uint8Array(ct), { hash });
    } catch {
      return `ignored the ${OAEP_HASHES[hash].label} parameter (its output does not decrypt with ${OAEP_HASHES[hash].label})`;
    }
    return Buffer.from(m).equals(OAEP_KAT_AES) ? undefined : 'returned another key';
  } finally {
    if (secret !== undefined) s.destroy(secret);
    if (pub !== undefined) s.destroy(pub);
    wipeRsaComponents(priv);
  }
}

/** OAEP hashes whose known-answer test passes on this token (probed on demand, for error messages). */
export function workingOaepHashes(s: SessionInternals): OaepHashName[] {
  return (Object.keys(OAEP_HASHES) as OaepHashName[]).filter((h) => oaepKat(s, h) === undefined);
}
