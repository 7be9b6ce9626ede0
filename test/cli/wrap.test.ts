// `byok wrap`: outputs that node:crypto opens to the original key, atomic 0600 writes that never
// overwrite without --force, passwords from file / environment / terminal, and every kind of bad input.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, CLI, isOneLineError, tempDir } from '../helpers/cli.js';
import { ptyUsable, runOnPty } from '../helpers/pty.js';
import {
  ciphertextOf, fingerprintGroups, fingerprintHex, KID, cliSetup, nodeOpen, OTHER_KID, PASSWORD, publicOfPkcs8, spkiDer, type Fixtures,
} from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;

beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

/** Files in a folder other than the given ones (no temporary leftovers). */
function extraFiles(dir: string, expected: readonly string[]): string[] {
  return readdirSync(dir).filter((f) => !expected.includes(f));
}

describe('byok wrap: what it writes', () => {
  it('RSA PKCS#8: default output beside the key, mode 0600, opens with node:crypto to the same key', () => {
    const sub = tmp.path('rsa-default');
    mkdirSync(sub);
    const key = join(sub, 'signing.pem');
    writeFileSync(key, readFileSync(fx.rsa));
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', key, '--name', 'signing-key']);
    expect(r.code).toBe(0);
    const out = join(sub, 'signing.byok');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(extraFiles(sub, ['signing.pem', 'signing.byok'])).toEqual([]);
    const opened = nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(out, 'utf8')));
    expect(publicOfPkcs8(opened).equals(spkiDer(fx.rsaPublic))).toBe(true);
    // What the user needs to see: fingerprint, kid, target type and size, output, az command.
    expect(r.stdout).toMatch(new RegExp(`SHA-256 fingerprint ${fingerprintHex(createPublicKey(readFileSync(fx.kekPub)))}$`, 'm'));
    const j = JSON.parse(byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', key, '--out', join(sub, 'again.byok'), '--json']).stdout) as { kek: { fingerprint: string; fingerprintGrouped: string } };
    expect(j.kek).toEqual({ bits: 2048, kid: KID, fingerprint: fingerprintHex(createPublicKey(fx.kekPrivateKey)), fingerprintGrouped: fingerprintGroups(createPublicKey(fx.kekPrivateKey)) });
    expect(r.stdout).toContain(KID);
    expect(r.stdout).toMatch(/RSA-2048 private key/);
    expect(r.stdout).toContain(out);
    expect(r.stdout).toContain(`az keyvault key import --vault-name contoso-byok --name signing-key --byok-file ${out} --kty RSA --ops encrypt decrypt sign verify wrapKey unwrapKey`);
    expect(r.stderr).toBe('');
  });

  it('EC SEC1 with the KEK as az JSON (kid inside): EC-HSM P-256, sign/verify only', () => {
    const out = tmp.path('ec.byok');
    const r = byok(['wrap', '--kek', fx.kekJson, '--key', fx.ec, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { target: { kty: string; curve: string; keyOps: string[] }; importRequest: { key: { kty: string; crv: string; key_ops: string[]; key_hsm: string } }; azCommand: string };
    expect(j.target).toMatchObject({ kty: 'EC-HSM', curve: 'P-256', keyOps: ['sign', 'verify'] });
    expect(j.importRequest.key).toMatchObject({ kty: 'EC-HSM', crv: 'P-256', key_ops: ['sign', 'verify'] });
    // key_hsm is the unpadded base64url of the exact file bytes
    expect(j.importRequest.key.key_hsm).toBe(readFileSync(out).toString('base64url'));
    expect(j.azCommand).toMatch(/--kty EC --curve P-256 --ops sign verify$/);
    const opened = nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(out, 'utf8')));
    expect(publicOfPkcs8(opened).equals(spkiDer(fx.ecPublic))).toBe(true);
    // canonical PKCS#8 (not SEC1): node re-reads it as pkcs8
    expect(() => createPrivateKey({ key: opened, format: 'der', type: 'pkcs8' })).not.toThrow();
  });

  it('AES raw key: oct-HSM, the blob holds exactly the 32 bytes', () => {
    const out = tmp.path('aes.byok');
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.aes, '--out', out, '--ops', 'encrypt,decrypt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/oct-HSM, operations encrypt decrypt/);
    expect(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(out, 'utf8'))).equals(fx.aesBytes)).toBe(true);
  });

  it('--out - writes exactly the .byok to stdout and the human text to stderr', () => {
    const r = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', '-']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { header: { kid: string } };
    expect(parsed.header.kid).toBe(KID);
    expect(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(r.stdout)).equals(fx.aesBytes)).toBe(true);
    expect(r.stderr).toMatch(/Wrote\s+stdout/);
    const both = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', '-', '--json']);
    expect(both.code).toBe(2);
  });

  it('nothing secret reaches stdout or stderr: no key bytes, no password', () => {
    const r = byok(['wrap', '--kek', fx.kekJson, '--key', fx.encrypted, '--password-file', fx.passwordFile, '--out', tmp.path('secret-check.byok'), '--json']);
    expect(r.code).toBe(0);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(fx.aesBytes.toString('hex'));
    const der = createPrivateKey({ key: readFileSync(fx.encrypted), passphrase: PASSWORD }).export({ type: 'pkcs8', format: 'der' });
    expect(all).not.toContain(der.subarray(-64).toString('base64'));
    expect(all).not.toContain(der.subarray(-64).toString('hex'));
  });
});

