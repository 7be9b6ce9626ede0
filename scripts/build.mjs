#!/usr/bin/env node
// Full build: Wasm core (embedded as generated modules), TypeScript, the bundled executable and the
// browser tool, into dist/.
//
// dist/ is never deleted or left half-built, because a `byok` from this checkout may be running (npm test
// builds first): everything is built into a staging folder beside it, then each file is moved into dist/
// with rename(2), which replaces a file atomically, and files the new build no longer has are removed
// last. When nothing the build reads has changed since the last build (same SHA-256 over its inputs),
// nothing is rebuilt at all. `--force` rebuilds anyway.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const STAMP = '.build-inputs.sha256';
const { values: opts } = parseArgs({ options: { force: { type: 'boolean' } } });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** SHA-256 over every file the build reads (path and bytes), and the Node major version that runs it. */
function inputsHash() {
  const files = [
    ...['assembly', 'src', 'scripts'].flatMap((d) => walk(join(root, d))),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'asconfig.json'].map((f) => join(root, f)),
  ]
    .filter((f) => !f.startsWith(join(root, 'src/core/generated') + sep) && existsSync(f))
    .map((f) => relative(root, f).split(sep).join('/'))
    .sort();
  const h = createHash('sha256').update(`node ${process.versions.node.split('.')[0]}\n`);
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

const hash = inputsHash();
const stampPath = join(dist, STAMP);
if (!opts.force && existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === hash && existsSync(join(root, 'src/core/generated'))) {
  console.log('build: dist/ is up to date (no input changed since it was built)');
  process.exit(0);
}

run(process.execPath, [join(root, 'scripts/build-wasm.mjs')]);

// The staging folder is a sibling of dist/ (same file system, so rename works; same depth, so the source
// maps' relative paths stay right). Stale ones from an interrupted build are removed first.
for (const e of readdirSync(root)) if (e.startsWith('.dist-build-')) rmSync(join(root, e), { recursive: true, force: true });
const stage = mkdtempSync(join(root, '.dist-build-'));
const fresh = new Set();
/** Moves every file of the staging folder into dist/, each with one atomic rename. */
function publish() {
  for (const f of walk(stage).map((p) => relative(stage, p))) {
    mkdirSync(dirname(join(dist, f)), { recursive: true });
    renameSync(join(stage, f), join(dist, f)); // a reader sees the old file or the new one, never neither
    fresh.add(f);
  }
}
try {
  rmSync(stampPath, { force: true }); // an interrupted build must not look up to date
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', stage]);
  // The unbundled entry stays executable too: npx caches the bin path per package folder, and an older
  // checkout's cache still points at dist/cli/main.js (the bin before it was bundled).
  const cli = join(stage, 'cli/main.js');
  if (existsSync(cli)) chmodSync(cli, 0o755);
  publish();
  // The bundles are made from dist/ itself (their comments name the dist/ paths they came from, and a
  // rebuild from dist/ must give the same bytes), into the staging folder, then published the same way.
  run(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--out-dir', join(stage, 'cli')]);
  run(process.execPath, [join(root, 'scripts/build-browser.mjs'), '--out', join(stage, 'byok.html')]);
  publish();
  for (const f of walk(dist)) if (!fresh.has(relative(dist, f))) rmSync(f, { force: true });
  writeFileSync(stampPath, `${hash}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
