// A batch worker thread: instantiates its own Wasm core, takes its JobConfig in the first message (it may
// be started before the CLI has read the KEK, see pool.ts), then prepares the chunks of rows it is sent
// (the main thread writes their outputs). `null` ends it, after wiping its copy of the password.
import { parentPort } from 'node:worker_threads';
import { initSync } from '../../core/index.js';
import { prepareRow, type JobConfig } from './job.js';
import type { ManifestRow } from './manifest.js';

initSync();
let cfg: JobConfig | undefined;
parentPort!.on('message', (msg: { cfg: JobConfig } | ManifestRow[] | null) => {
  if (msg === null) {
    cfg?.envPassword?.fill(0);
    parentPort!.close();
    return;
  }
  if (!Array.isArray(msg)) {
    cfg = msg.cfg;
    return;
  }
  const prepared = msg.map((r) => prepareRow(cfg!, r));
  // The main thread writes the outputs (see prepareRow); hand the bytes over rather than copy them.
  const buffers = new Set(prepared.flatMap((p) => [p.pending, p.pendingToken].flatMap((b) => (b === undefined ? [] : [b.buffer as ArrayBuffer]))));
  parentPort!.postMessage(prepared, [...buffers]);
});
