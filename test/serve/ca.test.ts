// The local CA of `byok serve` and the server certificate it issues, checked by node:crypto and by the
// OpenSSL CLI in strict mode (what Python 3.13 and so `az` apply to REQUESTS_CA_BUNDLE).
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createCa, createServerCertificate, expiresWithin } from '../../src/serve/ca.js';
import { opensslTry, requireOpenssl, tempDir } from '../helpers/openssl.js';

const HAVE_OPENSSL = requireOpenssl();
const tmp = tempDir('byok-serve-ca-');
afterAll(() => tmp.cleanup());

describe('byok serve local CA', () => {
  const ca = createCa('test');
  const server = createServerCertificate(ca);

  it('issues a server certificate for localhost, 127.0.0.1 and ::1 that the CA signed', () => {
    const c = new X509Certificate(ca.certPem);
    const s = new X509Certificate(server.certPem);
    expect(c.ca).toBe(true);
    expect(s.ca).toBe(false);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(s.verify(c.publicKey)).toBe(true);
    expect(s.checkIssued(c)).toBe(true);
    expect(s.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(s.checkHost('localhost')).toBe('localhost');
    expect(s.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(expiresWithin(server.certPem, 30)).toBe(false);
    expect(expiresWithin(server.certPem, 900)).toBe(true);
  });

  it.skipIf(!HAVE_OPENSSL)('passes `openssl verify -x509_strict -purpose sslserver`', () => {
    const caFile = tmp.file('ca.pem', ca.certPem);
    const leaf = tmp.file('server.pem', server.certPem);
    const r = opensslTry(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, leaf]);
    expect([r.status, r.stdout.toString().trim()]).toEqual([0, `${leaf}: OK`]);
    const other = tmp.file('other-ca.pem', createCa('other').certPem);
    expect(opensslTry(['verify', '-CAfile', other, leaf]).status).not.toBe(0);
  });
});
