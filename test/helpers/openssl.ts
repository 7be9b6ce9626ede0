// OpenSSL CLI helpers for tests: an independent implementation to compare with, and a fixture generator.
// Every call is synchronous with a timeout; a failure throws with OpenSSL's stderr (never key bytes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, requireTool } from './tools.js';

export const OPENSSL_AVAILABLE: boolean = hasCommand('openssl', ['version']);

/** True when the OpenSSL CLI can be used; otherwise prints why (or throws under CI=true). */
export function requireOpenssl(): boolean {
  return requireTool('openssl', OPENSSL_AVAILABLE, 'apt-get install openssl');
}

export interface OpensslResult {
  readonly status: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `openssl <args>`; returns status and output without throwing. */
export function opensslTry(args: readonly string[], input?: Uint8Array | string): OpensslResult {
  const r = spawnSync('openssl', args, { input, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Runs `openssl <args>` and returns stdout; throws with stderr on failure. */
export function openssl(args: readonly string[], input?: Uint8Array | string): Buffer {
  const r = opensslTry(args, input);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
  return r.stdout;
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(prefix = 'byok-test-'): { dir: string; file(name: string, data?: Uint8Array | string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      if (data !== undefined) writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `-passin` argument for a password (empty string allowed). */
export const passArg = (password: string): string => `pass:${password}`;

/** SubjectPublicKeyInfo DER of any private or public key file OpenSSL can open. */
export function opensslPublicDer(path: string, opts: { password?: string; pubin?: boolean; legacy?: boolean } = {}): Buffer {
  const args = ['pkey', '-in', path, '-pubout', '-outform', 'DER'];
  if (opts.pubin) args.push('-pubin');
  if (opts.password !== undefined) args.push('-passin', passArg(opts.password));
  if (opts.legacy) args.push('-provider', 'legacy', '-provider', 'default');
  return openssl(args);
}
