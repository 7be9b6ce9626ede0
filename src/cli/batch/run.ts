// Runs a batch: rows in chunks over `jobs` worker threads (or in this thread for --jobs 1), results in
// manifest order, progress reported as rows finish. Workers compute; this thread writes the outputs, each
// fsync'd before it gets its name, so a worker never idles on a disk flush; the output folder is fsync'd
// once at the end.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { syncDir } from '../files.js';
import { claimWorkers } from './pool.js';
import { finishRow, processRow, type JobConfig, type PreparedRow, type RowResult } from './job.js';
import type { ManifestRow } from './manifest.js';

export interface BatchRun {
  readonly results: RowResult[];
  readonly seconds: number;
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

export async function runBatch(cfg: JobConfig, rows: readonly ManifestRow[], jobs: number, onProgress: (done: number, failed: number) => void): Promise<BatchRun> {
  const started = performance.now();
  const results: RowResult[] = new Array<RowResult>(rows.length);
  let done = 0;
  let failed = 0;
  const record = (index: number, r: RowResult): void => {
    results[index] = r;
    done++;
    if (r.status === 'failed') failed++;
  };

  if (jobs <= 1 || rows.length <= 1) {
    for (let i = 0; i < rows.length; i++) {
      record(i, processRow(cfg, rows[i]!));
      if (i % 16 === 15) {
        onProgress(done, failed);
        await new Promise((r) => setImmediate(r)); // let the progress bar draw
      }
    }
  } else {
    // Small chunks keep every worker busy to the end; large enough to amortize message passing.
    const chunk = Math.max(1, Math.min(32, Math.ceil(rows.length / (jobs * 8))));
    let next = 0;
    const workerCount = Math.min(jobs, Math.ceil(rows.length / chunk));
    const workers: Worker[] = claimWorkers(workerCount);
    await new Promise<void>((resolveAll, reject) => {
      const rejectAll = (e: unknown): void => {
        for (const w of workers) void w.terminate();
        reject(e);
      };
      let live = workerCount;
      for (const worker of workers) {
        worker.postMessage({ cfg });
        let inFlight: number[] = [];
        const feed = (): void => {
          if (next >= rows.length) {
            worker.postMessage(null);
            return;
          }
          const idx: number[] = [];
          for (let i = 0; i < chunk && next < rows.length; i++) idx.push(next++);
          inFlight = idx;
          worker.postMessage(idx.map((i) => rows[i]!));
        };
        worker.on('message', (batch: PreparedRow[]) => {
          const idx = inFlight;
          inFlight = [];
          feed(); // the worker computes the next chunk while this thread writes this one
          batch.forEach((r, i) => record(idx[i]!, finishRow(cfg, r)));
          onProgress(done, failed);
        });
        worker.on('error', (e) => rejectAll(e));
        worker.on('exit', (code) => {
          if (inFlight.length > 0 || code !== 0) {
            rejectAll(new Error(`batch worker stopped unexpectedly (exit ${code})`));
            return;
          }
          if (--live === 0) resolveAll();
        });
        feed();
      }
    });
  }
  onProgress(done, failed);
  syncDir(cfg.outDir);
  return { results, seconds: (performance.now() - started) / 1000 };
}
