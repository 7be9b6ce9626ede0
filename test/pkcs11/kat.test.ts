// The known-answer tests of src/pkcs11/kat.ts: their constants re-derived with independent implementations
// (node:crypto's OpenSSL and @noble/ciphers), and their decisions driven by simulated tokens that wrap the
// way real ones do or get it wrong (RFC 5649, PKCS#7 + RFC 3394, zero padding, an OAEP that ignores its
// hash). A simulated token is the positive control: a KAT that accepts a wrong token would pass nothing.
import { constants, createCipheriv, createPrivateKey, publicEncrypt, createPublicKey } from 'node:crypto';
import { aeskwp } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/errors.js';
import {
  CKA_CLASS, CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_VALUE, CKF_WRAP, CKM_AES_KEY_WRAP_KWP, CKM_AES_KEY_WRAP_PAD,
  CKM_RSA_PKCS_OAEP, CKM_SHA256, CKM_VENDOR_LUNA_AES_KWP,
} from '../../src/pkcs11/constants.js';
import { KWP_KAT_CASES, KWP_KAT_KEK, kwpMechanism, OAEP_KAT_AES, oaepKat, workingOaepHashes } from '../../src/pkcs11/kat.js';
import { OAEP_KAT_KEY_PKCS8_BASE64 } from '../../src/pkcs11/kat-key.js';
import type { SessionInternals } from '../../src/pkcs11/session.js';

