// Every encrypted key file in the pyca, rustcrypto and mbedtls manifests: it decrypts with the recorded
// password to exactly what OpenSSL 3 gives, or fails with the error its notes lead one to expect. A
// wrong password gives WRONG_PASSWORD for every file that decrypts.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isByokError } from '../../src/errors.js';
import { decryptLegacyPem, decryptPkcs8, describePkcs8Encryption, inspectPkcs12, readPkcs12 } from '../../src/keys/pbe/index.js';
import { LEGACY, derOf, openssl, OPENSSL_OK, opensslTry, pemBlocks, utf8, type PemBlock } from '../helpers/pbe-openssl.js';
import { allEntries, entryBytes, entryId, entryPath, type ManifestEntry } from '../helpers/pbe-vectors.js';
import { readVector, toHex } from '../helpers/vectors.js';

/** Files whose notes say they must fail, and how. */
const EXPECTED_FAILURES: Record<string, { code: string; mentions: RegExp; why: string }> = {
  'pyca/pkcs8/enc-rsa-pkcs8-pbkdf2-0iter.pem': {
    code: 'INVALID_PBE_PARAMETERS',
    mentions: /iteration count 0/,
    why: 'notes: PBKDF2 iterationCount = 0 must be rejected',
  },
  'pyca/pkcs8/bad-encryption-oid.pem': {
    code: 'UNSUPPORTED_ENCRYPTION',
    mentions: /unknown algorithm/,
    why: 'notes: garbage encryption algorithm OID must be rejected',
  },
  'mbedtls/ec_prv.pk8.pw.pem': { code: 'UNSUPPORTED_ENCRYPTION', mentions: /pbeWithSHAAnd128BitRC4/, why: 'notes: RC4 (refused by name)' },
  'mbedtls/ec_prv.pk8.pw.der': { code: 'UNSUPPORTED_ENCRYPTION', mentions: /pbeWithSHAAnd128BitRC4/, why: 'notes: RC4 (refused by name)' },
  'rustcrypto/pkcs8/ed25519-encpriv-aes128-gcm-scrypt.der': {
    code: 'UNSUPPORTED_ENCRYPTION',
    mentions: /AES-128-GCM/,
    why: 'notes: AES-GCM in PBES2 (Botan); OpenSSL and pyca reject it too: expect unsupported-algorithm',
  },
  'rustcrypto/pkcs8/ed25519-encpriv-aes256-gcm-scrypt.der': {
    code: 'UNSUPPORTED_ENCRYPTION',
    mentions: /AES-256-GCM/,
    why: 'notes: AES-GCM in PBES2 (Botan); OpenSSL and pyca reject it too: expect unsupported-algorithm',
  },
};

/** Files OpenSSL 3.0 cannot open, with the independent expectation we check instead. */
const NO_OPENSSL_ORACLE: Record<string, { expected: () => Uint8Array; why: string }> = {
  // OpenSSL refuses N=32768 only because of its 32 MiB default scrypt maxmem; the key inside is the
  // RFC 8410 Ed25519 sample that ed25519-priv-pkcs8v1.der holds in plain form.
  'rustcrypto/pkcs8/ed25519-encpriv-aes256-scrypt.der': {
    expected: () => Uint8Array.from(readVector('rustcrypto', 'pkcs8/ed25519-priv-pkcs8v1.der')),
    why: 'OpenSSL hits its default scrypt maxmem; compare with the plain PKCS#8 of the same key',
  },
};

const counts = {
  pkcs8Exact: 0,
  legacyExact: 0,
  legacySamePublicKey: 0,
  expectedFailures: 0,
  wrongPassword: 0,
  otherOracle: 0,
  p12Files: 0,
  p12KeyExact: 0,
  p12KeySamePublicKey: 0,
  p12Certs: 0,
  p12InspectedMacs: 0,
  p12InspectedKeyNames: 0,
  p12InspectedEncryptedParts: 0,
};
const skipped: string[] = [];

afterAll(() => {
  console.log(`pbe vectors: ${JSON.stringify(counts)}; skipped ${skipped.length}${skipped.length ? ': ' + skipped.join('; ') : ''}`);
});

