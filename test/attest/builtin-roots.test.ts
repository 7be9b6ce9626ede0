// The root certificates the toolkit carries (src/attest/builtin-roots.ts) are what they say: each is
// self-signed (node:crypto and the OpenSSL CLI check the signature), each key is one the verifier pins
// (src/attest/anchors.ts, from kek-attestation.md), and the set covers every Marvell pin.
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { GOOGLE_ROOT_PINS, MARVELL_ROOT_PINS } from '../../src/attest/anchors.js';
import { GOOGLE_HAWKSBILL_ROOT_PEM, MARVELL_LS1_ROOT_PEM, MARVELL_LS2_ROOT_PEM } from '../../src/attest/builtin-roots.js';
import { opensslTry, requireOpenssl, tempDir } from '../helpers/openssl.js';

const HAVE_OPENSSL = requireOpenssl();
const tmp = tempDir('byok-builtin-roots-');
afterAll(() => tmp.cleanup());

const keyHash = (c: X509Certificate): string => createHash('sha256').update(c.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

const ROOTS = [
  { name: 'Marvell LS1', pem: MARVELL_LS1_ROOT_PEM, pins: MARVELL_ROOT_PINS, bits: 2048 },
  { name: 'Marvell LS2', pem: MARVELL_LS2_ROOT_PEM, pins: MARVELL_ROOT_PINS, bits: 4096 },
  { name: 'Google Hawksbill', pem: GOOGLE_HAWKSBILL_ROOT_PEM, pins: GOOGLE_ROOT_PINS, bits: 2048 },
];

describe('the root certificates byok-toolkit carries', () => {
  for (const r of ROOTS) {
    it(`${r.name}: self-signed, an RSA-${r.bits} key the verifier pins`, () => {
      const c = new X509Certificate(r.pem);
      expect(c.subject).toBe(c.issuer);
      expect(c.verify(c.publicKey)).toBe(true);
      expect(c.publicKey.asymmetricKeyDetails?.modulusLength).toBe(r.bits);
      expect(r.pins).toContain(keyHash(c));
      if (HAVE_OPENSSL) {
        const f = tmp.file(`${r.name.replace(/\s/g, '-')}.pem`, r.pem);
        const v = opensslTry(['verify', '-no-CApath', '-no-CAstore', '-CAfile', f, '-check_ss_sig', '-no_check_time', f]);
        expect(v.status, v.stderr).toBe(0);
      }
    });
  }

  it('covers every pinned Marvell root', () => {
    const carried = [MARVELL_LS1_ROOT_PEM, MARVELL_LS2_ROOT_PEM].map((p) => keyHash(new X509Certificate(p)));
    expect([...carried].sort()).toEqual([...MARVELL_ROOT_PINS].sort());
    expect(new X509Certificate(MARVELL_LS2_ROOT_PEM).subject).toContain('CN=cavium-liquidsecurity-ls2');
  });
});
