// Every key file listed in the pyca, rustcrypto and mbedtls manifests: it parses, or fails with the error
// its manifest entry leads one to expect; every key that parses is compared with OpenSSL's reading of the
// same file (public key, and the canonical PKCS#8 bytes against `openssl pkcs8 -topk8 -nocrypt`), and our
// PKCS#8 is re-read by node:crypto as an independent parser.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isByokError } from '../../src/errors.js';
import { readTargetKey, type TargetKey } from '../../src/keys/index.js';
import { KEY_SETS, expectedTargetOutcome, loadManifest, notAKeyFile, type ManifestEntry } from '../helpers/manifests.js';
import { openssl, opensslTry, passArg, requireOpenssl } from '../helpers/openssl.js';

const HAVE_OPENSSL = requireOpenssl();

const tally = new Map<string, number>();
const skipped = new Map<string, number>();
const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

function outcomeOf(fn: () => TargetKey): { outcome: string; key?: TargetKey; message?: string } {
  try {
    return { outcome: 'ok', key: fn() };
  } catch (e) {
    if (!isByokError(e)) throw e;
    return { outcome: e.code, message: e.message };
  }
}

const legacyArgs = (e: ManifestEntry): string[] => (e.opensslNeedsLegacy === true ? ['-provider', 'legacy', '-provider', 'default'] : []);

/** The private key as OpenSSL reads it, as PEM (PKCS#12 unpacked first). */
function opensslPrivatePem(e: ManifestEntry): Buffer {
  const pass = passArg(e.password ?? '');
  if (e.kind === 'pkcs12') {
    return openssl(['pkcs12', '-in', e.path, '-nocerts', '-nodes', '-passin', pass, ...(e.opensslNeedsLegacy === true ? ['-legacy'] : [])]);
  }
  return openssl(['pkey', '-in', e.path, '-passin', pass, ...legacyArgs(e)]);
}

/** Known, named reasons our canonical PKCS#8 may differ from OpenSSL's re-encoding of a file. */
function pkcs8DiffReason(e: ManifestEntry): string | undefined {
  if (/compressed public point|COMPRESSED EC point/i.test(e.notes)) return 'OpenSSL keeps the compressed point of the source; we always write it uncompressed';
  if (/without the optional publicKey/.test(e.notes)) return 'the source has no public point: OpenSSL writes none, we always include [1] publicKey';
  return undefined;
}

/** Files OpenSSL 3.0 cannot open: the plain file with the same key, or 'v1' (re-wrap the v2 seed). */
const OPENSSL_TWINS: Readonly<Record<string, string>> = {
  'rustcrypto/pkcs8/ed25519-priv-pkcs8v2.der': 'v1',
  'rustcrypto/pkcs8/ed25519-priv-pkcs8v2.pem': 'v1',
  'rustcrypto/pkcs8/ed25519-encpriv-aes256-scrypt.der': 'pkcs8/ed25519-priv-pkcs8v1.der',
};

