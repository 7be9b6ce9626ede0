// Intermediate buffers that held key material are zeroed once readTargetKey is done with them: the
// decrypted PKCS#8 / legacy-PEM plaintext and the PKCS#12 key bags (captured by wrapping the pbe functions),
// and the unwrapped transport plaintext (captured by wrapping the core).
import { createCipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const captured: Uint8Array[] = [];

vi.mock('../../src/keys/pbe/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/keys/pbe/index.js')>();
  return {
    ...real,
    decryptPkcs8: (der: Uint8Array, pw: Uint8Array) => {
      const out = real.decryptPkcs8(der, pw);
      captured.push(out);
      return out;
    },
    decryptLegacyPem: (dek: string, body: Uint8Array, pw: Uint8Array) => {
      const out = real.decryptLegacyPem(dek, body, pw);
      captured.push(out);
      return out;
    },
    readPkcs12: (der: Uint8Array, pw: string | undefined) => {
      const out = real.readPkcs12(der, pw);
      for (const k of out.keys) captured.push(k.pkcs8);
      return out;
    },
  };
});

const unwrapped: Uint8Array[] = [];

vi.mock('../../src/core/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/index.js')>();
  return {
    ...real,
    getCore: () => {
      const api = real.getCore();
      return {
        ...api,
        aesKwpUnwrap: (k: Uint8Array, d: Uint8Array) => {
          const out = api.aesKwpUnwrap(k, d);
          unwrapped.push(out);
          return out;
        },
      };
    },
  };
});

const { readTargetKey } = await import('../../src/keys/index.js');

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

describe('intermediate key material is wiped', () => {
  beforeEach(() => {
    captured.length = 0;
  });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('decrypted PKCS#8 (PBES2) — after success and after a refused key', () => {
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const t = readTargetKey(enc(pem), { password: 'pw' });
    expect(t.curve).toBe('P-384');
    expect(captured.length).toBe(1);
    expect(captured.every(allZero)).toBe(true);
    captured.length = 0;
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const smallPem = small.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string;
    expect(() => readTargetKey(enc(smallPem), { password: 'pw' })).toThrow(/RSA-1024/);
    expect(captured.length).toBe(1);
    expect(captured.every(allZero)).toBe(true);
  });
  it('decrypted PKCS#8 of an Ed25519 key', () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    const pem = ed.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    expect(readTargetKey(enc(pem), { password: 'pw' }).kind).toBe('ed25519');
    expect(captured.length).toBe(1);
    expect(captured.every(allZero)).toBe(true);
  });
  it('decrypted legacy DEK-Info PEM', () => {
    const pem = privateKey.export({ format: 'pem', type: 'sec1', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string;
    readTargetKey(enc(pem), { password: 'pw' });
    expect(captured.length).toBe(1);
    expect(captured.every(allZero)).toBe(true);
  });
});

describe('transport plaintext is wiped', () => {
  it('the buffer the core returns is zeroed after reading', () => {
    const tk = randomBytes(32);
    const c = createCipheriv('id-aes256-wrap-pad', tk, Buffer.from('A65959A6', 'hex'));
    const aes = randomBytes(32);
    const blob = Buffer.concat([c.update(aes), c.final()]);
    const t = readTargetKey(new Uint8Array(blob), { transportKey: new Uint8Array(tk), transportWrap: 'kwp' });
    expect(Buffer.from(t.material).equals(aes)).toBe(true);
    expect(unwrapped.length).toBe(1);
    expect(unwrapped.every(allZero)).toBe(true);
  });
  it('an HMAC key exported under a transport key (keyType hmac)', () => {
    unwrapped.length = 0;
    const tk = randomBytes(32);
    const c = createCipheriv('id-aes256-wrap-pad', tk, Buffer.from('A65959A6', 'hex'));
    const secret = randomBytes(48);
    const blob = Buffer.concat([c.update(secret), c.final()]);
    const t = readTargetKey(new Uint8Array(blob), { transportKey: new Uint8Array(tk), transportWrap: 'kwp', keyType: 'hmac' });
    expect([t.keyType, Buffer.from(t.material).equals(secret)]).toEqual(['hmac', true]);
    expect(unwrapped.length).toBe(1);
    expect(unwrapped.every(allZero)).toBe(true);
  });
});
