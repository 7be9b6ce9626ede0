// bin/byok.mjs, the package's "bin": it runs dist/cli/byok.mjs, and in a checkout where dist/ has not been
// built yet (a fresh clone after `npm ci`, which builds nothing: the package has no install script) it
// runs scripts/build.mjs once first. Tested on a stand-in checkout whose "build" writes a tiny dist/, so
// the logic is checked in milliseconds; the real build is what every other CLI test runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir('byok-launcher-');
afterAll(() => tmp.cleanup());

// A "build" that records each run and writes a dist/cli/byok.mjs printing its arguments.
const FAKE_BUILD = `
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
const root = new URL('../', import.meta.url);
appendFileSync(new URL('builds.log', root), 'built\\n');
console.log('build output goes to stderr');
mkdirSync(new URL('dist/cli/', root), { recursive: true });
writeFileSync(new URL('dist/cli/byok.mjs', root), "process.stdout.write(JSON.stringify(process.argv.slice(2)));\\n");
`;

function checkout(name: string, withBuild: boolean): string {
  const dir = tmp.path(name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'bin/byok.mjs'), join(dir, 'bin/byok.mjs'));
  if (withBuild) {
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts/build.mjs'), FAKE_BUILD);
  }
  return dir;
}

function launch(dir: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin/byok.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/byok.mjs', () => {
  it('builds once in a checkout without dist/, keeping stdout for the command, then runs the bundle', () => {
    const dir = checkout('fresh-clone', true);
    const first = launch(dir, ['demo', '--json']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('["demo","--json"]');
    expect(first.stderr).toMatch(/first run in this checkout: building dist\//);
    expect(first.stderr).toContain('build output goes to stderr');
    const second = launch(dir, ['--version']);
    expect(second.stdout).toBe('["--version"]');
    expect(second.stderr).toBe('');
    expect(readFileSync(join(dir, 'builds.log'), 'utf8')).toBe('built\n');
  });

  it('in an installed package without dist/ (nothing to build with), says to reinstall and exits 3', () => {
    const dir = checkout('broken-install', false);
    const r = launch(dir, ['--version']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^byok: .*dist\/cli\/byok\.mjs is missing from this installation: reinstall byok-toolkit\n$/);
  });
});
