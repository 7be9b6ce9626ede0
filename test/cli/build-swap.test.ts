// `npm test` builds before it runs, and a `byok` from the same checkout may be running meanwhile: the build
// must never leave dist/ without a working executable (scripts/build.mjs stages, then renames file by
// file), and must not rebuild at all when none of its inputs changed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, requireBuiltCli } from '../helpers/cli.js';

const BUILD = join(REPO_ROOT, 'scripts/build.mjs');

describe('scripts/build.mjs', () => {
  it('keeps dist/ usable while it rebuilds: byok runs throughout a forced build', async () => {
    requireBuiltCli();
    const before = readFileSync(CLI);
    const build = spawn(process.execPath, [BUILD, '--force'], { cwd: REPO_ROOT, stdio: 'ignore' });
    const done = new Promise<number>((resolve) => build.on('exit', (code) => resolve(code ?? -1)));
    let finished = false;
    void done.then(() => { finished = true; });
    const failures: string[] = [];
    let runs = 0;
    while (!finished) {
      if (!existsSync(CLI)) failures.push('dist executable missing');
      const r = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
      runs++;
      if (r.status !== 0) failures.push(`exit ${r.status}: ${r.stderr.split('\n')[0]}`);
      await new Promise((resolve) => setImmediate(resolve)); // let the build's exit be seen
    }
    expect(await done).toBe(0);
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(5);
    // Reproducible: the forced rebuild gave the same executable.
    expect(readFileSync(CLI).equals(before)).toBe(true);
  }, 300_000);

  it('does nothing when no input changed since the last build', () => {
    const mtime = statSync(CLI).mtimeMs;
    const r = spawnSync(process.execPath, [BUILD], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/up to date/);
    expect(statSync(CLI).mtimeMs).toBe(mtime);
  });
});
