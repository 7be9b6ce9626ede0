// What `byok wrap` and `byok batch` check before they write (issue 10): an AES key wrapped for a Key Vault
// KEK (Key Vault Premium imports no oct-HSM key: warned, refused with --strict), Azure's key name rule for
// --name and manifest names, and an --out that names a folder or runs through a file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, tempDir } from '../helpers/cli.js';
import { cliSetup, KID, type Fixtures } from './fixtures.js';

// The kid's host tells the service: *.vault.azure.net (and sovereign equivalents) is Key Vault,
// *.managedhsm.azure.net (…) is Managed HSM.
const VAULT_KIDS = [
  KID,
  'https://contoso.vault.azure.cn/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621',
  'https://contoso.vault.usgovcloudapi.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621',
];
const MHSM_KIDS = [
  'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621',
  'https://contoso-hsm.managedhsm.azure.cn/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621',
  'https://contoso-hsm.managedhsm.usgovcloudapi.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621',
];

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

describe('an AES key for a Key Vault KEK (bug 2)', () => {
  it.each(VAULT_KIDS)('warns, and with --strict refuses (exit 1, nothing written): %s', (kid) => {
    const out = tmp.path(`aes-${VAULT_KIDS.indexOf(kid)}.byok`);
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', kid, '--key', fx.aes, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^byok wrap: warning: .*Key Vault .*AES.*Managed HSM/);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    const j = JSON.parse(byok(['wrap', '--kek', fx.kekPub, '--kid', kid, '--key', fx.aes, '--out', `${out}.2`, '--json']).stdout) as { warnings: string[] };
    expect(j.warnings).toHaveLength(1);
    expect(j.warnings[0]).toMatch(/Managed HSM/);
    const strict = byok(['wrap', '--kek', fx.kekPub, '--kid', kid, '--key', fx.aes, '--out', `${out}.3`, '--strict']);
    expect(strict.code).toBe(1);
    expect(isOneLineError(strict.stderr)).toBe(true);
    expect(strict.stderr).toMatch(/Managed HSM/);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith(`aes-${VAULT_KIDS.indexOf(kid)}.byok.3`) || f.includes('.tmp'))).toEqual([]);
  });

  it.each(MHSM_KIDS)('an AES key for a Managed HSM KEK, and RSA/EC keys for a vault, raise no warning: %s', (kid) => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', kid, '--key', fx.aes, '--out', tmp.path(`m-${MHSM_KIDS.indexOf(kid)}.byok`), '--strict']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const key of [fx.rsa, fx.ec]) {
      const v = byok(['wrap', '--kek', fx.kekPub, '--kid', VAULT_KIDS[0]!, '--key', key, '--out', '-', '--strict']);
      expect(v.code).toBe(0);
      expect(v.stderr).not.toMatch(/warning/);
    }
  });

  it('batch: the row carries the warning; --strict fails that row only', () => {
    const dir = tmp.path('aes-batch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keys.csv'), `name,key\nsecret,${fx.aes}\nsigning,${fx.rsa}\n`);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out'), '--json']);
    expect(r.code).toBe(0);
    const rows = (JSON.parse(readFileSync((JSON.parse(r.stdout) as { report: string }).report, 'utf8')) as { rows: { name: string; status: string; warnings?: string[]; error?: { code: string } }[] }).rows;
    expect(rows[0]!.warnings?.[0]).toMatch(/Managed HSM/);
    expect(rows[1]!.warnings).toBeUndefined();
    const s = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'strict'), '--strict', '--json']);
    expect(s.code).toBe(1);
    const srows = (JSON.parse(readFileSync((JSON.parse(s.stdout) as { report: string }).report, 'utf8')) as { rows: { name: string; status: string; error?: { code: string } }[] }).rows;
    expect(srows.map((x) => [x.name, x.status, x.error?.code ?? null])).toEqual([['secret', 'failed', 'BYOK_NOT_IMPORTABLE'], ['signing', 'wrapped', null]]);
    expect(readdirSync(join(dir, 'strict')).filter((f) => f.endsWith('.byok'))).toEqual(['signing.byok']);
  });
});

describe("Azure's key name rule (bug 5)", () => {
  it.each(['a_b', 'key.1', 'naïve', 'with space', '', 'x'.repeat(128)])('wrap --name %j is refused with the rule', (name) => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--name', name, '--out', tmp.path('never.byok')]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/1 to 127 letters, digits and dashes/);
    expect(readdirSync(tmp.dir)).not.toContain('never.byok');
  });

  it.each(['a', 'signing-key-2', 'A'.repeat(127)])('wrap --name %j is accepted', (name) => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--name', name, '--out', '-']);
    expect(r.code).toBe(0);
  });

  it('a manifest name Azure would refuse is a manifest error naming the rule', () => {
    const dir = tmp.path('names');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keys.csv'), `name,key\nsigning_key,${fx.rsa}\n`);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/row 2 .*"signing_key".*1 to 127 letters, digits and dashes/);
  });
});

describe('--out naming a folder, or a path through a file (bug 8)', () => {
  it.each([[[] as string[]], [['--force']]])('wrap --out DIR %j: one line naming the problem, no EISDIR', (extra) => {
    const dir = tmp.path('out-folder');
    mkdirSync(dir, { recursive: true });
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--out', dir, ...extra]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/is a folder: give the path of a file/);
    expect(r.stderr).not.toMatch(/EISDIR|ENOTDIR/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('wrap --out FILE/x.byok (a file where a folder should be) and unwrap --out DIR --force', () => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--out', join(fx.rsa, 'x.byok'), '--force']);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/is a file, not a folder/);
    expect(r.stderr).not.toMatch(/EISDIR|ENOTDIR/);
    const blob = tmp.path('for-unwrap.byok');
    expect(byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.ec, '--out', blob]).code).toBe(0);
    const u = byok(['unwrap', '--kek-key', fx.kekPriv, blob, '--out', tmp.dir, '--force']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/is a folder: give the path of a file/);
  });

  it('batch --report naming a folder', () => {
    const dir = tmp.path('report-folder');
    mkdirSync(join(dir, 'rep'), { recursive: true });
    writeFileSync(join(dir, 'keys.csv'), `key\n${fx.rsa}\n`);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out'), '--report', join(dir, 'rep'), '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a folder: give the path of a file/);
    expect(r.stderr).not.toMatch(/EISDIR/);
  });
});