/** PKCS#8 v1 PEM around the seed of an Ed25519 OneAsymmetricKey (PEM or DER), read with asn1js. */
function ed25519V1Pem(file: Uint8Array): string {
  const text = Buffer.from(file).toString('latin1');
  const der = text.includes('-----BEGIN') ? Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64') : Buffer.from(file);
  const outer = asn1js.fromBER(new Uint8Array(der).buffer);
  const privateKey = (outer.result as asn1js.Sequence).valueBlock.value[2] as asn1js.OctetString;
  const inner = asn1js.fromBER(privateKey.valueBlock.valueHexView.slice().buffer);
  const seed = Buffer.from((inner.result as asn1js.OctetString).valueBlock.valueHexView);
  const v1 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return `-----BEGIN PRIVATE KEY-----\n${v1.toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

describe.skipIf(!HAVE_OPENSSL)('manifest key files', () => {
  for (const set of KEY_SETS) {
    const entries = loadManifest(set);
    for (const e of entries) {
      const why = notAKeyFile(e);
      if (why !== undefined) {
        count(skipped, why);
        continue;
      }
      const expected = expectedTargetOutcome(e, entries);
      it(`${set}/${e.file}: ${expected.outcome} (${expected.why})`, () => {
        const bytes = new Uint8Array(readFileSync(e.path));
        const before = bytes.slice();
        const password = e.password ?? undefined;
        const got = outcomeOf(() => readTargetKey(bytes, { password }));
        count(tally, got.outcome);
        expect(got.outcome, got.message).toBe(expected.outcome);
        expect(bytes).toEqual(before); // the caller's buffer is never modified

        // Keys refused only for their size still parse without the Azure checks, and are compared too.
        let key = got.key;
        if (got.outcome === 'UNSUPPORTED_TARGET_SIZE') {
          const again = outcomeOf(() => readTargetKey(bytes, { password, azureChecks: false }));
          expect(again.outcome, again.message).toBe('ok');
          key = again.key;
        }
        if (key === undefined) return;

        // 1. Our public key = OpenSSL's public key for the same file.
        // A file OpenSSL 3.0 cannot open is given to it another way: the N=32768 scrypt file through the plain
        // file of the same key; a v2 OneAsymmetricKey as the v1 structure around its seed, the seed taken out
        // with asn1js (not our parser). OpenSSL then derives the public key from the seed itself.
        const twin = e.opensslOpens === false ? OPENSSL_TWINS[`${set}/${e.file}`] : undefined;
        if (e.opensslOpens === false && twin === undefined) throw new Error(`${set}/${e.file}: OpenSSL cannot open it and no other way is named`);
        if (twin !== undefined) count(skipped, `OpenSSL reading: ${twin === 'v1' ? 'the seed re-wrapped as v1 by asn1js' : 'the plain file of the same key'} (OpenSSL 3.0 cannot open the original)`);
        const privPem = twin === undefined ? opensslPrivatePem(e)
          : twin === 'v1' ? ed25519V1Pem(bytes)
          : opensslPrivatePem(entries.find((x) => x.file === twin) as ManifestEntry);
        const theirSpki = openssl(['pkey', '-pubout', '-outform', 'DER'], privPem);
        const reason = pkcs8DiffReason(e);
        if (reason === undefined || !/compressed/.test(reason)) {
          expect(Buffer.from(key.publicKey as Uint8Array).toString('hex')).toBe(theirSpki.toString('hex'));
        } else {
          // Same point, other encoding: compare the decoded coordinates.
          const jwk = (der: Uint8Array): unknown => createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ format: 'jwk' });
          expect(jwk(key.publicKey as Uint8Array)).toEqual(jwk(theirSpki));
        }

        // 2. Our canonical PKCS#8 = OpenSSL's PKCS#8 of the same key, byte for byte (or a named reason).
        const theirPkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], privPem);
        if (reason === undefined) {
          expect(Buffer.from(key.material).toString('hex')).toBe(theirPkcs8.toString('hex'));
        } else {
          count(skipped, `byte comparison: ${reason}`);
        }

        // 3. node:crypto reads our PKCS#8 and derives the same public key (an independent parser).
        const nodeKey = createPrivateKey({ key: Buffer.from(key.material), format: 'der', type: 'pkcs8' });
        const nodeSpki = createPublicKey(nodeKey).export({ format: 'der', type: 'spki' });
        expect(nodeSpki.toString('hex')).toBe(Buffer.from(key.publicKey as Uint8Array).toString('hex'));

        // 4. OpenSSL's own consistency check accepts the key we emit.
        const check = opensslTry(['pkey', '-inform', 'DER', '-check', '-noout'], key.material);
        expect(check.status, check.stderr).toBe(0);
      });
    }
  }

  afterAll(() => {
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    console.log(`manifest key files: ${total} read; by outcome: ${[...tally].sort().map(([k, v]) => `${k}=${v}`).join(', ')}`);
    for (const [why, n] of skipped) console.log(`  skipped: ${n} × ${why}`);
  });
});
