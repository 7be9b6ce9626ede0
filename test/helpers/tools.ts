// System tools the tests use (OpenSSL CLI, SoftHSM, Chromium). Missing tools skip with a printed reason,
// except under CI=true, where a missing tool fails the run.
import { spawnSync } from 'node:child_process';

export const IN_CI = process.env['CI'] === 'true';

export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/**
 * Returns true when the tool is usable. Otherwise prints why the dependent tests are skipped, or throws
 * under CI so a missing tool turns the run red instead of silently passing.
 */
export function requireTool(name: string, available: boolean, install: string): boolean {
  if (available) return true;
  const msg = `${name} not found: tests that need it are skipped (install: ${install})`;
  if (IN_CI) throw new Error(`CI=true and ${msg}`);
  console.warn(`SKIP: ${msg}`);
  return false;
}
