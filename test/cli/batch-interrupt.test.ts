// Ctrl-C during `byok batch` (issue 10, bug 6), with a real SIGINT: the run stops taking rows, abandons
// what its workers were computing, writes the report with every row (done or not done), leaves no
// temporary file, prints one line and exits 130; the next run finishes the rest.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, byokSpawn, tempDir } from '../helpers/cli.js';
import { ciphertextOf, cliSetup, nodeOpen, publicOfPkcs8, spkiDer, type Fixtures } from './fixtures.js';

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
    const work = tmp.path('sigint');
    mkdirSync(work);
    const n = 5000; // every row the same EC key under its own name: far more than a run does before the signal
    writeFileSync(join(work, 'keys.csv'), ['name,key', ...Array.from({ length: n }, (_, i) => `k${i},${fx.ec}`)].join('\n'));
    const outDir = join(work, 'out');
    const child = byokSpawn(['batch', '--kek', fx.kekJson, '--manifest', join(work, 'keys.csv'), '--out-dir', outDir, '--jobs', '2']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    for (let t = 0; t < 4000; t++) {
      if (existsSync(outDir) && readdirSync(outDir).filter((f) => f.endsWith('.byok')).length >= 40) break;
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
    expect(done.length).toBeGreaterThanOrEqual(40);
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

    const again = byok(['batch', '--kek', fx.kekJson, '--manifest', join(work, 'keys.csv'), '--out-dir', outDir, '--jobs', '2', '--json'], { timeoutMs: 300_000 });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { counts: Report['counts'] }).counts).toMatchObject({ total: n, skipped: done.length, wrapped: notDone.length, failed: 0 });
  }, 300_000);
});
