#!/usr/bin/env node
// Bundles the `byok` executable and its batch worker, each into one file, from the tsc output in dist/:
//   dist/cli/byok.mjs            <- dist/cli/main.js and everything it imports (package.json "bin")
//   dist/cli/byok-worker.mjs     <- dist/cli/batch/worker.js and everything it imports
// Why: Node spends ~95 ms resolving, reading and compiling the ~80 modules (and asn1js, @noble) of the key
// reader one file at a time; the same code as one file loads in ~28 ms (measured). That is start-up time
// of every command, and of every batch worker. The bundles contain exactly the code of dist/ and of the
// installed dependencies, not minified (reviewers can read them), and are reproducible: same inputs,
// same bytes. dist/ keeps the unbundled modules for the library API (package.json "exports").
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { bundleOptions, root } from './bundle-options.mjs';

// --out-dir: write the two bundles elsewhere (the reproducibility test builds a second copy).
const outDir = parseArgs({ options: { 'out-dir': { type: 'string' } } }).values['out-dir'] ?? join(root, 'dist/cli');

const common = {
  ...bundleOptions,
  format: 'esm',
  // The executable's worker lives beside it under this name (src/cli/batch/pool.ts).
  define: { BYOK_BUNDLED_WORKER: JSON.stringify('./byok-worker.mjs') },
};

await esbuild.build({
  ...common,
  entryPoints: [join(root, 'dist/cli/main.js')],
  outfile: join(outDir, 'byok.mjs'),
  banner: { js: '// byok-toolkit CLI, bundled by scripts/build-cli.mjs from dist/ and its dependencies.' },
});
await esbuild.build({
  ...common,
  entryPoints: [join(root, 'dist/cli/batch/worker.js')],
  outfile: join(outDir, 'byok-worker.mjs'),
  banner: { js: '// byok-toolkit batch worker, bundled by scripts/build-cli.mjs from dist/ and its dependencies.' },
});
// esbuild keeps main.js's #! line first, so the bundle runs as an executable.
chmodSync(join(outDir, 'byok.mjs'), 0o755);
