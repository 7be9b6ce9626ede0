// The vectors the tests read are in the repository, each as its manifest records it: a fresh clone needs
// nothing beside it, and a changed or stray vector file is caught here rather than in a puzzling failure.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VECTORS_DIR } from '../helpers/vectors.js';

interface VectorSet {
  readonly source: string;
  readonly revision: string;
  readonly upstreamFolder: string;
  readonly license: string;
  readonly licenseFiles: readonly string[];
  readonly files: Readonly<Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(join(VECTORS_DIR, 'vectors.json'), 'utf8')) as { sets: Record<string, VectorSet> };
const OWN_FILES = new Set(['vectors.json', 'README.md']);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('test/vectors', () => {
  it('every file on disk is listed in vectors.json with its SHA-256, and every listed file is there', () => {
    const onDisk = walk(VECTORS_DIR).map((p) => relative(VECTORS_DIR, p).split(sep).join('/')).filter((p) => !OWN_FILES.has(p)).sort();
    const listed = Object.entries(manifest.sets).flatMap(([set, s]) => Object.keys(s.files).map((f) => `${set}/${f}`)).sort();
    expect(onDisk).toEqual(listed);
    let checked = 0;
    for (const [set, s] of Object.entries(manifest.sets)) {
      for (const [file, hash] of Object.entries(s.files)) {
        expect(sha256(join(VECTORS_DIR, set, file)), `${set}/${file}`).toBe(hash);
        checked++;
      }
    }
    console.log(`test/vectors: ${checked} files in ${Object.keys(manifest.sets).length} sets match vectors.json`);
  });

  it('each set names its source, a revision and a licence whose files it carries', () => {
    for (const [set, s] of Object.entries(manifest.sets)) {
      expect(s.source, set).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
      expect(s.revision.length, set).toBeGreaterThan(5);
      expect(s.license, set).toMatch(/^[A-Za-z0-9.+-]+( OR [A-Za-z0-9.+-]+)*$/);
      expect(s.licenseFiles.length, set).toBeGreaterThan(0);
      for (const l of s.licenseFiles) expect(Object.keys(s.files), `${set} licence file ${l}`).toContain(l);
    }
  });

  it("the per-set manifest.json hashes (recorded when the files were taken from upstream) agree", () => {
    let agreed = 0;
    for (const set of ['pyca', 'rustcrypto', 'mbedtls']) {
      const entries = JSON.parse(readFileSync(join(VECTORS_DIR, set, 'manifest.json'), 'utf8')) as { file: string; sha256: string }[];
      for (const e of entries) {
        expect(manifest.sets[set]!.files[e.file], `${set}/${e.file}`).toBe(e.sha256);
        agreed++;
      }
    }
    expect(agreed).toBeGreaterThan(150);
  });
});