function nodeKwp(kek: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap-pad`, kek, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([c.update(data), c.final()]);
}

function nodeKw(kek: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
  return Buffer.concat([c.update(data), c.final()]);
}

describe('known-answer constants', () => {
  it('every KWP case is RFC 5649 by node:crypto and @noble/ciphers; the zero-padded variant is KWP of the padded value', () => {
    for (const c of KWP_KAT_CASES) {
      expect(nodeKwp(KWP_KAT_KEK, c.value).toString('hex')).toBe(c.wrapped.toString('hex'));
      expect(Buffer.from(aeskwp(KWP_KAT_KEK).encrypt(c.value)).toString('hex')).toBe(c.wrapped.toString('hex'));
      if (c.zeroPadded !== undefined) {
        const padded = Buffer.concat([c.value, Buffer.alloc((8 - (c.value.length % 8)) % 8)]);
        expect(padded.length % 8).toBe(0);
        expect(c.value.length % 8).not.toBe(0); // the case must be unaligned to tell the variants apart
        expect(nodeKwp(KWP_KAT_KEK, padded).toString('hex')).toBe(c.zeroPadded.toString('hex'));
      }
    }
    // The 32-byte case separates RFC 5649 from RFC 3394 (same length, other bytes) and from PKCS#7 + KW (48 bytes).
    const aligned = KWP_KAT_CASES.find((c) => c.value.length === 32)!;
    expect(nodeKw(KWP_KAT_KEK, aligned.value).equals(aligned.wrapped)).toBe(false);
    expect(nodeKw(KWP_KAT_KEK, pkcs7(aligned.value)).length).toBe(48);
  });

  it('the OAEP test key is a consistent RSA-2048 private key (node:crypto reads it and decrypts its own OAEP)', () => {
    const priv = createPrivateKey({ key: Buffer.from(OAEP_KAT_KEY_PKCS8_BASE64, 'base64'), format: 'der', type: 'pkcs8' });
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const ct = publicEncrypt({ key: createPublicKey(priv), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, OAEP_KAT_AES);
    expect(ct.length).toBe(256);
  });
});

function pkcs7(v: Buffer): Buffer {
  const n = 8 - (v.length % 8);
  return Buffer.concat([v, Buffer.alloc(n, n)]);
}

type Flavor = 'rfc5649' | 'pkcs7' | 'zero-padded' | 'refuses';

interface FakeToken {
  /** Mechanism → how it wraps. */
  readonly kwp: ReadonlyMap<number, Flavor>;
  /** OAEP hashes it honours; 'ignore' uses SHA-1 whatever is asked; 'refuse-256' answers CKR_ARGUMENTS_BAD to SHA-256. */
  readonly oaep: 'honour' | 'ignore' | 'refuse-256';
}

class FakePkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
  constructor(readonly code: number, name: string) {
    super(name);
  }
}

/** A SessionInternals whose token is simulated in JS, with the wrap behaviours of FakeToken. */
function fakeSession(t: FakeToken): SessionInternals & { created: number; destroyed: number } {
  const objects = new Map<string, { class: number; value?: Buffer; n?: Buffer; e?: Buffer }>();
  let next = 1;
  const s = {
    created: 0, destroyed: 0,
    token: { label: 'fake' }, memo: new Map<string, unknown>(), binding: { CK_PARAMS_RSA_OAEP: 1 },
    conn: {
      slot: Buffer.alloc(8), session: Buffer.alloc(8),
      api: {
        C_GetMechanismList: () => [...t.kwp.keys(), CKM_RSA_PKCS_OAEP],
        C_GetMechanismInfo: () => ({ flags: CKF_WRAP, minKeySize: 0, maxKeySize: 0 }),
        C_WrapKey: (_s: Buffer, mech: { mechanism: number; parameter?: { hashAlg: number } }, wrapping: Buffer, key: Buffer): Buffer => {
          const w = objects.get(wrapping.toString('hex'))!;
          const k = objects.get(key.toString('hex'))!;
          if (mech.mechanism === CKM_RSA_PKCS_OAEP) {
            const asked = mech.parameter?.hashAlg === CKM_SHA256 ? 'sha256' : 'sha1';
            if (t.oaep === 'refuse-256' && asked === 'sha256') throw new FakePkcs11Error(7, 'CKR_ARGUMENTS_BAD');
            const pub = createPublicKey({ key: { kty: 'RSA', n: w.n!.toString('base64url'), e: w.e!.toString('base64url') }, format: 'jwk' });
            return publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: t.oaep === 'ignore' ? 'sha1' : asked }, k.value!);
          }
          switch (t.kwp.get(mech.mechanism)) {
            case 'rfc5649': return nodeKwp(w.value!, k.value!);
            case 'pkcs7': return nodeKw(w.value!, pkcs7(k.value!));
            case 'zero-padded': return nodeKwp(w.value!, Buffer.concat([k.value!, Buffer.alloc((8 - (k.value!.length % 8)) % 8)]));
            default: throw new FakePkcs11Error(0x70, 'CKR_MECHANISM_INVALID');
          }
        },
      },
    },
    createObject(template: { type: number; value: number | boolean | Buffer }[]): Buffer {
      const get = (type: number): unknown => template.find((a) => a.type === type)?.value;
      const h = Buffer.alloc(8);
      h.writeUInt32LE(next++);
      objects.set(h.toString('hex'), {
        class: get(CKA_CLASS) as number, value: get(CKA_VALUE) as Buffer | undefined,
        n: get(CKA_MODULUS) as Buffer | undefined, e: get(CKA_PUBLIC_EXPONENT) as Buffer | undefined,
      });
      s.created++;
      return h;
    },
    destroy(h: Buffer): void {
      if (objects.delete(h.toString('hex'))) s.destroyed++;
    },
  };
  return s as unknown as SessionInternals & { created: number; destroyed: number };
}

const tokenWith = (kwp: [number, Flavor][], oaep: FakeToken['oaep'] = 'honour'): ReturnType<typeof fakeSession> => fakeSession({ kwp: new Map(kwp), oaep });

describe('the RFC 5649 KAT decides on what the token actually does', () => {
  it('takes CKM_AES_KEY_WRAP_KWP first when it is RFC 5649, and destroys every test object', () => {
    const s = tokenWith([[CKM_AES_KEY_WRAP_PAD, 'rfc5649'], [CKM_AES_KEY_WRAP_KWP, 'rfc5649']]);
    expect(kwpMechanism(s)).toEqual({ mechanism: CKM_AES_KEY_WRAP_KWP, conformance: 'rfc5649' });
    expect(s.created).toBeGreaterThan(0);
    expect(s.destroyed).toBe(s.created);
  });

  it('skips a PKCS#7 CKM_AES_KEY_WRAP_PAD for an RFC 5649 vendor mechanism (Luna)', () => {
    const s = tokenWith([[CKM_AES_KEY_WRAP_PAD, 'pkcs7'], [CKM_VENDOR_LUNA_AES_KWP, 'rfc5649']]);
    expect(kwpMechanism(s).mechanism).toBe(CKM_VENDOR_LUNA_AES_KWP);
  });

  it('refuses a token whose only padded wrap is PKCS#7 + RFC 3394, saying why', () => {
    const s = tokenWith([[CKM_AES_KEY_WRAP_PAD, 'pkcs7']]);
    const err = errorOf(() => kwpMechanism(s));
    expect(err.code).toBe('PKCS11_KAT_FAILED');
    expect(err.message).toMatch(/CKM_AES_KEY_WRAP_PAD: it wrapped a 32-byte test key to 48 bytes .*PKCS#7/);
    expect(s.destroyed).toBe(s.created);
  });

  it('names the SoftHSM < 2.7 zero padding as such, and prefers an exact mechanism over it', () => {
    expect(kwpMechanism(tokenWith([[CKM_AES_KEY_WRAP_PAD, 'zero-padded']]))).toEqual({ mechanism: CKM_AES_KEY_WRAP_PAD, conformance: 'zero-padded' });
    expect(kwpMechanism(tokenWith([[CKM_AES_KEY_WRAP_KWP, 'zero-padded'], [CKM_AES_KEY_WRAP_PAD, 'rfc5649']]))).toEqual({ mechanism: CKM_AES_KEY_WRAP_PAD, conformance: 'rfc5649' });
  });

  it('refuses a token that lists none of the candidates (PKCS11_MECHANISM_MISSING) or whose candidates refuse the test', () => {
    expect(() => kwpMechanism(tokenWith([]))).toThrow(expect.objectContaining({ code: 'PKCS11_MECHANISM_MISSING' }));
    expect(() => kwpMechanism(tokenWith([[CKM_AES_KEY_WRAP_KWP, 'refuses']]))).toThrow(/refused the test wrap \(CKR_MECHANISM_INVALID\)/);
  });
});

describe('the OAEP KAT proves the hash is honoured', () => {
  it('passes a token that honours SHA-1 and SHA-256', () => {
    const s = tokenWith([], 'honour');
    expect(oaepKat(s, 'sha1')).toBeUndefined();
    expect(oaepKat(s, 'sha256')).toBeUndefined();
    expect(s.destroyed).toBe(s.created);
  });

  it('catches a token that silently uses SHA-1 when asked for SHA-256 (byok-formats.md §3.4)', () => {
    const s = tokenWith([], 'ignore');
    expect(oaepKat(s, 'sha1')).toBeUndefined();
    expect(oaepKat(s, 'sha256')).toMatch(/ignored the SHA-256 parameter/);
    expect(workingOaepHashes(s)).toEqual(['sha1']);
  });

  it('reports the CKR_* of a token that refuses a hash, and lists what it can do', () => {
    const s = tokenWith([], 'refuse-256');
    expect(oaepKat(s, 'sha256')).toBe('CKR_ARGUMENTS_BAD');
    expect(workingOaepHashes(s)).toEqual(['sha1']);
  });
});
