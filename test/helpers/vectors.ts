// Locates the shared public test vectors (../shared/vectors beside the checkout, or $BYOK_VECTORS).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const VECTORS_DIR: string = process.env['BYOK_VECTORS'] ?? resolve(repoRoot, '../shared/vectors');

/** Absolute path of a vector file; throws a clear message when the vector set is not where expected. */
export function vectorPath(...parts: string[]): string {
  const p = join(VECTORS_DIR, ...parts);
  if (!existsSync(p)) {
    throw new Error(`test vector ${p} not found: set BYOK_VECTORS to the shared/vectors folder`);
  }
  return p;
}

export function readVector(...parts: string[]): Buffer {
  return readFileSync(vectorPath(...parts));
}

export function readJsonVector<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(vectorPath(...parts), 'utf8')) as T;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
