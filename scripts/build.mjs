#!/usr/bin/env node
// Full build: Wasm core (embedded as generated modules), then TypeScript to dist/.
// Runs from `prepare`, so `npm ci` on a fresh clone leaves a working package.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

run(process.execPath, [join(root, 'scripts/build-wasm.mjs')]);
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
// The unbundled entry stays executable too: npx caches the bin path per package folder, and an older
// checkout's cache still points at dist/cli/main.js (the bin before it was bundled).
const cli = join(root, 'dist/cli/main.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
for (const extra of ['scripts/build-cli.mjs', 'scripts/build-browser.mjs']) {
  if (existsSync(join(root, extra))) run(process.execPath, [join(root, extra)]);
}
