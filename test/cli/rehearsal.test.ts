// Rehearsals with a test KEK: `byok unwrap`, `byok verify`, `byok demo`, and `npx byok` from the repo root.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, REPO_ROOT, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { ciphertextOf, makeFixtures, nodeOpen, publicOfPkcs8, spkiDer, type Fixtures } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
let rsaByok: string;
let ecByok: string;
let aesByok: string;

beforeAll(() => {
  requireBuiltCli();
  tmp = tempDir();
  fx = makeFixtures(tmp.dir);
  rsaByok = tmp.path('rsa.byok');
  ecByok = tmp.path('ec.byok');
  aesByok = tmp.path('aes.byok');
  for (const [key, out] of [[fx.rsa, rsaByok], [fx.ec, ecByok], [fx.aes, aesByok]] as const) {
    expect(byok(['wrap', '--kek', fx.kekJson, '--key', key, '--out', out]).code).toBe(0);
  }
});
afterAll(() => tmp.cleanup());

describe('byok unwrap', () => {
  it('writes what the blob holds (mode 0600): the same bytes node:crypto opens', () => {
    for (const [b, kind] of [[rsaByok, /RSA-2048 private key, PKCS#8 DER/], [ecByok, /EC P-256 private key, PKCS#8 DER/], [aesByok, /AES-256 key, raw bytes/]] as const) {
      const out = `${b}.plain`;
      const r = byok(['unwrap', '--kek-key', fx.kekPriv, '--in', b, '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(kind);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const expected = nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(b, 'utf8')));
      expect(readFileSync(out).equals(expected)).toBe(true);
    }
    expect(readFileSync(`${aesByok}.plain`).equals(fx.aesBytes)).toBe(true);
    expect(publicOfPkcs8(readFileSync(`${ecByok}.plain`)).equals(spkiDer(fx.ecPublic))).toBe(true);
  });

  it('--out - writes the key to stdout only when asked, text to stderr; --out is required', () => {
    const r = byok(['unwrap', '--kek-key', fx.kekPriv, '--in', aesByok, '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.equals(fx.aesBytes)).toBe(true);
    expect(r.stderr).toMatch(/Wrote\s+stdout/);
    const missing = byok(['unwrap', '--kek-key', fx.kekPriv, '--in', aesByok]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --out/);
  });

  it('the wrong KEK, or a tampered blob, is a failed check (exit 1) with one generic message; nothing written', () => {
    const out = tmp.path('never.plain');
    const wrong = byok(['unwrap', '--kek-key', fx.otherKekPriv, '--in', rsaByok, '--out', out]);
    expect(wrong.code).toBe(1);
    expect(isOneLineError(wrong.stderr)).toBe(true);
    const messages = new Set([wrong.stderr]);
    const text = readFileSync(rsaByok, 'utf8');
    const ct = ciphertextOf(text);
    for (const pos of [10, 255, 256, 300, ct.length - 1]) {
      const t = Buffer.from(ct);
      t[pos]! ^= 0x01;
      const p = tmp.path(`tampered-${pos}.byok`);
      writeFileSync(p, text.replace(/"ciphertext":"[^"]*"/, `"ciphertext":"${t.toString('base64url')}"`));
      const r = byok(['unwrap', '--kek-key', fx.kekPriv, '--in', p, '--out', out]);
      expect(r.code).toBe(1);
      messages.add(r.stderr);
    }
    expect(messages.size).toBe(1); // same message whatever failed: no padding or integrity oracle
    expect([...messages][0]).toMatch(/does not open with this KEK private key/);
    expect(existsSync(out)).toBe(false);
  });

  it('a KEK private key of another size than the blob is refused before any decryption (exit 1)', () => {
    const big = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const p = tmp.path('kek3072.pem');
    writeFileSync(p, big.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const r = byok(['unwrap', '--kek-key', p, '--in', aesByok, '--out', tmp.path('x.plain'), '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('BYOK_KEK_MISMATCH');
  });

  it('an EC key as --kek-key is bad input (exit 2)', () => {
    const r = byok(['unwrap', '--kek-key', fx.ec, '--in', aesByok, '--out', tmp.path('y.plain')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RSA private key/);
  });
});

describe('byok verify', () => {
  it('exit 0 when the blob holds exactly the key (any input format of the same key)', () => {
    const r = byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.rsa, rsaByok]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK: .* opens to exactly .*RSA-2048 private key/);
    // the same EC key given as PKCS#8 DER instead of SEC1 PEM
    const der = tmp.path('ec.p8.der');
    writeFileSync(der, nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(ecByok, 'utf8'))));
    expect(byok(['verify', '--kek-key', fx.kekPriv, '--key', der, ecByok]).code).toBe(0);
    const j = JSON.parse(byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.aes, aesByok, '--json']).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ ok: true, match: 'exact', kind: 'oct', bits: 256 });
  });

  it('exit 1 when it opens to another key, or not at all with this KEK', () => {
    const other = byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.encrypted, '--password-file', fx.passwordFile, rsaByok, '--json']);
    expect(other.code).toBe(1);
    expect((JSON.parse(other.stdout) as { error: { code: string } }).error.code).toBe('BYOK_KEY_MISMATCH');
    const wrongKek = byok(['verify', '--kek-key', fx.otherKekPriv, '--key', fx.rsa, rsaByok]);
    expect(wrongKek.code).toBe(1);
    expect(isOneLineError(wrongKek.stderr)).toBe(true);
    const kinds = byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.ec, aesByok]);
    expect(kinds.code).toBe(1);
  });

  it('exit 2 for bad input: malformed .byok, missing key file', () => {
    const bad = tmp.path('bad.byok');
    writeFileSync(bad, '{"schema_version":"1.0.0"}');
    expect(byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.rsa, bad]).code).toBe(2);
    expect(byok(['verify', '--kek-key', fx.kekPriv, '--key', tmp.path('none.pem'), rsaByok]).code).toBe(2);
    expect(byok(['verify', '--kek-key', fx.kekPriv, rsaByok]).code).toBe(2);
  });
});

