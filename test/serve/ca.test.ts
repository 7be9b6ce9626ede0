// The local CA of `byok serve` and the server certificate it issues, checked by node:crypto and by the
// OpenSSL CLI in strict mode (what Python 3.13 and so `az` apply to REQUESTS_CA_BUNDLE).
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import { certificateSerial, createCa, createServerCertificate, expiresWithin, needsReissue } from '../../src/serve/ca.js';
import { dataPaths, openDataDir } from '../../src/serve/data-dir.js';
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

  it('serials are positive, 16 bytes and minimally encoded whatever the random bytes', () => {
    // A first byte of 00 followed by one below 80 was a padding byte DER forbids: OpenSSL refused 1 CA in 512.
    const starts = [[0x00, 0x00], [0x00, 0x10], [0x00, 0x80], [0x7f, 0xff], [0x80, 0x00], [0xff, 0xff], [0x3f, 0x01]];
    for (const [a, b] of starts) {
      const serial = certificateSerial(new Uint8Array([a!, b!, ...new Uint8Array(14).fill(0xa5)]));
      const der = new Uint8Array(new asn1js.Integer({ valueHex: serial.slice().buffer }).toBER(false));
      expect(der.subarray(0, 2)).toEqual(new Uint8Array([0x02, 16]));
      expect(der[2]! & 0xc0).toBe(0x40);
      expect(der.subarray(3)).toEqual(new Uint8Array([b!, ...new Uint8Array(14).fill(0xa5)]));
    }
    // and issued certificates: each one parses (600 CAs would have met the old 1-in-512 failure ~2 times in 3)
    for (let i = 0; i < 600; i++) {
      const c = new X509Certificate(createCa(`serial ${i}`).certPem);
      expect(c.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    }
  });

  it('a data folder whose server certificate cannot be read gets a new one at start (an unreadable CA is a one-line refusal)', () => {
    const dir = join(tmp.dir, 'data');
    openDataDir(dir).unlock();
    const p = dataPaths(dir);
    const unreadable = '-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n';
    expect(needsReissue(unreadable, 30)).toBe(true);
    expect(needsReissue(server.certPem, 30)).toBe(false);
    writeFileSync(p.tlsCert, unreadable);
    const d = openDataDir(dir);
    d.unlock();
    const reissued = new X509Certificate(d.tls.cert);
    expect(reissued.verify(new X509Certificate(d.caPem).publicKey)).toBe(true);
    expect(readFileSync(p.tlsCert, 'utf8')).toBe(d.tls.cert);
    writeFileSync(p.tlsCert, unreadable);
    writeFileSync(p.ca, unreadable);
    expect(() => openDataDir(dir)).toThrow(expect.objectContaining({ code: 'SERVE_DATA', message: expect.stringMatching(/cannot issue its server certificate.*restore them from a backup/) }));
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
