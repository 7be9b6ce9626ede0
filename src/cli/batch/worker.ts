// A batch worker thread: instantiates its own Wasm core, then processes the chunks of rows it is sent.
// `null` ends it, after wiping its copy of the password.
import { parentPort, workerData } from 'node:worker_threads';
import { initSync } from '../../core/index.js';
import { processRow, type JobConfig } from './job.js';
import type { ManifestRow } from './manifest.js';

const cfg = workerData as JobConfig;
initSync();
parentPort!.on('message', (rows: ManifestRow[] | null) => {
  if (rows === null) {
    cfg.envPassword?.fill(0);
    parentPort!.close();
    return;
  }
  parentPort!.postMessage(rows.map((r) => processRow(cfg, r)));
});
