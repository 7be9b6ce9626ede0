#!/usr/bin/env node
// The `byok` command (package.json "bin"): runs the bundled CLI, dist/cli/byok.mjs.
//
// The package tarball ships dist/ built (`npm pack` builds in prepack) and has no install script, so an
// installed copy runs the bundle at once. A git checkout has no dist/ until something builds it, and
// `npm ci` no longer does (the package has no `prepare` script any more): the first `byok` run in such a
// checkout builds it once, so `npm ci && npx byok demo` works on a fresh clone. Later source changes are
// not picked up here: `npm run build` (or `npm test`) rebuilds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/byok.mjs', import.meta.url);
if (!existsSync(bundle)) {
  const build = new URL('../scripts/build.mjs', import.meta.url);
  if (!existsSync(build)) {
    process.stderr.write(`byok: ${fileURLToPath(bundle)} is missing from this installation: reinstall byok-toolkit\n`);
    process.exit(3);
  }
  process.stderr.write('byok: first run in this checkout: building dist/ once (node scripts/build.mjs, about 30 s)\n');
  // The build's own messages go to stderr: stdout may carry --json or --out - data.
  const r = spawnSync(process.execPath, [fileURLToPath(build)], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('byok: the build failed (see above): run npm ci, then npm run build\n');
    process.exit(3);
  }
}
await import(bundle.href);
