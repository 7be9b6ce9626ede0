// The executable is a bundle (scripts/build-cli.mjs): it must be what the build says it is — rebuilt from
// the same dist/ it is byte-identical, it starts as an executable, and its worker is the bundle beside it.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, requireBuiltCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('byok-bundle-');
afterAll(() => tmp.cleanup());

describe('the bundled executable', () => {
  it('is reproducible: a second build from the same dist/ gives the same bytes', () => {
    requireBuiltCli();
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs'), '--out-dir', tmp.dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const f of ['byok.mjs', 'byok-worker.mjs']) {
      expect(readFileSync(join(tmp.dir, f)).equals(readFileSync(join(REPO_ROOT, 'dist/cli', f)))).toBe(true);
    }
  });
  it('starts with #!, is executable, names its worker bundle, and runs', () => {
    const text = readFileSync(CLI, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    expect(text).toContain('new URL("./byok-worker.mjs", import.meta.url)');
    const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/byok-toolkit \d+\.\d+\.\d+/);
  });
});