describe('byok wrap: never overwrite, never a partial file', () => {
  it('refuses to overwrite without --force and leaves the file untouched; --force replaces it atomically', () => {
    const out = tmp.path('once.byok');
    expect(byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', out]).code).toBe(0);
    const before = readFileSync(out);
    const mtime = statSync(out).mtimeMs;
    const again = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', out]);
    expect(again.code).toBe(2);
    expect(isOneLineError(again.stderr)).toBe(true);
    expect(again.stderr).toMatch(/already exists: .*--force/);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(statSync(out).mtimeMs).toBe(mtime);
    const forced = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(out).equals(before)).toBe(false); // a fresh ephemeral key every time
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('a failure leaves no output and no temporary file behind', () => {
    const sub = tmp.path('fail-clean');
    mkdirSync(sub);
    // bad key: fails before writing
    expect(byok(['wrap', '--kek', fx.kekJson, '--key', fx.garbage, '--out', join(sub, 'a.byok')]).code).toBe(2);
    // the output name is a folder: the write itself fails after the temporary file was made
    mkdirSync(join(sub, 'b.byok'));
    const r = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', join(sub, 'b.byok'), '--force']);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    // the output folder does not exist
    const m = byok(['wrap', '--kek', fx.kekJson, '--key', fx.aes, '--out', join(sub, 'missing', 'c.byok')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/does not exist/);
    expect(readdirSync(sub).sort()).toEqual(['b.byok']);
    expect(readdirSync(join(sub, 'b.byok'))).toEqual([]);
  });

  it('a process killed while writing leaves the previous file or nothing, never a partial file', () => {
    // Kill the CLI at random points of many writes; the output is always absent or a complete .byok.
    const sub = tmp.path('kill-write');
    mkdirSync(sub);
    const out = join(sub, 'k.byok');
    let complete = 0;
    let absent = 0;
    for (let i = 0; i < 12; i++) {
      const r = spawnSync(process.execPath, [CLI, 'wrap', '--kek', fx.kekJson, '--key', fx.rsa, '--out', out, '--force'], { timeout: 150 + i * 25, killSignal: 'SIGKILL' });
      void r;
      if (existsSync(out)) {
        JSON.parse(readFileSync(out, 'utf8')); // complete JSON
        // k + KWP of an RSA-2048 PKCS#8 (1216..1219 bytes → 1224 or 1232)
        expect([256 + 1224, 256 + 1232]).toContain(ciphertextOf(readFileSync(out, 'utf8')).length);
        complete++;
      } else {
        absent++;
      }
    }
    expect(complete + absent).toBe(12);
  });
});

describe('byok wrap: passwords', () => {
  const wrapEnc = (extra: string[], env?: Record<string, string>) =>
    byok(['wrap', '--kek', fx.kekJson, '--key', fx.encrypted, '--out', tmp.path(`enc-${Math.random().toString(16).slice(2)}.byok`), ...extra], env ? { env } : {});

  it('no password and no terminal: exit 2, says how to give one', () => {
    const r = wrapEnc([]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/encrypted: give its password with --password-file FILE or BYOK_PASSWORD/);
  });

  it('--password-file (first line) and BYOK_PASSWORD both work and give the right key', () => {
    for (const r of [wrapEnc(['--password-file', fx.passwordFile, '--json']), wrapEnc(['--json'], { BYOK_PASSWORD: PASSWORD })]) {
      expect(r.code).toBe(0);
      const out = (JSON.parse(r.stdout) as { out: string }).out;
      const opened = nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(out, 'utf8')));
      expect(publicOfPkcs8(opened).equals(spkiDer(fx.encryptedPublic))).toBe(true);
    }
  });

  it('a wrong password from a file or the environment: exit 2, WRONG_PASSWORD, password not echoed', () => {
    for (const r of [wrapEnc(['--password-file', fx.wrongPasswordFile, '--json']), wrapEnc(['--json'], { BYOK_PASSWORD: 'nope-nope' })]) {
      expect(r.code).toBe(2);
      const j = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(j.error.code).toBe('WRONG_PASSWORD');
      expect(r.stdout).not.toContain('nope-nope');
      expect(r.stdout).not.toContain('not the password');
    }
  });

  it('on a terminal, asks without echo (and again after a wrong password)', () => {
    if (!ptyUsable()) return;
    const out = tmp.path('tty.byok');
    // On a pseudo-terminal: type a wrong then the right password.
    const env = { ...process.env };
    delete env['BYOK_PASSWORD'];
    const t = runOnPty([process.execPath, CLI, 'wrap', '--kek', fx.kekJson, '--key', fx.encrypted, '--out', out], [
      { waitFor: 'Password for', send: 'wrong guess\r' },
      { waitFor: 'try again', send: `${PASSWORD}\r` },
      { waitFor: 'Compare the fingerprint' },
    ], env);
    expect(t.status).toBe(0);
    expect(t.output).toContain('Password for');
    expect(t.output).toContain('Wrong password, try again');
    expect(t.output).not.toContain('wrong guess');
    expect(t.output).not.toContain(PASSWORD);
    const opened = nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(out, 'utf8')));
    expect(publicOfPkcs8(opened).equals(spkiDer(fx.encryptedPublic))).toBe(true);
  });
});

