// In-process unit tests of the CLI's building blocks: the manifest reader (CSV per RFC 4180, JSON), the
// atomic writer, and the mapping of errors to exit codes.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { parseManifest } from '../../src/cli/batch/manifest.js';
import { scanOutputFolder } from '../../src/cli/batch/run.js';
import { finishRow, type JobConfig } from '../../src/cli/batch/job.js';
import type { Kek } from '../../src/kek/index.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { readInputFile, writeFileAtomic } from '../../src/cli/files.js';
import { tempDir } from '../helpers/cli.js';
import { codeOf as code } from '../helpers/errors.js';


let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('byok-units-');
});
afterAll(() => tmp.cleanup());

describe('parseManifest (CSV)', () => {
  const at = '/data/batch/keys.csv';

  it('reads the header in any order, quoted fields, CRLF, blank lines; resolves paths against the manifest', () => {
    const rows = parseManifest('kid,key,name,password_file\r\n,a.pem,,\r\n\r\n"https://x.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef","dir with, comma/b.pem","b-1","pw ""file"".txt"\r\n,/abs/c.der,c,\n', at);
    expect(rows).toEqual([
      { row: 2, name: 'a', key: '/data/batch/a.pem' },
      { row: 4, name: 'b-1', key: '/data/batch/dir with, comma/b.pem', passwordFile: '/data/batch/pw "file".txt', kid: 'https://x.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef' },
      { row: 5, name: 'c', key: '/abs/c.der' },
    ]);
  });

  it('counts lines inside quoted fields for the row numbers', () => {
    const rows = parseManifest('key,name\n"multi\nline.pem",m\nz.pem,z\n', at);
    expect(rows.map((r) => [r.row, r.name])).toEqual([[2, 'm'], [4, 'z']]);
  });

  it.each([
    ['', /is empty|no rows/],
    ['name,key\n', /no rows/],
    ['name,file\nx,y\n', /unknown column "file"/],
    ['name\nx\n', /no "key" column/],
    ['key,key\na,b\n', /names a column twice/],
    ['name,key\nx\n', /row 2 has 1 fields, the header has 2/],
    ['name,key\n"x,a.pem\n', /quoted field that never ends/],
    ['name,key\n"x"y,a.pem\n', /after a closing quote/],
    ['name,key\n,\n', /row 2 has no "key"/],
    ['name,key\n../up,a.pem\n', /Azure does not accept for a key/],
    ['name,key\n.hidden,a.pem\n', /Azure does not accept for a key/],
    ['name,key\nsigning_key,a.pem\n', /Azure does not accept for a key: use 1 to 127 letters, digits and dashes/],
    ['name,key\nA,a.pem\na,b.pem\n', /also used by row 2/],
    ['key\nx/a.pem\ny/a.pem\n', /"a", also used by row 2/],
  ])('refuses %j with MANIFEST_INVALID', (text, why) => {
    let err: unknown;
    try {
      parseManifest(text, at);
    } catch (e) {
      err = e;
    }
    expect((err as ByokError).code).toBe('MANIFEST_INVALID');
    expect((err as ByokError).message).toMatch(why);
  });

  it('round-trips any field content through RFC 4180 quoting (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é', '/') , minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '' && s.trim() === s);
    fc.assert(fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (keys) => {
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const text = `name,key\n${keys.map((k, i) => `n${i},${q(k)}`).join('\n')}\n`;
      const rows = parseManifest(text, at);
      return rows.length === keys.length && rows.every((r, i) => r.key === resolve('/data/batch', keys[i]!));
    }));
  });
});

describe('parseManifest (JSON)', () => {
  it('reads an array of objects; null fields are absent; row numbers are 1-based indexes', () => {
    const rows = parseManifest(JSON.stringify([{ key: 'a.pem' }, { name: 'b', key: 'k/b.p12', password_file: 'k/b.pass', kid: null }]), '/m/list.json');
    expect(rows).toEqual([{ row: 1, name: 'a', key: '/m/a.pem' }, { row: 2, name: 'b', key: '/m/k/b.p12', passwordFile: '/m/k/b.pass' }]);
  });

  it.each([
    ['{"key":"a"}', /not a JSON array/],
    ['[1]', /row 1 is not an object/],
    ['[{"key":"a","passwordFile":"x"}]', /unknown field "passwordFile"/],
    ['[{"key":5}]', /field "key" that is not a string/],
    ['[', /not valid JSON/],
    ['[]', /no rows/],
  ])('refuses %s', (text, why) => {
    expect(() => parseManifest(text, '/m/list.json')).toThrow(why);
  });
});

