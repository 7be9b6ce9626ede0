// `byok batch`: many keys from a manifest, on worker threads, resumable.
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ByokError } from '../../errors.js';
import { checkKekForAzure } from '../../kek/index.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../../transfer/version.js';
import { flag, integer, required, str, type CommandSpec } from '../args.js';
import { kv, type Command, type Ctx } from '../context.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.js';
import { readInputFile, syncDir, writeFileAtomic } from '../files.js';
import { readKekFile } from '../inputs.js';
import { parseManifest } from '../batch/manifest.js';
import { runBatch, scanOutputFolder, type BatchRun } from '../batch/run.js';
import { runTokenRows } from '../batch/token-rows.js';
import type { ManifestRow } from '../batch/manifest.js';
import { isPkcs11Uri, TOKEN_OPTIONS, withTokenCleanup } from '../pkcs11.js';
import { defaultJobs } from '../batch/pool.js';
import type { JobConfig, RowResult } from '../batch/job.js';
import { PAIRWISE_HELP } from './wrap.js';

const spec: CommandSpec = {
  name: 'batch',
  summary: 'wrap many keys from a manifest, on worker threads, resumable',
  usage: ['byok batch --kek FILE --manifest FILE --out-dir DIR [--jobs N] [--kid URL] [--force] [--pairwise-test] [--report FILE]'],
  description:
    'The manifest is CSV with the header name,key,password_file,kid (only key is required; paths are\n' +
    'relative to the manifest; a key may be a pkcs11: URI, wrapped inside its token) or a JSON\n' +
    'array of objects with those fields. Each row becomes\n' +
    '<name>.byok in DIR (name defaults to the key file name) or a reported error: no row is skipped\n' +
    'silently. Encrypted keys take their row\'s password_file, else BYOK_PASSWORD.\n' +
    'Re-running resumes: an existing output that parses and fits this KEK, kid and key is kept;\n' +
    'any other existing output is an error unless --force. A JSON report is written to DIR\n' +
    '(or --report FILE). Exit 1 when any row failed.',
  options: {
    kek: { type: 'string', arg: 'FILE', help: 'the Azure KEK (public key)' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none" },
    manifest: { type: 'string', arg: 'FILE', help: 'CSV or JSON list of keys' },
    'out-dir': { type: 'string', arg: 'DIR', help: 'folder for the .byok files (created if missing)' },
    jobs: { type: 'string', arg: 'N', help: `threads computing: this one and N − 1 workers (default: ${defaultJobs()},\nthe CPU count here); 1 runs everything in one thread` },
    force: { type: 'boolean', help: 'replace existing outputs instead of resuming' },
    'pairwise-test': { type: 'boolean', help: PAIRWISE_HELP },
    ...TOKEN_OPTIONS,
    report: { type: 'string', arg: 'FILE', help: 'where to write the JSON report (default: DIR/byok-batch-report-<time>.json)' },
  },
  examples: [
    'printf "name,key,password_file,kid\\nsigning-1,keys/s1.pem,,\\npayments,keys/p.p12,keys/p.pass,\\n" > keys.csv',
    'byok batch --kek kek.pem --kid "$KID" --manifest keys.csv --out-dir byok/ --jobs 4',
  ],
};

function progressBar(ctx: Ctx, total: number): { update(done: number, failed: number): void; end(): void } {
  if (!ctx.interactive) return { update() {}, end() {} };
  const started = performance.now();
  let last = 0;
  const draw = (done: number, failed: number): void => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
    ctx.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ${Math.round(rate)} keys/s${failed ? `  ${failed} failed` : ''}   `);
  };
  return {
    update(done, failed) {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, failed);
    },
    end() {
      ctx.io.stderr.write('\r' + ' '.repeat(70) + '\r');
    },
  };
}

/**
 * File rows on the worker pool (runBatch), then pkcs11: rows on this thread (token-rows.ts); results in
 * manifest order either way.
 */
async function runAll(cfg: JobConfig, rows: readonly ManifestRow[], jobs: number, ctx: Ctx, allowZeroPaddedKwp: boolean, progress: (done: number, failed: number) => void): Promise<BatchRun> {
  const started = performance.now();
  const tokenAt: number[] = [];
  const fileAt: number[] = [];
  rows.forEach((r, i) => (isPkcs11Uri(r.key) ? tokenAt : fileAt).push(i));
  const results = new Array<RowResult>(rows.length);
  let fileDone = 0;
  let fileFailed = 0;
  if (fileAt.length > 0) {
    const files = await runBatch(cfg, fileAt.map((i) => rows[i]!), jobs, (d, f) => {
      fileDone = d;
      fileFailed = f;
      progress(d, f);
    });
    files.results.forEach((r, k) => (results[fileAt[k]!] = r));
  }
  if (tokenAt.length > 0) {
    let done = 0;
    let failedRows = 0;
    await withTokenCleanup(() => runTokenRows(cfg, tokenAt.map((i) => rows[i]!), ctx, allowZeroPaddedKwp, (k, r) => {
      results[tokenAt[k]!] = r;
      done++;
      if (r.status === 'failed') failedRows++;
      progress(fileDone + done, fileFailed + failedRows);
    }));
    syncDir(cfg.outDir);
  }
  return { results, seconds: (performance.now() - started) / 1000 };
}

export const batchCommand: Command = {
  spec,
  async run(args, ctx) {
    const v = args.values;
    const kekPath = required(spec, v, 'kek', 'the KEK: az keyvault key download --vault-name V --name KEK --file kek.pem');
    const manifestPath = required(spec, v, 'manifest', 'the CSV or JSON list of keys');
    const outDir = resolve(required(spec, v, 'out-dir', 'the folder for the .byok files'));
    const jobs = integer(spec, v, 'jobs', 1, 64) ?? defaultJobs();
    const force = flag(v, 'force');
    const pairwiseTest = flag(v, 'pairwise-test');

    const kek = readKekFile(kekPath, str(v, 'kid'));
    checkKekForAzure(kek, { requireKid: false }); // the kid may still come from the manifest
    const manifestBytes = readInputFile(manifestPath, 'manifest', 256 * 1024 * 1024);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes);
    } catch {
      throw new ByokError('MANIFEST_INVALID', `manifest ${JSON.stringify(manifestPath)} is not UTF-8 text: save it as UTF-8 CSV or JSON`);
    }
    const rows = parseManifest(text, manifestPath);
    try {
      mkdirSync(outDir, { recursive: true, mode: 0o700 });
    } catch {
      throw new ByokError('FILE_WRITE_FAILED', `cannot create the output folder ${JSON.stringify(outDir)}: check the path and permissions`);
    }
    if (!statSync(outDir).isDirectory()) throw new ByokError('FILE_WRITE_FAILED', `${JSON.stringify(outDir)} is not a folder`);
    const { removed: stale, existing } = scanOutputFolder(outDir, rows);

    for (const line of kv([
      ['KEK', `RSA ${kek.bits}, ${kek.kid ?? 'kid from the manifest'}`],
      ['', `SHA-256 fingerprint ${kek.fingerprint.hex}`],
      ['Manifest', `${manifestPath}: ${rows.length} key${rows.length === 1 ? '' : 's'} → ${outDir} (${jobs} job${jobs === 1 ? '' : 's'})`],
      ['Checks', `every key's relations and sizes${pairwiseTest ? '; RSA keys also a pairwise test' : ''}`],
    ])) ctx.say(line);
    if (stale > 0) ctx.say(`Removed ${stale} temporary file${stale === 1 ? '' : 's'} an interrupted run left behind.`);

    const envPassword = ctx.io.env['BYOK_PASSWORD'] === undefined ? undefined : new TextEncoder().encode(ctx.io.env['BYOK_PASSWORD']);
    const cfg: JobConfig = { kek, outDir, force, pairwiseTest, existing, ...(envPassword ? { envPassword } : {}) };
    const startedAt = new Date();
    const bar = progressBar(ctx, rows.length);
    let run;
    try {
      run = await runAll(cfg, rows, jobs, ctx, flag(v, 'allow-zero-padded-kwp'), (d, f) => bar.update(d, f));
    } finally {
      bar.end();
      envPassword?.fill(0);
    }
    const count = (s: RowResult['status']): number => run.results.filter((r) => r.status === s).length;
    const counts = { total: rows.length, wrapped: count('wrapped'), skipped: count('skipped'), failed: count('failed') };
    const report = {
      tool: `${TOOLKIT_NAME} ${TOOLKIT_VERSION}`,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds: Number(run.seconds.toFixed(3)),
      kek: { bits: kek.bits, kid: kek.kid ?? null, fingerprint: kek.fingerprint.hex },
      manifest: resolve(manifestPath),
      outDir,
      jobs,
      force,
      pairwiseTest,
      counts,
      rows: run.results,
    };
    const reportPath = str(v, 'report') ?? join(outDir, `byok-batch-report-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileAtomic(reportPath, new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n'), { force: str(v, 'report') !== undefined && force });

    const rate = (counts.wrapped + counts.skipped) / Math.max(run.seconds, 1e-6);
    ctx.say(`Done in ${run.seconds.toFixed(2)} s: ${counts.wrapped} wrapped, ${counts.skipped} already done (kept), ${counts.failed} failed (${Math.round(rate)} keys/s).`);
    const failures = run.results.filter((r) => r.status === 'failed');
    if (failures.length > 0) {
      ctx.say('Failed rows:');
      for (const f of failures.slice(0, 20)) ctx.say(`  row ${f.row} (${f.name}): ${f.error?.message ?? 'failed'}`);
      if (failures.length > 20) ctx.say(`  … and ${failures.length - 20} more, see the report`);
    }
    ctx.say(`Report: ${reportPath}`);
    return {
      exitCode: counts.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK,
      json: { report: reportPath, outDir, seconds: report.seconds, counts, failures: failures.map((f) => ({ row: f.row, name: f.name, error: f.error })) },
    };
  },
};