describe('byok wrap: bad inputs give exit 2 and one clear line', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing --key', () => ['--kek', fx.kekJson], /missing --key FILE/],
    ['key file not found', () => ['--kek', fx.kekJson, '--key', tmp.path('nope.pem')], /not found/],
    ['KEK file not found', () => ['--kek', tmp.path('nope-kek.pem'), '--key', fx.rsa], /not found/],
    ['key is a folder', () => ['--kek', fx.kekJson, '--key', tmp.dir], /folder/],
    ['garbage key file', () => ['--kek', fx.kekJson, '--key', fx.garbage], /./],
    ['RSA-1024 target', () => ['--kek', fx.kekJson, '--key', fx.rsa1024], /2048|3072|4096/],
    ['KEK is an EC key', () => ['--kek', fx.ecKek, '--kid', KID, '--key', fx.rsa], /RSA/],
    ['KEK of 1024 bits', () => ['--kek', fx.kek1024, '--kid', KID, '--key', fx.rsa], /2048/],
    ['KEK without kid', () => ['--kek', fx.kekPub, '--key', fx.rsa], /kid/],
    ['unversioned --kid', () => ['--kek', fx.kekPub, '--kid', 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK', '--key', fx.rsa], /version/],
    ['--kid that contradicts the KEK file', () => ['--kek', fx.kekJson, '--kid', OTHER_KID, '--key', fx.rsa], /kid/],
    ['EC key with wrapKey', () => ['--kek', fx.kekJson, '--key', fx.ec, '--ops', 'sign,wrapKey'], /not allowed for EC-HSM/],
    ['--key-index not a number', () => ['--kek', fx.kekJson, '--key', fx.rsa, '--key-index', 'first'], /whole number/],
    ['--transport-wrap without key', () => ['--kek', fx.kekJson, '--key', fx.rsa, '--transport-wrap', 'kw'], /--transport-key/],
    ['KEK file is a private key', () => ['--kek', fx.kekPriv, '--kid', KID, '--key', fx.rsa], /./],
  ];
  it.each(cases)('%s', (_name, args, why) => {
    const out = tmp.path('never.byok');
    const r = byok(['wrap', ...args(), '--out', out]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(why);
    expect(existsSync(out)).toBe(false);
  });
});
