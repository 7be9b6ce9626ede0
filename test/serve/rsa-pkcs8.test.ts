// The import shortcut of `byok serve` (src/serve/rsa-pkcs8.ts): an RSA PKCS#8 is loaded from the PKCS#1
// inside it because OpenSSL's PKCS#8 decoder costs ~0.8 ms. It must never change what is accepted or
// which key results: every input is run both ways — the shortcut (walk + PKCS#1 decode) and OpenSSL's
// PKCS#8 decoder alone — and both must accept the same inputs with the same key, or the walk must step
// aside (undefined: the server then uses OpenSSL's PKCS#8 decoder).
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { algorithmIdentifier, octetString, parseDer, sequence } from '../../src/keys/der.js';
import { rsaPkcs1Of } from '../../src/serve/rsa-pkcs8.js';

/** The private JWK OpenSSL reads from `der` as PKCS#8, or undefined when it refuses it. */
function viaPkcs8(der: Uint8Array): string | undefined {
  try {
    return JSON.stringify(createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }));
  } catch {
    return undefined;
  }
}

/** The same through the shortcut; 'aside' when the walk leaves the input to the PKCS#8 decoder. */
function viaShortcut(der: Uint8Array): string | undefined | 'aside' {
  const v = rsaPkcs1Of(der);
  if (v === undefined) return 'aside';
  try {
    const key = createPrivateKey({ key: Buffer.from(v.pkcs1), format: 'der', type: 'pkcs1' });
    const jwk = key.export({ format: 'jwk' });
    expect(Buffer.from(v.n).toString('base64url')).toBe(jwk.n);
    expect(Buffer.from(v.e).toString('base64url')).toBe(jwk.e);
    expect(v.bits).toBe(key.asymmetricKeyDetails?.modulusLength);
    return JSON.stringify(jwk);
  } catch (e) {
    if (e instanceof Error && e.name === 'AssertionError') throw e;
    return undefined;
  }
}

const keys = [2048, 3072, 4096].map((bits) => ({
  bits,
  der: new Uint8Array(generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'der' })),
}));

describe('byok serve: RSA PKCS#8 read through its PKCS#1', () => {
  it('finds the same key as the PKCS#8 decoder for RSA 2048, 3072 and 4096', () => {
    for (const { bits, der } of keys) {
      const v = rsaPkcs1Of(der);
      expect(v?.bits).toBe(bits);
      expect(viaShortcut(der)).toBe(viaPkcs8(der));
      expect(viaPkcs8(der)).toBeDefined();
      // the PKCS#1 is a view into the input, not a copy of the secret
      expect(v!.pkcs1.buffer).toBe(der.buffer);
    }
  });

  it('steps aside for what is not a plain RSA PKCS#8 v1: EC, attributes, BER lengths', () => {
    const ec = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }));
    expect(rsaPkcs1Of(ec)).toBeUndefined();
    const der = keys[0]!.der;
    // PrivateKeyInfo with an (empty) attributes set [0]: OpenSSL reads it; the walk leaves it alone
    const top = sequence(parseDer(der, 'MALFORMED_KEY', 't'), 'MALFORMED_KEY', 't');
    const inner = Buffer.concat([...top.map((n) => n.encoded), Buffer.from([0xa0, 0x00])]);
    const withAttributes = Buffer.concat([Buffer.from([0x30, 0x82, inner.length >> 8, inner.length & 0xff]), inner]);
    expect(viaPkcs8(withAttributes)).toBe(viaPkcs8(der));
    expect(rsaPkcs1Of(withAttributes)).toBeUndefined();
    // the outer length in a non-minimal long form (BER, not DER)
    const ber = Buffer.concat([Buffer.from([0x30, 0x83, 0x00, der[2]!, der[3]!]), der.subarray(4)]);
    expect(rsaPkcs1Of(ber)).toBeUndefined();
    expect(algorithmIdentifier(top[1], 'MALFORMED_KEY', 't').oid).toBe('1.2.840.113549.1.1.1');
    expect(octetString(top[2], 'MALFORMED_KEY', 't').length).toBeGreaterThan(1000);
  });

  it('agrees with the PKCS#8 decoder on 3,000 damaged inputs (bit flips, cuts, byte runs)', () => {
    let stepped = 0;
    let accepted = 0;
    const rnd = (n: number): number => randomBytes(4).readUInt32LE() % n;
    for (let i = 0; i < 3000; i++) {
      const base = keys[i % keys.length]!.der;
      let m: Uint8Array;
      const kind = i % 3;
      if (kind === 0) {
        m = Uint8Array.from(base);
        // flips concentrated in the headers, where the walk decides, and anywhere in the rest
        const at = i % 2 === 0 ? rnd(40) : rnd(m.length);
        m[at]! ^= 1 << rnd(8);
      } else if (kind === 1) {
        m = base.subarray(0, rnd(base.length));
      } else {
        m = Uint8Array.from(base);
        const at = rnd(m.length - 8);
        m.set(randomBytes(1 + rnd(8)), at);
      }
      const fast = viaShortcut(m);
      if (fast === 'aside') {
        stepped++;
        continue;
      }
      expect(fast).toBe(viaPkcs8(m));
      if (fast !== undefined) accepted++;
    }
    // both kinds of outcome happened, so the comparison above had something to compare
    expect(stepped).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(100);
  });
});