describe('writeFileAtomic', () => {
  it('creates with mode 0600 even under a permissive umask, and leaves no temporary', () => {
    const old = process.umask(0o000);
    try {
      const p = tmp.path('a.bin');
      writeFileAtomic(p, new Uint8Array([1, 2, 3]));
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect([...readFileSync(p)]).toEqual([1, 2, 3]);
      expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      process.umask(old);
    }
  });

  it('never replaces without force; replaces atomically with force', () => {
    const p = tmp.path('b.bin');
    writeFileSync(p, 'old');
    expect(code(() => writeFileAtomic(p, new Uint8Array([9])))).toBe('FILE_EXISTS');
    expect(readFileSync(p, 'utf8')).toBe('old');
    writeFileAtomic(p, new Uint8Array([9]), { force: true });
    expect([...readFileSync(p)]).toEqual([9]);
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('listedAbsent skips only the pre-check: a name that appeared meanwhile is still refused by link(), untouched, no temporary left', () => {
    const p = tmp.path('appeared.byok');
    writeFileSync(p, 'someone else');
    expect(code(() => writeFileAtomic(p, new Uint8Array([1]), { listedAbsent: true }))).toBe('FILE_EXISTS');
    expect(readFileSync(p, 'utf8')).toBe('someone else');
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.appeared'))).toEqual([]);
    const dangling = tmp.path('dangling.byok');
    symlinkSync(tmp.path('nowhere'), dangling);
    expect(code(() => writeFileAtomic(dangling, new Uint8Array([1]), { listedAbsent: true }))).toBe('FILE_EXISTS');
    expect(existsSync(tmp.path('nowhere'))).toBe(false);
  });

  it('does not follow or replace a symlink placed at the output path without force', () => {
    const target = tmp.path('victim.txt');
    writeFileSync(target, 'precious');
    const link = tmp.path('link.byok');
    // a dangling or live symlink is an existing name: refused, the victim untouched
    symlinkSync(target, link);
    expect(code(() => writeFileAtomic(link, new Uint8Array([1])))).toBe('FILE_EXISTS');
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('fails cleanly into a missing folder or onto a folder', () => {
    expect(code(() => writeFileAtomic(tmp.path('nope', 'x'), new Uint8Array(1)))).toBe('FILE_WRITE_FAILED');
    const d = tmp.path('dir.byok');
    mkdirSync(d);
    expect(code(() => writeFileAtomic(d, new Uint8Array(1), { force: true }))).toBe('FILE_WRITE_FAILED');
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('readInputFile', () => {
  it('names the problem: missing, folder, too large', () => {
    expect(code(() => readInputFile(tmp.path('missing'), 'key file'))).toBe('FILE_NOT_FOUND');
    expect(code(() => readInputFile(tmp.dir, 'key file'))).toBe('FILE_READ_FAILED');
    const big = tmp.path('big');
    writeFileSync(big, Buffer.alloc(2000));
    expect(code(() => readInputFile(big, 'key file', 1000))).toBe('INPUT_TOO_LARGE');
    expect(readInputFile(big, 'key file', 2000).length).toBe(2000);
  });
  it('returns exactly the bytes of regular files of any size (one read of the known size) and of empty ones', () => {
    for (const n of [1, 1700, 65536, 65537, 200_000]) {
      const f = tmp.path(`sized-${n}`);
      const data = randomBytes(n);
      writeFileSync(f, data);
      expect(readInputFile(f, 'key file').equals(data)).toBe(true);
    }
    const empty = tmp.path('empty');
    writeFileSync(empty, '');
    expect(readInputFile(empty, 'key file').length).toBe(0);
  });
});

describe('scanOutputFolder', () => {
  it("removes only leftovers of this batch's own outputs, and lists the outputs already there", () => {
    const d = tmp.path('stale');
    mkdirSync(d);
    for (const f of ['.a.byok.123.0123456789ab.tmp', '.b.byok.9.abcdefabcdef.tmp', '.other.byok.1.0123456789ab.tmp', 'a.byok', '.a.byok.tmp']) writeFileSync(join(d, f), 'x');
    const { removed, existing } = scanOutputFolder(d, [{ row: 1, name: 'a', key: '/k/a' }, { row: 2, name: 'b', key: '/k/b' }]);
    expect(removed).toBe(2);
    expect([...existing]).toEqual(['a.byok']);
    expect(readdirSync(d).sort()).toEqual(['.a.byok.tmp', '.other.byok.1.0123456789ab.tmp', 'a.byok']);
    expect(existsSync(join(d, 'a.byok'))).toBe(true);
  });
});

describe('finishRow (the batch write step)', () => {
  const cfg: JobConfig = { kek: {} as Kek, outDir: '/nonexistent', force: false };
  const prepared = { row: 2, name: 'k', key: 'k.pem', status: 'wrapped' as const, kty: 'RSA-HSM', bits: 2048, bytes: 3 };
  it('a written output keeps its row result, without the bytes', () => {
    const out = tmp.path('finish-ok.byok');
    const r = finishRow(cfg, { ...prepared, out, pending: Uint8Array.of(1, 2, 3) });
    expect(r).toEqual({ ...prepared, out });
    expect([...readFileSync(out)]).toEqual([1, 2, 3]);
  });
  it('a failed write turns the row into a failed one with the writer\'s error, and leaves no file', () => {
    const out = tmp.path('no-such-folder', 'k.byok');
    const r = finishRow(cfg, { ...prepared, out, pending: Uint8Array.of(1) });
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('FILE_WRITE_FAILED');
    expect(r.kty).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  });
  it('an existing output is never replaced without force', () => {
    const out = tmp.path('finish-exists.byok');
    writeFileSync(out, 'mine');
    const r = finishRow(cfg, { ...prepared, out, pending: Uint8Array.of(1) });
    expect(r.error?.code).toBe('FILE_EXISTS');
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });
});

describe('exitCodeFor', () => {
  it('maps internal faults to 3, declared checks to 1, other ByokErrors to 2, anything else to 3', () => {
    expect(exitCodeFor(new ByokError('CORE_SELFTEST_FAILED', 'x'))).toBe(3);
    expect(exitCodeFor(new ByokError('FAULT_DETECTED', 'x'))).toBe(3);
    expect(exitCodeFor(new ByokError('DECRYPT_FAILED', 'x'), new Set(['DECRYPT_FAILED']))).toBe(1);
    expect(exitCodeFor(new ByokError('DECRYPT_FAILED', 'x'))).toBe(2);
    expect(exitCodeFor(new ByokError('USAGE', 'x'))).toBe(2);
    expect(exitCodeFor(new TypeError('boom'))).toBe(3);
    expect(exitCodeFor('string thrown')).toBe(3);
  });
});
