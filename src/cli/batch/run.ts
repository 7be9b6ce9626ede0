// Runs a batch: rows in chunks over this thread and `jobs` − 1 worker threads, results in
// manifest order, progress reported as rows finish. Every thread computes; this one also writes the outputs,
// each fsync'd before it gets its name, so a worker never idles on a disk flush; the output folder is
// fsync'd once at the end.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { syncDir } from '../files.js';
import { claimWorkers } from './pool.js';
import { finishRow, outputPath, prepareRow, type JobConfig, type PreparedRow, type RowResult } from './job.js';
import { openJournal } from './journal.js';
import type { ManifestRow } from './manifest.js';

export interface BatchRun {
  /** Every row, in manifest order; rows an interruption left undone have status 'not-done'. */
  readonly results: RowResult[];
  readonly seconds: number;
  /** The run was stopped through its AbortSignal (Ctrl-C). */
  readonly interrupted: boolean;
}

/**
 * Lists the output folder once: removes temporary files an earlier, killed run left for these rows' outputs
 * (".<name>.byok.<pid>.<hex>.tmp", see writeFileAtomic; they never had the output's name, so no partial
 * output ever existed), and returns the names present, so rows need no stat of their own (a missed race
 * still cannot overwrite: the final link() refuses an existing name).
 */
export function scanOutputFolder(outDir: string, rows: readonly ManifestRow[]): { removed: number; existing: Set<string> } {
  const names = new Set(rows.map((r) => `${r.name}.byok`));
  const existing = new Set<string>();
  let removed = 0;
  for (const f of readdirSync(outDir)) {
    const m = /^\.(.+\.byok)\.\d+\.[0-9a-f]{12}\.tmp$/.exec(f);
    if (m && names.has(m[1]!)) {
      try {
        unlinkSync(join(outDir, f));
        removed++;
      } catch {
        /* another process may own it; leave it */
      }
    } else if (names.has(f)) {
      existing.add(f);
    }
  }
  return { removed, existing };
}

/** Most rows a worker is sent at once; two chunks are in flight per worker, so it never waits for this thread. */
const WORKER_CHUNK = 32;
/** Most rows this thread computes between looks at the workers' results (and at Ctrl-C)… */
const INLINE_CHUNK = 8;
/** …and at most this long: rows behind a slow password KDF take ~1 s each, and Ctrl-C waits for the chunk. */
const INLINE_SLICE_MS = 50;

/**
 * `jobs` threads compute: this one and jobs − 1 workers. This thread has loaded everything already and
 * starts at once; measured on 2 cores (before the executable was bundled), an idle main thread plus 2
 * workers was no faster than 1 thread, as loading and warming each worker took ~150 ms. This thread also
 * writes every output.
 *
 * `signal` stops the run (Ctrl-C): no row is started after it, the workers are terminated at once (what
 * they were computing is abandoned: they never write), and the chunk this thread is on finishes, so every
 * output is complete and recorded. The rows left are reported 'not-done'.
 */
export async function runBatch(
  cfg: JobConfig, rows: readonly ManifestRow[], jobs: number, onProgress: (done: number, failed: number) => void, signal?: AbortSignal,
): Promise<BatchRun> {
  const started = performance.now();
  const results: RowResult[] = new Array<RowResult>(rows.length);
  let done = 0;
  let failed = 0;
  const record = (index: number, r: RowResult): void => {
    results[index] = r;
    done++;
    if (r.status === 'failed') failed++;
  };
  let next = 0;
  const take = (count: number): number[] => {
    const idx: number[] = [];
    if (signal?.aborted === true) return idx;
    while (idx.length < count && next < rows.length) idx.push(next++);
    return idx;
  };
  const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));
  // Journal lines first (one fsync for the chunk), then the outputs they describe.
  const journal = openJournal(cfg.outDir);
  const write = (idx: readonly number[], prepared: readonly PreparedRow[]): void => {
    journal.append(prepared.flatMap((p) => (p.record === undefined ? [] : [p.record])));
    prepared.forEach((p, i) => record(idx[i]!, finishRow(cfg, p)));
  };

  // Guided chunks: a share of what remains, at most WORKER_CHUNK, so small manifests still reach the
  // workers (prestarted by main.ts) and no worker is left with a long chunk while the others are done.
  const chunk = (): number => Math.max(1, Math.min(WORKER_CHUNK, Math.ceil((rows.length - next) / (jobs * 4))));
  const workerCount = Math.max(0, Math.min(jobs - 1, rows.length - 1));
  const workers: Worker[] = workerCount > 0 ? claimWorkers(workerCount) : [];
  let failure: unknown;
  const abandon = (): void => {
    for (const w of workers) void w.terminate();
  };
  signal?.addEventListener('abort', abandon, { once: true });
  const workersDone = Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    const inFlight: number[][] = [];
    const fail = (e: unknown): void => {
      failure ??= e;
      for (const w of workers) void w.terminate();
      resolve();
    };
    const feed = (): void => {
      const idx = take(chunk());
      if (idx.length === 0) {
        if (inFlight.length === 0) worker.postMessage(null);
        return;
      }
      inFlight.push(idx);
      worker.postMessage(idx.map((i) => rows[i]!));
    };
    worker.on('message', (batch: PreparedRow[]) => {
      const idx = inFlight.shift()!;
      feed();
      write(idx, batch);
      onProgress(done, failed);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (signal?.aborted === true) resolve();
      else if (inFlight.length > 0 || code !== 0) fail(new Error(`batch worker stopped unexpectedly (exit ${code})`));
      else resolve();
    });
    worker.postMessage({ cfg });
    feed();
    feed();
  })));

  try {
    while (failure === undefined) {
      const sliceStart = performance.now();
      const idx: number[] = [];
      const prepared: PreparedRow[] = [];
      while (idx.length < INLINE_CHUNK && performance.now() - sliceStart < INLINE_SLICE_MS) {
        const [i] = take(1);
        if (i === undefined) break;
        idx.push(i);
        prepared.push(prepareRow(cfg, rows[i]!));
      }
      if (idx.length === 0) break;
      write(idx, prepared);
      onProgress(done, failed);
      await yieldToEvents(); // worker results get written, the progress bar draws, a signal is seen
    }
    await workersDone;
  } finally {
    signal?.removeEventListener('abort', abandon);
    journal.close();
  }
  if (failure !== undefined) throw failure;
  onProgress(done, failed);
  syncDir(cfg.outDir);
  for (let i = 0; i < rows.length; i++) {
    if (results[i] === undefined) {
      const row = rows[i]!;
      results[i] = { row: row.row, name: row.name, key: row.key, out: outputPath(cfg.outDir, row), status: 'not-done' };
    }
  }
  return { results, seconds: (performance.now() - started) / 1000, interrupted: signal?.aborted === true };
}
