// Ctrl-C during `byok batch` (issue 10, bug 6), with a real SIGINT: the run stops taking rows, abandons
// what its workers were computing, writes the report with every row (done or not done), leaves no
// temporary file, prints one line and exits 130; the next run keeps what was done.
//
// Each row costs ~0.5 s of password KDF (PBKDF2, 200,000 iterations, made by the OpenSSL CLI), so the
// signal reliably lands mid-run however loaded the machine is, and shows that Ctrl-C does not wait for
// a whole chunk of slow rows.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, byokSpawn, tempDir } from '../helpers/cli.js';
import { openssl, requireOpenssl } from '../helpers/openssl.js';
import { ciphertextOf, cliSetup, nodeOpen, PASSWORD, publicOfPkcs8, spkiDer, type Fixtures } from './fixtures.js';

interface Report {
  counts: { total: number; wrapped: number; skipped: number; failed: number; notDone: number };
  interrupted: string | null;
  rows: { row: number; name: string; status: string; out: string }[];
}

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

describe('byok batch: interrupted by Ctrl-C', () => {
  it('SIGINT: report of done and not-done rows, no temporary file, one line, exit 130; a re-run finishes', async () => {
    if (!requireOpenssl()) return;
    const work = tmp.path('sigint');
    mkdirSync(work);
    const slow = join(work, 'slow.pem');
    openssl(['pkcs8', '-topk8', '-in', fx.ec, '-v2', 'aes-256-cbc', '-iter', '200000', '-passout', `pass:${PASSWORD}`, '-out', slow]);
    const n = 24; // every row the same key under its own name
    const rowsCsv = (names: readonly string[]): string => ['name,key,password_file', ...names.map((k) => `${k},${slow},${fx.passwordFile}`)].join('\n');
    writeFileSync(join(work, 'keys.csv'), rowsCsv(Array.from({ length: n }, (_, i) => `k${i}`)));
    const outDir = join(work, 'out');
    const child = byokSpawn(['batch', '--kek', fx.kekJson, '--manifest', join(work, 'keys.csv'), '--out-dir', outDir, '--jobs', '2']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    for (let t = 0; t < 4000; t++) {
      if (existsSync(outDir) && readdirSync(outDir).some((f) => f.endsWith('.byok'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect(signal).toBeNull(); // it handled the signal and exited by itself
    expect(code).toBe(130);
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^byok batch: interrupted: \\d+ of ${n} rows done, \\d+ not done; report: .+\\.json; run the same command again to finish$`));
    expect(stdout).not.toMatch(/Done in/);

    const reportPath = /report: (.+\.json);/.exec(lines[0]!)![1]!;
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(report.interrupted).toBe('SIGINT');
    expect(report.rows).toHaveLength(n);
    const done = report.rows.filter((r) => r.status === 'wrapped');
    const notDone = report.rows.filter((r) => r.status === 'not-done');
    console.log(`interrupted after ${done.length} of ${n} rows`);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(notDone.length).toBeGreaterThan(0);
    expect(done.length + notDone.length).toBe(n);
    expect(report.counts).toMatchObject({ total: n, wrapped: done.length, notDone: notDone.length, failed: 0 });
    const files = new Set(readdirSync(outDir));
    expect([...files].filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const r of notDone) expect(files.has(`${r.name}.byok`), r.name).toBe(false);
    for (const r of done) {
      expect(files.has(`${r.name}.byok`), r.name).toBe(true);
      expect(publicOfPkcs8(nodeOpen(fx.kekPrivateKey, 2048, ciphertextOf(readFileSync(r.out, 'utf8')))).equals(spkiDer(fx.ecPublic))).toBe(true);
    }

    // what was done is kept by the next run (only those rows, to keep this test short: each costs ~0.5 s)
    writeFileSync(join(work, 'done.csv'), rowsCsv(done.map((r) => r.name)));
    const again = byok(['batch', '--kek', fx.kekJson, '--manifest', join(work, 'done.csv'), '--out-dir', outDir, '--json'], { timeoutMs: 120_000 });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { counts: Report['counts'] }).counts).toMatchObject({ total: done.length, skipped: done.length, wrapped: 0, failed: 0 });
  }, 300_000);
});
