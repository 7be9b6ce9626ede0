// A batch worker thread: instantiates its own Wasm core, then prepares the chunks of rows it is sent (the
// main thread writes their outputs).
// `null` ends it, after wiping its copy of the password.
import { parentPort, workerData } from 'node:worker_threads';
import { initSync } from '../../core/index.js';
import { prepareRow, type JobConfig } from './job.js';
import type { ManifestRow } from './manifest.js';

const cfg = workerData as JobConfig;
initSync();
parentPort!.on('message', (rows: ManifestRow[] | null) => {
  if (rows === null) {
    cfg.envPassword?.fill(0);
    parentPort!.close();
    return;
  }
  const prepared = rows.map((r) => prepareRow(cfg, r));
  // The main thread writes the outputs (see prepareRow); hand the bytes over rather than copy them.
  const buffers = new Set(prepared.flatMap((p) => (p.pending === undefined ? [] : [p.pending.buffer as ArrayBuffer])));
  parentPort!.postMessage(prepared, [...buffers]);
});
