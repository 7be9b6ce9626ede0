// Locates the public test vectors this repository carries in test/vectors/ (sources, revisions, licenses
// and SHA-256s in test/vectors/vectors.json, checked by test/meta/vectors.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const VECTORS_DIR: string = join(repoRoot, 'test', 'vectors');

/** Absolute path of a vector file; throws a clear message when the file is not in the repository. */
export function vectorPath(...parts: string[]): string {
  const p = join(VECTORS_DIR, ...parts);
  if (!existsSync(p)) {
    throw new Error(`test vector test/vectors/${parts.join('/')} is not in the repository: add it with its entry in test/vectors/vectors.json`);
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
