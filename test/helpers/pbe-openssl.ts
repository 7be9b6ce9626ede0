// OpenSSL CLI and PEM helpers for the password-based decryption tests (src/keys/pbe).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, requireTool } from './tools.js';

export const OPENSSL_OK: boolean = requireTool('openssl', hasCommand('openssl', ['version']), 'apt-get install openssl');

export interface RunResult {
  ok: boolean;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs `openssl args…` with optional stdin; never throws. */
export function opensslTry(args: readonly string[], input?: Uint8Array): RunResult {
  const r = spawnSync('openssl', args, { input, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0 && r.error === undefined, stdout: Uint8Array.from(r.stdout ?? []), stderr: String(r.stderr ?? '') };
}

/** Runs `openssl args…`; throws with OpenSSL's message on failure. */
export function openssl(args: readonly string[], input?: Uint8Array): Uint8Array {
  const r = opensslTry(args, input);
  if (!r.ok) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Arguments that load the legacy provider next to the default one (DES, RC2, RC4, MD4 …). */
export const LEGACY = ['-provider', 'legacy', '-provider', 'default'];

/** A scratch directory removed by the returned cleanup function. */
export function scratchDir(): { dir: string; path(name: string): string; write(name: string, data: Uint8Array | string): string; read(name: string): Uint8Array; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'byok-pbe-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    read: (name) => Uint8Array.from(readFileSync(join(dir, name))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PemBlock {
  label: string;
  headers: Record<string, string>;
  der: Uint8Array;
}

/** All PEM blocks of a text (text before, between and after blocks is ignored, as OpenSSL does). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const lines = (m[2] as string).split(/\r?\n/);
    const headers: Record<string, string> = {};
    let i = 0;
    if (lines.some((l) => l.includes(':'))) {
      for (; i < lines.length && (lines[i] as string).includes(':'); i++) {
        const l = lines[i] as string;
        const c = l.indexOf(':');
        headers[l.slice(0, c).trim()] = l.slice(c + 1).trim();
      }
    }
    const b64 = lines.slice(i).join('');
    out.push({ label: m[1] as string, headers, der: Uint8Array.from(Buffer.from(b64, 'base64')) });
  }
  return out;
}

/** The DER of a key file that is PEM (first block) or already DER. */
export function derOf(bytes: Uint8Array): { der: Uint8Array; pem?: PemBlock } {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = pemBlocks(text);
  if (blocks.length > 0) return { der: (blocks[0] as PemBlock).der, pem: blocks[0] as PemBlock };
  return { der: bytes };
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
