// `byok batch`: many keys from a manifest, on worker threads, resumable.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ByokError } from '../../errors.js';
import { checkKekForAzure, type Kek } from '../../kek/index.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../../transfer/version.js';
import { flag, integer, required, str, type ArgValues, type CommandSpec } from '../args.js';
import { kv, type Command, type CommandResult, type Ctx } from '../context.js';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM } from '../exit-codes.js';
import { readInputFile, syncDir, writeFileAtomic } from '../files.js';
import { readKekFile } from '../inputs.js';
import { parseManifest } from '../batch/manifest.js';
import { runBatch, scanOutputFolder, type BatchRun } from '../batch/run.js';
import { readJournal } from '../batch/journal.js';
import { runTokenRows } from '../batch/token-rows.js';
import type { ManifestRow } from '../batch/manifest.js';
import { isPkcs11Uri, TOKEN_OPTIONS } from '../pkcs11.js';
import { importPlan } from '../batch/plan.js';
import { utf16ToUtf8 } from '../../keys/utf16.js';
import { defaultJobs, MAX_JOBS } from '../batch/pool.js';
import type { JobConfig, RowResult } from '../batch/job.js';
import { KEY_READ_OPTIONS, PAIRWISE_HELP, readOptionsFrom, WRAP_CHECK_CODES } from './wrap.js';
import { checkKekStage, type OtherCloud } from './wrap-cloud.js';
import { destinationOf, FOR_OPTION, readCloudKekFile, refuseOptions } from '../destination.js';
import { cloudImportPlan } from '../batch/plan.js';
import { ATTESTATION_OPTION, attestationJson, attestationSummary, requireAttestation } from './attest.js';