describe('byok demo', () => {
  it('runs with no arguments and no network, wraps and verifies three keys for Azure and four files for the other clouds, exits 0 quickly', () => {
    const home = tempDir('byok-demo-test-');
    try {
      const started = performance.now();
      const r = byok(['demo'], { env: { TMPDIR: home.dir } });
      const seconds = (performance.now() - started) / 1000;
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const step of ['1. The KEK', '2. The keys to import', '3. Wrap each', '4. Verify', '5. The other clouds', '6. Try next']) expect(r.stdout).toContain(step);
      expect(r.stdout.match(/✓/g)).toHaveLength(3 + 4);
      for (const cloud of ['AWS KMS', 'Google Cloud KMS', 'OCI Vault', 'HashiCorp Vault / OpenBao transit']) expect(r.stdout).toContain(`✓ ${cloud}: `);
      expect(r.stdout).toMatch(/Done in \d+\.\d s: 3 keys wrapped and verified for Azure, and 4 files for the other clouds\./);
      console.log(`byok demo took ${seconds.toFixed(2)} s (process start included)`);
      expect(seconds).toBeLessThan(10); // "a second or two" on a quiet machine; generous for shared CI
      const dirs = readdirSync(home.dir).filter((d) => d.startsWith('byok-demo-'));
      expect(dirs).toHaveLength(1);
      const d = join(home.dir, dirs[0]!);
      // the demo's files stand up to the CLI's own rehearsal check, run separately
      for (const name of ['rsa-3072', 'ec-p256', 'aes-256']) {
        expect(statSync(join(d, `${name}.byok`)).mode & 0o777).toBe(0o600);
        expect(byok(['verify', '--kek-key', join(d, 'kek-private.pem'), '--key', join(d, name === 'aes-256' ? 'aes-256.key' : `${name}.pem`), join(d, `${name}.byok`)]).code).toBe(0);
      }
      // ...and so do the other clouds' files (byok verify --for, with the test wrapping key's private half)
      const kekPriv = join(d, 'other-clouds-kek-private.pem');
      for (const [file, cloud, bits, key] of [['rsa-3072.aws.bin', 'aws', 2048, 'rsa-3072.pem'], ['ec-p256.gcp.bin', 'gcp', 4096, 'ec-p256.pem'], ['aes-256.oci.json', 'oci', 2048, 'aes-256.key'], ['ec-p256.vault.b64', 'vault', 4096, 'ec-p256.pem']] as const) {
        writeFileSync(kekPriv, bits === 2048 ? readFileSync(join(d, 'kek-private.pem')) : readFileSync(join(d, 'wrapping-key-4096-private.pem')));
        const alg = cloud === 'aws' ? ['--algorithm', 'RSA_AES_KEY_WRAP_SHA_256'] : cloud === 'gcp' ? ['--algorithm', 'RSA_OAEP_4096_SHA256_AES_256'] : [];
        expect([file, byok(['verify', '--for', cloud, '--kek-key', kekPriv, '--key', join(d, key), '--in', join(d, file), ...alg]).code]).toEqual([file, 0]);
      }
      const j = JSON.parse(byok(['demo', '--json'], { env: { TMPDIR: home.dir } }).stdout) as { ok: boolean; keys: { verified: string; nodeCryptoMatch: boolean }[]; clouds: { cloud: string; verified: string; nodeCryptoMatch: boolean }[] };
      expect(j.ok).toBe(true);
      expect(j.keys.map((k) => [k.verified, k.nodeCryptoMatch])).toEqual([['exact', true], ['exact', true], ['exact', true]]);
      expect(j.clouds.map((k) => [k.cloud, k.verified, k.nodeCryptoMatch])).toEqual([['aws', 'exact', true], ['gcp', 'exact', true], ['oci', 'exact', true], ['vault', 'exact', true]]);
    } finally {
      home.cleanup();
    }
  });
});

describe('npx byok', () => {
  it('works from the repository root after a build', () => {
    const cache = tempDir('byok-npx-cache-');
    try {
      // A private npm cache: npx links the project itself, no registry access needed.
      const r = spawnSync('npx', ['--yes', 'byok', '--help'], {
        cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_cache: cache.dir, npm_config_update_notifier: 'false' },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: byok <command>');
      expect(r.stdout).toContain('demo');
    } finally {
      cache.cleanup();
    }
  });
});

