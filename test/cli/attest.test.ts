// `byok attest` and the --attestation hook of wrap, kek and batch, run as users run them (the built CLI):
// exit 0 verified, 1 a check failed (the output names it), 2 bad input; wrap and batch refuse to write
// anything for a KEK whose attestation fails. The test PKI's roots are trusted with --marvell-pin and
// --google-pin (the built-in pins are Marvell's and Google's real roots).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, requireBuiltCli, tempDir } from '../helpers/cli.js';
import {
  KID, TAG, azureAttestation, gcpAttestation, preparePki, rsaKek, spkiPem, testAnchors, testRoots,
} from '../helpers/attestation.js';

await preparePki();

let tmp: ReturnType<typeof tempDir>;
let pins: string[];
const files: Record<string, string> = {};

function write(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

beforeAll(() => {
  requireBuiltCli();
  tmp = tempDir('byok-attest-');
  const a = testAnchors();
  pins = ['--roots', write('roots.pem', testRoots()), '--marvell-pin', a.marvell.join(','), '--google-pin', a.google.join(',')];
  const good = azureAttestation();
  files['good'] = write('att.json', JSON.stringify(good.json));
  files['kekJson'] = write('kek.json', JSON.stringify({ key: good.json['key'] })); // az keyvault key show, same key
  files['kekPem'] = write('kek.pem', spkiPem(good.key));
  files['otherKek'] = write('other-kek.pem', spkiPem(rsaKek(2048)));
  files['extractable'] = write('extractable.json', JSON.stringify(azureAttestation({ privateAttrs: { [TAG.EXTRACTABLE]: Buffer.from([1]) } }).json));
  const g = gcpAttestation({ key: rsaKek(4096) });
  files['gcp'] = write('job.json', JSON.stringify(g.json));
  files['gcpKek'] = write('job-kek.pem', spkiPem(g.key));
  files['bomb'] = write('bomb.json', JSON.stringify(gcpAttestation({ compress: () => gzipSync(Buffer.alloc(16 * 1024 * 1024)) }).json));
  files['notJson'] = write('not.json', 'hello');
  const target = generateKeyPairSync('rsa', { modulusLength: 2048 });
  files['key'] = write('signing.pem', target.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  files['manifest'] = write('keys.csv', `name,key\nsigning,${files['key']}\n`);
});
afterAll(() => tmp.cleanup());

describe('byok attest', () => {
  it('verifies an Azure attestation: exit 0, every check listed, the HSM mode shown', () => {
    const r = byok(['attest', files['good']!, ...pins]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^VERIFIED: Azure Managed HSM key attestation \(MRVL-1\) of an RSA-2048 key/m);
    expect(r.stdout).toMatch(/ok {4}manufacturer chain: Marvell root "localca\.liquidsecurity\.test"/);
    expect(r.stdout).toMatch(/ok {4}private blob: signed by the partition key, PKCS#1 v1\.5 padding over the bare SHA-256/);
    expect(r.stdout).toMatch(/note {2}the built-in Marvell and Google root pins were replaced by the caller's/);
    expect(r.stdout).toMatch(/HSM mode: non-FIPS/);
    expect(r.stdout).toContain(`kid: ${KID}`);
    expect(r.stdout).toMatch(/card +C=US \+ ST=CA \+ O=Cavium \+ OU=N3FIPS \+ L=SanJose, CN=HSM:TEST0001, for non-FIPS mode\n +v1, valid /);
  });

  it('--json: one object with the verdict and every check', () => {
    const r = byok(['attest', files['good']!, ...pins, '--kek', files['kekPem']!, '--kid', KID, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; verified: boolean; checks: { id: string; status: string }[]; attestedKey: { kind: string; bits: number } };
    expect(j).toMatchObject({ ok: true, verified: true, attestedKey: { kind: 'rsa', bits: 2048 } });
    expect(j.checks.find((c) => c.id === 'key-match:kek')?.status).toBe('pass');
  });

  it('--kek that is not the attested key: exit 1, and the output says which check failed', () => {
    const r = byok(['attest', files['good']!, ...pins, '--kek', files['otherKek']!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT VERIFIED/m);
    expect(r.stdout).toMatch(/FAIL {2}the KEK given \(RSA-2048\) is NOT the attested key/);
  });

  it('EXTRACTABLE=1: exit 1', () => {
    const r = byok(['attest', files['extractable']!, ...pins]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}private key attributes: EXTRACTABLE=1 \(must be 0\)/);
  });

  it("without the card's root (only the built-in LS1 root): exit 1, and it says to give the card's root", () => {
    const r = byok(['attest', files['good']!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no certificate is signed by the pinned Marvell root "localca\.liquidsecurity\.cavium\.com" .*--roots FILE/);
  });

  it("with the test roots but the built-in pins: exit 1, the look-alike root is not Marvell's", () => {
    const r = byok(['attest', files['good']!, '--roots', tmp.path('roots.pem')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not pinned Marvell roots/);
  });

  it('a Google Cloud KMS import job with an RSA-4096 KEK', () => {
    const r = byok(['attest', files['gcp']!, ...pins, '--kek', files['gcpKek']!]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^VERIFIED: Google Cloud KMS key attestation \(CAVIUM_V2_COMPRESSED\) of an RSA-4096 key/m);
  });

  it('bad input: exit 2 with one line on stderr (not JSON, a gzip bomb, a missing file, a bad pin)', () => {
    for (const [args, why] of [
      [[files['notJson']!], /not JSON/],
      [[files['bomb']!, ...pins], /inflates to more than 65536 bytes/],
      [[tmp.path('missing.json')], /not found|no such file/i],
      [[files['good']!, '--marvell-pin', 'abc'], /expected SHA-256 values/],
    ] as const) {
      const r = byok(['attest', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(isOneLineError(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(why);
    }
  });
});

describe('--attestation on wrap, kek and batch', () => {
  it('wrap: a verified attestation of the KEK, then the .byok', () => {
    const out = tmp.path('ok.byok');
    const r = byok(['wrap', '--kek', files['kekJson']!, '--key', files['key']!, '--out', out, '--attestation', files['good']!, ...pins]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(existsSync(out)).toBe(true);
    expect(r.stdout).toMatch(/VERIFIED: Azure Managed HSM key attestation .*\n +\d+ checks passed, the KEK is the attested key; HSM mode non-FIPS/);
  });

  it('wrap: an attestation of another key refuses to wrap (exit 1, no file written)', () => {
    const sub = tmp.path('refused');
    const before = readdirSync(tmp.dir).length;
    const r = byok(['wrap', '--kek', files['otherKek']!, '--kid', KID, '--key', files['key']!, '--out', `${sub}.byok`, '--attestation', files['good']!, ...pins]);
    expect(r.code).toBe(1);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/does not verify .*this KEK is refused and nothing was written: .*is NOT the attested key/);
    expect(existsSync(`${sub}.byok`)).toBe(false);
    expect(readdirSync(tmp.dir).length).toBe(before);
  });

  it('wrap --out - keeps stdout for the .byok alone', () => {
    const r = byok(['wrap', '--kek', files['kekJson']!, '--key', files['key']!, '--out', '-', '--attestation', files['good']!, ...pins]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema_version: '1.0.0' });
    expect(r.stderr).toMatch(/VERIFIED/);
  });

  it('--roots without --attestation is a usage error (exit 2), not silently ignored', () => {
    const r = byok(['wrap', '--kek', files['kekJson']!, '--key', files['key']!, '--out', tmp.path('orphan.byok'), '--roots', tmp.path('roots.pem')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--roots belongs to the attestation check: give the attestation with --attestation FILE/);
    expect(existsSync(tmp.path('orphan.byok'))).toBe(false);
  });

  it('kek: the report, then exit 1 for an attestation that fails', () => {
    const ok = byok(['kek', files['kekJson']!, '--attestation', files['good']!, ...pins]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Checks:\n/);
    expect(ok.stdout).toMatch(/Azure would accept this KEK/);
    const bad = byok(['kek', files['kekJson']!, '--attestation', files['extractable']!, ...pins]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/EXTRACTABLE=1/);
  });

  it('batch: verified once before any row; a failing attestation writes nothing, not even the folder', () => {
    const dir = tmp.path('batch-refused');
    const bad = byok(['batch', '--kek', files['kekJson']!, '--manifest', files['manifest']!, '--out-dir', dir, '--attestation', files['extractable']!, ...pins]);
    expect(bad.code).toBe(1);
    expect(existsSync(dir)).toBe(false);
    const okDir = tmp.path('batch-ok');
    const ok = byok(['batch', '--kek', files['kekJson']!, '--manifest', files['manifest']!, '--out-dir', okDir, '--jobs', '1', '--attestation', files['good']!, ...pins, '--json']);
    expect(ok.code).toBe(0);
    expect(readdirSync(okDir)).toContain('signing.byok');
  });
});