const spec: CommandSpec = {
  name: 'batch',
  summary: 'wrap many keys from a manifest, on worker threads, resumable',
  usage: [
    'byok batch --kek FILE --manifest FILE -o DIR [--jobs N] [--kid URL] [-f] [--pairwise-test] [--strict] [--report FILE]',
    'byok batch --for aws|gcp|oci|vault [--kek FILE] [--algorithm ALG] --manifest FILE -o DIR [--jobs N] [-f] [--report FILE]',
  ],
  description:
    'The manifest is CSV with the header name,key,password_file,kid (only key is required; paths are\n' +
    'relative to the manifest; a key may be a pkcs11: URI, wrapped inside its token) or a JSON array of\n' +
    'objects with those fields. Each row becomes\n' +
    '<name>.byok in DIR (the name, also the key\'s name in Azure, defaults to the key file\'s) or a reported\n' +
    'error: no row is skipped silently. Encrypted keys take their row\'s password_file, else BYOK_PASSWORD.\n' +
    'Beside the JSON report (in DIR, or --report FILE) goes an import plan: a sh script with the az\n' +
    'commands and, per key, a check that Azure holds exactly that key.\n' +
    'Re-running resumes: an output is kept only when the batch journal (DIR/byok-batch-journal.jsonl)\n' +
    'records it as made from the key the manifest names now, for this KEK; any other existing output is an\n' +
    'error unless --force. Ctrl-C stops cleanly (report written, exit 130). Exit 1 when any row failed.\n' +
    'Other clouds (--for, or inferred from the --kek JSON): the manifest may add the columns kek (the\n' +
    "row's wrapping-key file: AWS issues a wrapping key and token per KMS key) and algorithm; rows without\n" +
    'them use --kek and --algorithm. Outputs are <name>.aws.bin (with <name>.aws.ImportToken.bin),\n' +
    '.gcp.bin, .oci.json or .vault.b64; the import plan lists each import command.',
  options: {
    ...FOR_OPTION,
    kek: { type: 'string', arg: 'FILE', help: "the Azure KEK (public key), or the cloud's wrapping key for rows\nwithout a kek column" },
    algorithm: { type: 'string', arg: 'ALG', help: 'other clouds: the wrapping algorithm for rows without an algorithm\ncolumn (as byok wrap --algorithm)' },
    'key-type': { ...KEY_READ_OPTIONS['key-type'], help: 'what the raw, hex, base64 or JWK oct keys of the manifest are: aes\n(default for 16, 24, 32 bytes) or hmac; other keys are read as they are' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none" },
    manifest: { type: 'string', arg: 'FILE', help: 'CSV or JSON list of keys' },
    'out-dir': { type: 'string', short: 'o', arg: 'DIR', help: 'folder for the .byok files (created if missing)' },
    jobs: { type: 'string', arg: 'N', help: `threads computing, 1 to ${MAX_JOBS}: this one and N − 1 workers\n(default: the CPU count, at most 8; ${defaultJobs()} here); 1 runs everything in one thread` },
    force: { type: 'boolean', short: 'f', help: 'replace existing outputs instead of resuming' },
    'pairwise-test': { type: 'boolean', help: PAIRWISE_HELP },
    strict: { type: 'boolean', help: 'fail the rows Azure would not import although they wrap: AES keys for a\nKey Vault KEK (Managed HSM only); without it they are warnings' },
    ...TOKEN_OPTIONS,
    report: { type: 'string', arg: 'FILE', help: 'where to write the JSON report (default: DIR/byok-batch-report-<time>.json)' },
    ...ATTESTATION_OPTION,
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
 * manifest order either way. `signal` (Ctrl-C) stops both between rows.
 */
async function runAll(
  cfg: JobConfig, rows: readonly ManifestRow[], jobs: number, ctx: Ctx, allowZeroPaddedKwp: boolean,
  progress: (done: number, failed: number) => void, signal: AbortSignal,
): Promise<BatchRun> {
  const tokenAt: number[] = [];
  const fileAt: number[] = [];
  rows.forEach((r, i) => (isPkcs11Uri(r.key) ? tokenAt : fileAt).push(i));
  if (tokenAt.length === 0) return runBatch(cfg, rows, jobs, progress, signal);
  const started = performance.now();
  const results = new Array<RowResult>(rows.length);
  let fileDone = 0;
  let fileFailed = 0;
  if (fileAt.length > 0) {
    const files = await runBatch(cfg, fileAt.map((i) => rows[i]!), jobs, (d, f) => {
      fileDone = d;
      fileFailed = f;
      progress(d, f);
    }, signal);
    files.results.forEach((r, k) => (results[fileAt[k]!] = r));
  }
  let done = 0;
  let failedRows = 0;
  await runTokenRows(cfg, tokenAt.map((i) => rows[i]!), ctx, allowZeroPaddedKwp, (k, r) => {
    results[tokenAt[k]!] = r;
    if (r.status === 'not-done') return;
    done++;
    if (r.status === 'failed') failedRows++;
    progress(fileDone + done, fileFailed + failedRows);
  }, signal);
  syncDir(cfg.outDir);
  return { results, seconds: (performance.now() - started) / 1000, interrupted: signal.aborted };
}

/** Rows by warning text: a batch for one KEK gives the same warning for every AES key. */
function groupWarnings(results: readonly RowResult[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of results) for (const w of r.warnings ?? []) out.set(w, [...(out.get(w) ?? []), r.row]);
  return out;
}

function listRows(rows: readonly number[]): string {
  return rows.length <= 10 ? rows.join(', ') : `${rows.slice(0, 10).join(', ')} and ${rows.length - 10} more (see the report)`;
}

export const batchCommand: Command = {
  spec,
  checkCodes: WRAP_CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const cloud = destinationOf(spec, v, str(v, 'kek'));
    if (cloud === 'azure') refuseOptions(spec, v, cloud, ['algorithm'], 'the other clouds');
    else refuseOptions(spec, v, cloud, ['kid', 'strict'], 'Azure');
    const kekPath = cloud === 'azure' ? required(spec, v, 'kek', 'the KEK: az keyvault key download --vault-name V --name KEK --file kek.pem') : str(v, 'kek');
    const manifestPath = required(spec, v, 'manifest', 'the CSV or JSON list of keys');
    const outDir = resolve(required(spec, v, 'out-dir', 'the folder for the .byok files'));
    const jobs = integer(spec, v, 'jobs', 1, MAX_JOBS) ?? defaultJobs();
    const force = flag(v, 'force');
    const pairwiseTest = flag(v, 'pairwise-test');
    const keyType = readOptionsFrom(v, spec).keyType;
    const algorithm = str(v, 'algorithm');

    let kek: Kek | undefined;
    if (cloud === 'azure') {
      kek = readKekFile(kekPath!, str(v, 'kid'));
      checkKekForAzure(kek, { requireKid: false }); // the kid may still come from the manifest
    } else if (kekPath !== undefined) {
      const k = readCloudKekFile(kekPath, cloud);
      checkKekStage(cloud, k, algorithm);
      kek = k;
    }
    const attestation = kek === undefined ? requireNoAttestation(v) : requireAttestation(v, kek);
    const manifestBytes = readInputFile(manifestPath, 'manifest', 256 * 1024 * 1024);
    let text: string;
    try {
      // UTF-8, or UTF-16 with a byte order mark (Windows PowerShell 5.1's Out-File and `>`)
      text = new TextDecoder('utf-8', { fatal: true }).decode(utf16ToUtf8(manifestBytes) ?? manifestBytes);
    } catch {
      throw new ByokError('MANIFEST_INVALID', `manifest ${JSON.stringify(manifestPath)} is not UTF-8 text: save it as UTF-8 CSV or JSON`);
    }
    const rows = parseManifest(text, manifestPath, cloud === 'azure');
    try {
      mkdirSync(outDir, { recursive: true, mode: 0o700 });
    } catch {
      throw new ByokError('FILE_WRITE_FAILED', `cannot create the output folder ${JSON.stringify(outDir)}: check the path and permissions`);
    }
    if (!statSync(outDir).isDirectory()) throw new ByokError('FILE_WRITE_FAILED', `${JSON.stringify(outDir)} is not a folder`);
    const other = cloud === 'azure' ? undefined : cloud;
    const { removed: stale, existing } = scanOutputFolder(outDir, rows, other);
    const journal = readJournal(outDir);

    for (const line of kv([
      ...kekLines(cloud, kek),
      ['Manifest', `${manifestPath}: ${rows.length} key${rows.length === 1 ? '' : 's'} → ${outDir} (${jobs} job${jobs === 1 ? '' : 's'})`],
      ['Checks', `every key's relations and sizes${pairwiseTest ? '; RSA keys also a pairwise test' : ''}`],
    ])) ctx.say(line);
    if (attestation) for (const line of attestationSummary(attestation)) ctx.say(line);
    if (stale > 0) ctx.say(`Removed ${stale} temporary file${stale === 1 ? '' : 's'} an interrupted run left behind.`);

    const envPassword = ctx.io.env['BYOK_PASSWORD'] === undefined ? undefined : new TextEncoder().encode(ctx.io.env['BYOK_PASSWORD']);
    const strict = flag(v, 'strict');
    const cfg: JobConfig = {
      ...(kek === undefined ? {} : { kek }), outDir, force, pairwiseTest, strict, existing, journal, ...(envPassword ? { envPassword } : {}),
      ...(other === undefined ? {} : { cloud: other }), ...(algorithm === undefined ? {} : { algorithm }), ...(keyType === undefined ? {} : { keyType }),
    };
    const startedAt = new Date();
    const bar = progressBar(ctx, rows.length);
    const stop = interruptions();
    try {
      let run;
      try {
        run = await runAll(cfg, rows, jobs, ctx, flag(v, 'allow-zero-padded-kwp'), (d, f) => bar.update(d, f), stop.signal);
      } finally {
        bar.end();
        envPassword?.fill(0);
      }
      return finish(ctx, v, { cloud: other, kek, manifestPath, outDir, jobs, force, pairwiseTest, strict, startedAt, run, interrupted: stop.received(), attestation });
    } finally {
      stop.dispose();
    }
  },
};

/**
 * Ctrl-C (SIGINT) or SIGTERM while a batch runs: the first stops it cleanly (runBatch's signal: the
 * report is still written); a second one ends the process at once. Signal handlers run between chunks
 * on the event loop, never inside a write, so even the second leaves no partial output.
 */
function interruptions(): { signal: AbortSignal; received(): NodeJS.Signals | undefined; dispose(): void } {
  const ac = new AbortController();
  let got: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals): void => {
    if (got !== undefined) process.exit(sig === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM);
    got = sig;
    ac.abort();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: ac.signal,
    received: () => got,
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** The header's wrapping-key lines. */
function kekLines(cloud: string, kek: Kek | undefined): [string, string][] {
  if (kek === undefined) return [['Wrapping key', `${cloud}: each row's kek column`]];
  if (cloud === 'azure') return [['KEK', `RSA ${kek.bits}, ${kek.kid ?? 'kid from the manifest'}`], ['', `SHA-256 fingerprint ${kek.fingerprint.hex}`]];
  return [['Wrapping key', `${cloud}, RSA ${kek.bits} (rows without a kek column)`], ['', `SHA-256 fingerprint ${kek.fingerprint.hex}`]];
}

/** Without a --kek there is no key to check an attestation against. */
function requireNoAttestation(v: ArgValues): undefined {
  if (str(v, 'attestation') !== undefined) throw new ByokError('USAGE', '--attestation needs --kek: the attestation is checked against that wrapping key');
  return undefined;
}

interface Finished {
  readonly cloud: OtherCloud | undefined;
  readonly kek: Kek | undefined;
  readonly manifestPath: string;
  readonly outDir: string;
  readonly jobs: number;
  readonly force: boolean;
  readonly pairwiseTest: boolean;
  readonly strict: boolean;
  readonly startedAt: Date;
  readonly run: BatchRun;
  readonly interrupted: NodeJS.Signals | undefined;
  readonly attestation: ReturnType<typeof requireAttestation>;
}

/** The report (always, interrupted or not), then the summary and the exit code. */
function finish(ctx: Ctx, v: ArgValues, f: Finished): CommandResult {
  const { cloud, kek, manifestPath, outDir, jobs, force, pairwiseTest, strict, startedAt, run, interrupted, attestation } = f;
  const count = (s: RowResult['status']): number => run.results.filter((r) => r.status === s).length;
  const counts = { total: run.results.length, wrapped: count('wrapped'), skipped: count('skipped'), failed: count('failed'), notDone: count('not-done') };
  const report = {
    tool: `${TOOLKIT_NAME} ${TOOLKIT_VERSION}`,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: Number(run.seconds.toFixed(3)),
    ...(cloud === undefined ? {} : { cloud }),
    kek: kek === undefined ? null : { bits: kek.bits, kid: kek.kid ?? null, fingerprint: kek.fingerprint.hex, fingerprintGrouped: kek.fingerprint.grouped },
    manifest: resolve(manifestPath),
    outDir,
    jobs,
    force,
    pairwiseTest,
    strict,
    attestation: attestation ? attestationJson(attestation) : null,
    interrupted: interrupted ?? null,
    counts,
    rows: run.results,
  };
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const reportPath = str(v, 'report') ?? join(outDir, `byok-batch-report-${stamp}.json`);
  writeFileAtomic(reportPath, new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n'), { force: str(v, 'report') !== undefined && force });
  const planPath = join(dirname(reportPath), `byok-import-plan-${stamp}.sh`);
  const planInput = { planPath, reportPath, manifestPath: resolve(manifestPath), startedAt, rows: run.results };
  const plan = cloud === undefined ? importPlan({ ...planInput, kek: report.kek! }) : cloudImportPlan({ ...planInput, cloud });
  writeFileAtomic(planPath, new TextEncoder().encode(plan), { force });
  if (interrupted !== undefined) {
    if (!ctx.json) {
      ctx.io.stderr.write(`byok batch: interrupted: ${counts.total - counts.notDone} of ${counts.total} rows done, ${counts.notDone} not done; report: ${reportPath}; run the same command again to finish\n`);
    }
    return {
      exitCode: interrupted === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM,
      json: { interrupted, report: reportPath, plan: planPath, outDir, seconds: report.seconds, counts },
    };
  }

  const rate = (counts.wrapped + counts.skipped) / Math.max(run.seconds, 1e-6);
  ctx.say(`Done in ${run.seconds.toFixed(2)} s: ${counts.wrapped} wrapped, ${counts.skipped} already done (kept), ${counts.failed} failed (${Math.round(rate)} keys/s).`);
  const failures = run.results.filter((r) => r.status === 'failed');
  if (failures.length > 0) {
    ctx.say('Failed rows:');
    for (const f of failures.slice(0, 20)) ctx.say(`  row ${f.row} (${f.name}): ${f.error?.message ?? 'failed'}`);
    if (failures.length > 20) ctx.say(`  … and ${failures.length - 20} more, see the report`);
  }
  ctx.say(`Report: ${reportPath}`);
  ctx.say(cloud === undefined
    ? `Import plan: ${planPath} (the az commands, and a check per key that Azure holds it; read it, then run it with sh)`
    : `Import plan: ${planPath} (the import commands; fill in the <placeholders>, read it, then run it with sh)`);
  for (const [message, rowsWith] of groupWarnings(run.results)) {
    ctx.warn(`${rowsWith.length === 1 ? 'row' : 'rows'} ${listRows(rowsWith)}: ${message}`);
  }
  return {
    exitCode: counts.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK,
    json: { report: reportPath, plan: planPath, outDir, seconds: report.seconds, counts, failures: failures.map((x) => ({ row: x.row, name: x.name, error: x.error })) },
  };
}
