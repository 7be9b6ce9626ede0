// `byok batch`: CSV and JSON manifests, worker threads, every row a .byok or a reported error, a JSON
// report, resumption (including after the process was killed mid-run), and refusal of foreign outputs.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, byokSpawn, CLI, isOneLineError, REPO_ROOT, tempDir } from '../helpers/cli.js';
import { hasCommand, requireTool } from '../helpers/tools.js';
import { ciphertextOf, KID, cliSetup, nodeOpen, OTHER_KID, PASSWORD, publicOfPkcs8, spkiDer, type Fixtures } from './fixtures.js';

interface Report {
  counts: { total: number; wrapped: number; skipped: number; failed: number; notDone: number };
  rows: { row: number; name: string; status: string; out: string; kty?: string; error?: { code: string; message: string } }[];
  kek: { kid: string; fingerprint: string };
}

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;

beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

function readReport(outDir: string, json: string): Report {
  const path = (JSON.parse(json) as { report: string }).report;
  expect(path.startsWith(outDir)).toBe(true);
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

function opensTo(byokPath: string, pub: KeyObject): boolean {
  return publicOfPkcs8(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(byokPath, 'utf8')))).equals(spkiDer(pub));
}

describe('byok batch', () => {
  let work: string;
  let manifest: string;
  let outDir: string;

  beforeAll(() => {
    work = tmp.path('batch1');
    mkdirSync(join(work, 'keys'), { recursive: true });
    for (const [name, src] of [['rsa.pem', fx.rsa], ['ec.pem', fx.ec], ['aes.key', fx.aes], ['enc.pem', fx.encrypted], ['pw.txt', fx.passwordFile]] as const) {
      writeFileSync(join(work, 'keys', name), readFileSync(src));
    }
    manifest = join(work, 'keys.csv');
    writeFileSync(manifest, [
      'name,key,password_file,kid',
      'signing,keys/rsa.pem,,',
      ',keys/ec.pem,,' + KID,                      // name defaults to "ec"
      '"aes, primary",keys/aes.key,,',            // quoted field: a comma is not a valid name → reported
      'payments,keys/enc.pem,keys/pw.txt,',
      'missing,keys/absent.pem,,',
      'nopass,keys/enc.pem,,',
      'aes-1,keys/aes.key,,',
      '',
    ].join('\r\n'));
    outDir = join(work, 'out');
  });

  it('rejects a manifest problem for the whole batch (exit 2) before writing anything', () => {
    const bad = join(work, 'bad.csv');
    for (const text of ['name,key,passwd\nx,keys/rsa.pem,\n', 'name,password_file\nx,\n', 'name,key\na,keys/rsa.pem\nA,keys/ec.pem\n', 'name,key\n"a,keys/rsa.pem\n']) {
      writeFileSync(bad, text);
      const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', bad, '--out-dir', join(work, 'never')]);
      expect(r.code).toBe(2);
      expect(isOneLineError(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(/manifest/);
    }
    // a bad name fails its manifest check too: names become file names
    expect(byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', join(work, 'never')]).stderr).toMatch(/row 4 has the name "aes, primary", which Azure does not accept for a key/);
    expect(existsSync(join(work, 'never'))).toBe(false);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"aes, primary"', '"aes-primary"'));
  });

  it('first run (worker threads): every row is a .byok or a reported error; exit 1; a JSON report', () => {
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--jobs', '2', '--json']);
    expect(r.code).toBe(1);
    const report = readReport(outDir, r.stdout);
    expect(report.counts).toEqual({ total: 7, wrapped: 5, skipped: 0, failed: 2, notDone: 0 });
    expect(report.kek.kid).toBe(KID);
    const byName = Object.fromEntries(report.rows.map((x) => [x.name, x]));
    expect(Object.keys(byName).sort()).toEqual(['aes-1', 'aes-primary', 'ec', 'missing', 'nopass', 'payments', 'signing']);
    expect(byName['missing']!.error!.code).toBe('FILE_NOT_FOUND');
    expect(byName['nopass']!.error!.code).toBe('PASSWORD_REQUIRED');
    expect(byName['nopass']!.error!.message).toMatch(/password_file/);
    expect(report.rows.map((x) => x.row)).toEqual([2, 3, 4, 5, 6, 7, 8]); // manifest order, CSV line numbers
    // outputs: 0600, open with node:crypto to the right keys
    expect(opensTo(join(outDir, 'signing.byok'), fx.rsaPublic)).toBe(true);
    expect(opensTo(join(outDir, 'ec.byok'), fx.ecPublic)).toBe(true);
    expect(opensTo(join(outDir, 'payments.byok'), fx.encryptedPublic)).toBe(true);
    expect(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(join(outDir, 'aes-1.byok'), 'utf8'))).equals(fx.aesBytes)).toBe(true);
    for (const n of ['signing', 'ec', 'aes-primary', 'payments', 'aes-1']) expect(statSync(join(outDir, `${n}.byok`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(outDir, 'missing.byok'))).toBe(false);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // no progress bar without a terminal
    expect(r.stderr).toBe('');
  });

  it('re-running resumes: finished outputs are kept untouched, failures reported again', () => {
    const before = statSync(join(outDir, 'signing.byok')).mtimeMs;
    const bytes = readFileSync(join(outDir, 'signing.byok'));
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--json']);
    expect(r.code).toBe(1);
    const report = readReport(outDir, r.stdout);
    expect(report.counts).toEqual({ total: 7, wrapped: 0, skipped: 5, failed: 2, notDone: 0 });
    expect(statSync(join(outDir, 'signing.byok')).mtimeMs).toBe(before);
    expect(readFileSync(join(outDir, 'signing.byok')).equals(bytes)).toBe(true);
  });

  it('after fixing the failed rows, the next run completes them and exits 0', () => {
    writeFileSync(join(work, 'keys', 'absent.pem'), readFileSync(fx.rsa));
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--json'], { env: { BYOK_PASSWORD: PASSWORD } });
    expect(r.code).toBe(0);
    const report = readReport(outDir, r.stdout);
    expect(report.counts).toEqual({ total: 7, wrapped: 2, skipped: 5, failed: 0, notDone: 0 });
    expect(opensTo(join(outDir, 'nopass.byok'), fx.encryptedPublic)).toBe(true);
  });

  it('an existing output that is not this key for this KEK is an error, not skipped; --force replaces it', () => {
    // put the EC key's blob where the RSA key's should be
    writeFileSync(join(outDir, 'signing.byok'), readFileSync(join(outDir, 'ec.byok')), { mode: 0o600 });
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--json'], { env: { BYOK_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    const report = readReport(outDir, r.stdout);
    const row = report.rows.find((x) => x.name === 'signing')!;
    expect(row.status).toBe('failed');
    expect(row.error!.code).toBe('FILE_EXISTS');
    expect(row.error!.message).toMatch(/cannot be kept \(it has changed since the batch wrote it\)/);
    // a truncated output is not skipped either
    writeFileSync(join(outDir, 'aes-1.byok'), readFileSync(join(outDir, 'aes-1.byok')).subarray(0, 100));
    const t = readReport(outDir, byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--json'], { env: { BYOK_PASSWORD: PASSWORD } }).stdout);
    expect(t.rows.find((x) => x.name === 'aes-1')!.status).toBe('failed');
    const f = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--force', '--json'], { env: { BYOK_PASSWORD: PASSWORD } });
    expect(f.code).toBe(0);
    expect(readReport(outDir, f.stdout).counts).toEqual({ total: 7, wrapped: 7, skipped: 0, failed: 0, notDone: 0 });
    expect(opensTo(join(outDir, 'signing.byok'), fx.rsaPublic)).toBe(true);
  });

  it('an output made for another KEK (another kid) is not skipped', () => {
    const other = join(work, 'out-other');
    const noKid = join(work, 'nokid.csv'); // the main manifest names KID on one row
    writeFileSync(noKid, readFileSync(manifest, 'utf8').replace(',' + KID, ','));
    expect(byok(['batch', '--kek', fx.otherKekPub, '--kid', OTHER_KID, '--manifest', noKid, '--out-dir', other], { env: { BYOK_PASSWORD: PASSWORD } }).code).toBe(0);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', noKid, '--out-dir', other, '--json'], { env: { BYOK_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    const k = readReport(other, r.stdout);
    expect(k.counts.failed).toBe(7);
    expect(k.rows.every((x) => x.error?.code === 'FILE_EXISTS' && /is for KEK/.test(x.error.message))).toBe(true);
  });

  it('a JSON manifest with --jobs 1 gives the same outcome as CSV with worker threads', () => {
    const json = join(work, 'keys.json');
    writeFileSync(json, JSON.stringify([
      { name: 'signing', key: 'keys/rsa.pem' },
      { key: 'keys/ec.pem', kid: KID },
      { name: 'payments', key: 'keys/enc.pem', password_file: 'keys/pw.txt' },
      { name: 'bad', key: 'keys/nothing.pem' },
    ]));
    const out = join(work, 'out-json');
    for (const jobs of ['1', '2']) {
      const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', json, '--out-dir', `${out}-${jobs}`, '--jobs', jobs, '--json']);
      expect(r.code).toBe(1);
      const rep = readReport(`${out}-${jobs}`, r.stdout);
      expect(rep.rows.map((x) => [x.row, x.name, x.status])).toEqual([[1, 'signing', 'wrapped'], [2, 'ec', 'wrapped'], [3, 'payments', 'wrapped'], [4, 'bad', 'failed']]);
    }
    writeFileSync(json, JSON.stringify([{ name: 'x', key: 'keys/rsa.pem', passwordFile: 'nope' }]));
    const typo = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', json, '--out-dir', out]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown field "passwordFile"/);
  });

  it('a row kid that contradicts the KEK fails that row only', () => {
    const m = join(work, 'kid.csv');
    writeFileSync(m, `key,kid\nkeys/rsa.pem,${OTHER_KID}\nkeys/ec.pem,${KID}\n`);
    const r = byok(['batch', '--kek', fx.kekJson, '--manifest', m, '--out-dir', join(work, 'out-kid'), '--json']);
    expect(r.code).toBe(1);
    const rep = readReport(join(work, 'out-kid'), r.stdout);
    expect(rep.rows.map((x) => [x.name, x.status, x.error?.code ?? null])).toEqual([['rsa', 'failed', 'BYOK_KID_MISMATCH'], ['ec', 'wrapped', null]]);
  });
});

describe('byok batch --jobs (bug 7)', () => {
  it('more threads than Node\'s default listener limit: no warning, every row done', () => {
    const work = tmp.path('many-jobs');
    mkdirSync(work);
    writeFileSync(join(work, 'm.csv'), ['name,key', ...Array.from({ length: 40 }, (_, i) => `k${i},${fx.ec}`)].join('\n'));
    for (const jobs of ['11', '24']) {
      const r = byok(['batch', '--kek', fx.kekJson, '--manifest', join(work, 'm.csv'), '--out-dir', join(work, `out-${jobs}`), '--jobs', jobs, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as { counts: { wrapped: number } }).counts.wrapped).toBe(40);
    }
  });

  it.each(['-1', '0', '65', '1.5', 'two', '--jobs=-3'])('refuses --jobs %s with the rule (exit 2, one line)', (v) => {
    const args = v.startsWith('--') ? [v] : ['--jobs', v];
    const r = byok(['batch', '--kek', fx.kekJson, '--manifest', tmp.path('none.csv'), '--out-dir', tmp.path('never'), ...args]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/--jobs must be a whole number from 1 to 64, got "-?[\w.]+"/);
  });

  it('the help and the README state the same default', () => {
    const help = byok(['batch', '--help']).stdout;
    expect(help).toMatch(/default: the CPU count, at most 8/);
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toMatch(/default: the CPU count, at most 8/);
  });
});

describe('byok batch: interrupted runs resume', () => {
  it('a batch killed mid-run leaves only complete outputs, and the next run finishes the rest', async () => {
    const work = tmp.path('interrupt');
    mkdirSync(join(work, 'k'), { recursive: true });
    const n = 3000;
    const pubs: Buffer[] = [];
    const lines = ['name,key'];
    for (let i = 0; i < n; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(work, 'k', `${i}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      pubs.push(spkiDer(publicKey));
      lines.push(`key${i},k/${i}.pem`);
    }
    const manifest = join(work, 'm.csv');
    writeFileSync(manifest, lines.join('\n'));
    const outDir = join(work, 'out');
    const child = byokSpawn(['batch', '--kek', fx.kekJson, '--manifest', manifest, '--out-dir', outDir, '--jobs', '1']);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // kill as soon as some outputs exist
    for (let t = 0; t < 2000; t++) {
      if (existsSync(outDir) && readdirSync(outDir).filter((f) => f.endsWith('.byok')).length >= 50) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    const done = readdirSync(outDir).filter((f) => f.endsWith('.byok'));
    console.log(`interrupted after ${done.length} of ${n} outputs`);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(n);
    // no report (killed) and every output present is complete and opens to its key
    for (const f of done) {
      const i = Number(/^key(\d+)\.byok$/.exec(f)![1]);
      expect(publicOfPkcs8(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(join(outDir, f), 'utf8')))).equals(pubs[i]!)).toBe(true);
    }
    // a leftover temporary of a killed write is cleaned up, never taken for an output
    writeFileSync(join(outDir, `.key${n - 1}.byok.999999.0123456789ab.tmp`), '{"schema_version":');
    const r = byok(['batch', '--kek', fx.kekJson, '--manifest', manifest, '--out-dir', outDir, '--jobs', '2', '--json'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const report = readReport(outDir, r.stdout);
    expect(report.counts.total).toBe(n);
    expect(report.counts.skipped).toBe(done.length);
    expect(report.counts.wrapped).toBe(n - done.length);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const i of [0, Math.floor(n / 2), n - 1]) {
      expect(publicOfPkcs8(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(join(outDir, `key${i}.byok`), 'utf8')))).equals(pubs[i]!)).toBe(true);
    }
  }, 180_000);
});

describe('byok batch: progress bar', () => {
  it('draws a progress bar on a terminal only', () => {
    if (!requireTool('python3 (pty)', hasCommand('python3', ['-c', 'import pty']), 'apt-get install python3')) return;
    const work = tmp.path('tty-batch');
    mkdirSync(work);
    writeFileSync(join(work, 'm.csv'), `key\n${fx.rsa}\n${fx.ec}\n`);
    const script = 'import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
    const r = spawnSync('python3', ['-c', script, process.execPath, CLI, 'batch', '--kek', fx.kekJson, '--manifest', join(work, 'm.csv'), '--out-dir', join(work, 'out')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\r\[#+\.*\] \d+\/2 /);
  });
});