function expectByokCode(fn: () => unknown, code: string, mentions?: RegExp): void {
  try {
    fn();
  } catch (e) {
    if (!isByokError(e)) throw e;
    expect(e.code).toBe(code);
    if (mentions) expect(e.message).toMatch(mentions);
    return;
  }
  throw new Error(`expected ByokError ${code}, but the call succeeded`);
}

const entries = allEntries();
const pkcs8Entries = entries.filter((e) => e.kind === 'pkcs8-encrypted-pem' || e.kind === 'pkcs8-encrypted-der');
const legacyEntries = entries.filter((e) => /-private-encrypted-pem$/.test(e.kind) && e.kind !== 'pkcs8-encrypted-pem');

function opensslArgs(e: ManifestEntry): string[] {
  return [...(e.opensslNeedsLegacy ? LEGACY : []), '-passin', `pass:${e.password ?? ''}`, '-in', entryPath(e)];
}

describe.runIf(OPENSSL_OK)('encrypted PKCS#8 vectors', () => {
  it('the manifests list the expected number of encrypted PKCS#8 files', () => {
    expect(pkcs8Entries.length).toBeGreaterThanOrEqual(40);
  });

  it.each(pkcs8Entries.map((e) => [entryId(e), e] as const))('%s', (id, e) => {
    const { der } = derOf(entryBytes(e));
    const pw = utf8(e.password ?? '');
    const fail = EXPECTED_FAILURES[id];
    if (fail !== undefined || e.expectError === true) {
      expect(fail, `${id} is marked expectError but has no expectation here`).toBeDefined();
      expectByokCode(() => decryptPkcs8(der, pw), fail!.code, fail!.mentions);
      counts.expectedFailures++;
      return;
    }
    const got = decryptPkcs8(der, pw);
    // The scheme name is readable without the password and names what `openssl asn1parse` shows.
    expect(describePkcs8Encryption(der)).toMatch(/^(PBES2 \(|pbeWith)/);
    const other = NO_OPENSSL_ORACLE[id];
    if (other !== undefined) {
      expect(toHex(got)).toBe(toHex(other.expected()));
      counts.otherOracle++;
    } else {
      expect(e.opensslOpens, `${id}: OpenSSL cannot open it and no other oracle is named`).toBe(true);
      const want = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', ...opensslArgs(e)]);
      expect(toHex(got)).toBe(toHex(want));
      counts.pkcs8Exact++;
    }
    expectByokCode(() => decryptPkcs8(der, utf8(`${e.password ?? ''}x`)), 'WRONG_PASSWORD');
    counts.wrongPassword++;
  });
});

describe.runIf(OPENSSL_OK)('legacy DEK-Info PEM vectors', () => {
  it('the manifests list the expected number of legacy encrypted PEM files', () => {
    expect(legacyEntries.length).toBeGreaterThanOrEqual(10);
  });

  it.each(legacyEntries.map((e) => [entryId(e), e] as const))('%s', (id, e) => {
    const { der, pem } = derOf(entryBytes(e));
    expect(pem?.headers['Proc-Type']).toBe('4,ENCRYPTED');
    const dekInfo = pem?.headers['DEK-Info'] as string;
    const got = decryptLegacyPem(dekInfo, der, utf8(e.password ?? ''));
    const tool = pem?.label === 'EC PRIVATE KEY' ? 'ec' : 'rsa';
    const want = openssl([tool, '-outform', 'DER', ...(tool === 'rsa' ? ['-traditional'] : []), ...opensslArgs(e)]);
    if (toHex(got) === toHex(want)) counts.legacyExact++;
    else {
      // OpenSSL re-encodes the key; equal public keys show we decrypted the same key.
      const type = tool === 'ec' ? 'sec1' : 'pkcs1';
      const pub = (d: Uint8Array) =>
        toHex(createPublicKey(createPrivateKey({ key: Buffer.from(d), format: 'der', type })).export({ type: 'spki', format: 'der' }));
      expect(pub(got), `${id}: decrypted key differs from OpenSSL's`).toBe(pub(want));
      counts.legacySamePublicKey++;
    }
    expectByokCode(() => decryptLegacyPem(dekInfo, der, utf8(`${e.password ?? ''}x`)), 'WRONG_PASSWORD');
    counts.wrongPassword++;
  });
});

// ---------------------------------------------------------------------------------------------------
// PKCS#12

const p12Entries = entries.filter((e) => e.kind === 'pkcs12');

/** SPKI DER of a PrivateKeyInfo, via node:crypto (an independent PKCS#8 parser). */
function spkiOf(pkcs8: Uint8Array): string {
  return toHex(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }));
}

