#!/usr/bin/env node
// Full build: Wasm core (embedded as generated modules), then TypeScript to dist/.
// Runs from `prepare`, so `npm ci` on a fresh clone leaves a working package.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
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
for (const extra of ['scripts/build-cli.mjs', 'scripts/build-browser.mjs']) {
  if (existsSync(join(root, extra))) run(process.execPath, [join(root, extra)]);
}
