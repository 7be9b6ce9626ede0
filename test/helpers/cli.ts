// Runs the built `byok` CLI as users do — the bundle dist/cli/byok.mjs that the package's "bin" launcher
// (bin/byok.mjs, tested in test/install) runs, see scripts/build-cli.mjs: a separate process, real files,
// exit codes.
// `npm test` builds dist/ first (pretest); running these files alone needs `node scripts/build.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(REPO_ROOT, 'dist/cli/byok.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Extra environment; BYOK_PASSWORD and BYOK_DEBUG from the test runner's environment are removed. */
  readonly env?: Record<string, string>;
  readonly input?: string | Uint8Array;
  readonly timeoutMs?: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Fails clearly when dist/ is missing; warns when src/ changed after the last build. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: build first with \`node scripts/build.mjs\` (npm test does it)`);
  const built = statSync(CLI).mtimeMs;
  if (newestMtime(join(REPO_ROOT, 'src')) > built + 1000) {
    console.warn('WARNING: src/ changed after dist/ was built: the CLI tests run the older build (node scripts/build.mjs)');
  }
}

function cliEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['BYOK_PASSWORD'];
  delete env['BYOK_DEBUG'];
  return { ...env, ...extra };
}

export function byok(args: readonly string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: cliEnv(opts.env),
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return {
    code: r.status ?? -1,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    stdoutBytes: r.stdout,
  };
}

/** Starts the CLI without waiting (for interruption tests). */
export function byokSpawn(args: readonly string[], opts: CliOptions = {}): ReturnType<typeof spawn> {
  return spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO_ROOT, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = 'byok-cli-'): { dir: string; path(...p: string[]): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (...p) => join(dir, ...p), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The whole failure output is one line, names no JS internals and carries no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.split('\n').filter((l) => l !== '');
  return lines.length === 1 && /^byok( [a-z]+)?: /.test(lines[0]!) && !/\n\s+at |Error:|TypeError|undefined/.test(stderr);
}