describe.runIf(OPENSSL_OK)('PKCS#12 vectors', () => {
  it('the manifests list the expected number of PKCS#12 files', () => {
    expect(p12Entries.length).toBeGreaterThanOrEqual(20);
  });

  it.each(p12Entries.map((e) => [entryId(e), e] as const))('%s', (id, e) => {
    const file = entryBytes(e);
    const got = readPkcs12(file, e.password ?? undefined);
    const args = [...(e.opensslNeedsLegacy ? LEGACY : []), '-passin', `pass:${e.password ?? ''}`, '-in', entryPath(e), '-nodes'];
    const wantKeys = pemBlocks(Buffer.from(openssl(['pkcs12', ...args, '-nocerts'])).toString('latin1')).filter((b) => /PRIVATE KEY/.test(b.label));
    const wantCerts = pemBlocks(Buffer.from(openssl(['pkcs12', ...args, '-nokeys'])).toString('latin1')).filter((b) => b.label === 'CERTIFICATE');
    expect(got.keys.length, `${id}: number of keys`).toBe(wantKeys.length);
    got.keys.forEach((k, i) => {
      const want = (wantKeys[i] as PemBlock).der;
      if (toHex(k.pkcs8) === toHex(want)) counts.p12KeyExact++;
      else {
        // OpenSSL re-encodes keys (e.g. drops PKCS#8 attributes Windows adds): same public key then.
        expect(spkiOf(k.pkcs8), `${id}: key ${i} differs from OpenSSL's`).toBe(spkiOf(want));
        counts.p12KeySamePublicKey++;
      }
    });
    expect(got.certificates.map(toHex)).toEqual(wantCerts.map((b) => toHex(b.der)));
    counts.p12Certs += got.certificates.length;
    counts.p12Files++;
    // inspectPkcs12 (no password) against `openssl pkcs12 -info`: MAC present, encrypted parts, and the
    // key bags that sit in plain "PKCS7 Data" parts (their names are visible without the password).
    const info = Buffer.from(openssl(['pkcs12', ...args, '-info', '-noout'])).toString('utf8') + opensslTry(['pkcs12', ...args, '-info', '-noout']).stderr;
    const summary = inspectPkcs12(file);
    const macLine = /MAC: (\w+), Iteration (\d+)/.exec(info);
    if (macLine) expect(summary.integrity).toMatch(new RegExp(`HMAC-${macLine[1]!.toUpperCase().replace('SHA', 'SHA-')} .*${macLine[2]} iterations`));
    else expect(summary.integrity).toBeUndefined();
    let section = '';
    let plainKeyBags = 0;
    let encryptedParts = 0;
    for (const line of info.split('\n')) {
      if (line.startsWith('PKCS7 Data')) section = 'plain';
      else if (line.startsWith('PKCS7 Encrypted data')) (section = 'encrypted'), encryptedParts++;
      else if (/^(Shrouded Keybag|Key bag)/.test(line) && section === 'plain') plainKeyBags++;
    }
    expect(summary.encryptedParts).toHaveLength(encryptedParts);
    expect(summary.keys).toHaveLength(plainKeyBags);
    counts.p12InspectedMacs += macLine ? 1 : 0;
    counts.p12InspectedKeyNames += summary.keys.filter((k) => k.friendlyName !== undefined).length;
    counts.p12InspectedEncryptedParts += encryptedParts;
    if (plainKeyBags === got.keys.length) {
      expect(summary.keys.map((k) => k.friendlyName)).toEqual(got.keys.map((k) => k.friendlyName));
      expect(summary.keys.map((k) => k.localKeyId && toHex(k.localKeyId))).toEqual(got.keys.map((k) => k.localKeyId && toHex(k.localKeyId)));
    }
    if (e.password !== null && e.password !== '') {
      expectByokCode(() => readPkcs12(file, `${e.password}x`), 'WRONG_PASSWORD');
      expectByokCode(() => readPkcs12(file, undefined), 'PASSWORD_REQUIRED');
      counts.wrongPassword++;
    }
  });
});
