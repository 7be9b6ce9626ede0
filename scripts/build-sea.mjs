#!/usr/bin/env node
// `npm run build:sea`: the `byok` CLI as one Node single executable application (SEA) for linux-x64, for
// offline machines without Node: build/sea/byok-linux-x64 and build/sea/byok-linux-x64.sha256 (the
// `sha256sum` line, so `sha256sum -c byok-linux-x64.sha256` checks it).
//
// How (https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
//   1. dist/ is built (scripts/build.mjs; nothing is rebuilt when it is up to date).
//   2. esbuild bundles the batch worker, then the CLI, each into one CommonJS script: Node 20's SEA runs
//      one CommonJS script and its require() loads built-in modules only. The worker's script is embedded
//      in the CLI's as a string constant (BYOK_WORKER_SOURCE, see src/cli/batch/pool.ts) and started
//      with `new Worker(source, { eval: true })`: a worker thread needs its code, and the SEA has no
//      file beside it to load it from.
//   3. `node --experimental-sea-config` turns the script into a preparation blob, the running Node binary
//      is copied, and postject injects the blob into the copy (the NODE_SEA_BLOB resource, found through
//      Node's sentinel fuse). No code cache and no snapshot: the blob depends only on the script.
// The executable is this Node binary plus the script: the same Node version and OpenSSL as the build
// machine's `node`, and nothing loaded from the disk at run time.
//
// Options: --out-dir DIR (default build/sea).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { bundleOptions, root } from './bundle-options.mjs';

const NAME = 'byok-linux-x64';
// Node's fixed sentinel for SEA blobs (the value the Node documentation gives for postject).
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const outDir = resolve(values['out-dir'] ?? join(root, 'build/sea'));

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`build-sea: ${what} failed`);
    process.exit(r.status ?? 1);
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`build-sea: this makes the linux-x64 executable from the running Node binary; this machine is ${process.platform}-${process.arch}`);
  process.exit(2);
}

run(process.execPath, [join(root, 'scripts/build.mjs')], 'the build of dist/');
mkdirSync(outDir, { recursive: true });
const work = join(outDir, '.sea-work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work);

try {
  const common = { ...bundleOptions, format: 'cjs', write: false };
  const worker = await esbuild.build({
    ...common,
    entryPoints: [join(root, 'dist/cli/batch/worker.js')],
    outfile: join(work, 'byok-worker.cjs'),
    banner: { js: '// byok-toolkit batch worker, bundled by scripts/build-sea.mjs for the single executable.' },
  });
  const cli = await esbuild.build({
    ...common,
    entryPoints: [join(root, 'dist/cli/main.js')],
    outfile: join(work, 'byok.cjs'),
    banner: { js: '// byok-toolkit CLI, bundled by scripts/build-sea.mjs for the single executable.' },
    define: { BYOK_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text) },
    // pool.ts reads import.meta.url only where no worker source is defined, which is never the case here.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  const script = join(work, 'byok.cjs');
  writeFileSync(script, cli.outputFiles[0].contents);

  const blob = join(work, 'byok.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false }));
  run(process.execPath, ['--experimental-sea-config', config], 'node --experimental-sea-config');

  const exe = join(outDir, NAME);
  const tmpExe = join(work, NAME);
  copyFileSync(process.execPath, tmpExe);
  chmodSync(tmpExe, 0o755);
  run(process.execPath, [join(root, 'node_modules/postject/dist/cli.js'), tmpExe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], 'postject');
  // Published by rename, like dist/: a reader never sees a half-injected executable.
  const bytes = readFileSync(tmpExe);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  renameSync(tmpExe, exe);
  writeFileSync(`${exe}.sha256`, `${sha256}  ${NAME}\n`);
  console.log(`build-sea: ${exe} (${(bytes.length / 1e6).toFixed(1)} MB, Node ${process.versions.node})`);
  console.log(`build-sea: SHA-256 ${sha256} (also in ${NAME}.sha256)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
