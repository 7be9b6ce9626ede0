// The single executable (`npm run build:sea`): built into a temporary folder, then copied alone into an
// empty folder and run there with no `node` on PATH and no node_modules anywhere near: it wraps keys,
// verifies them, and runs a batch on two threads (so the worker embedded in it runs too). node:crypto
// opens what it wrote.
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { IN_CI } from '../helpers/tools.js';
import { ciphertextOf, KID, nodeOpen, publicOfPkcs8, spkiDer } from '../cli/fixtures.js';

const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';
if (!LINUX_X64) {
  const msg = `the single executable is built for linux-x64 only; this is ${process.platform}-${process.arch}`;
  if (IN_CI) throw new Error(`CI=true and ${msg}`);
  console.warn(`SKIP: ${msg}`);
}

const tmp = tempDir('byok-sea-');
afterAll(() => tmp.cleanup());
const buildDir = tmp.path('build');
const empty = tmp.path('empty');
const noTools = tmp.path('no-tools'); // the whole PATH: a folder with nothing in it
const exe = join(empty, 'byok');

/** Runs the executable in the empty folder with a PATH that has no node. */
function sea(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(exe, args, { cwd: empty, env: { PATH: noTools, HOME: empty, TMPDIR: empty }, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!LINUX_X64)('npm run build:sea', () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-sea.mjs'), '--out-dir', buildDir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    mkdirSync(empty);
    mkdirSync(noTools);
    copyFileSync(join(buildDir, 'byok-linux-x64'), exe);
  }, 600_000);

  it('writes the executable and a sha256sum line beside it', () => {
    const line = readFileSync(join(buildDir, 'byok-linux-x64.sha256'), 'utf8');
    const digest = createHash('sha256').update(readFileSync(join(buildDir, 'byok-linux-x64'))).digest('hex');
    expect(line).toBe(`${digest}  byok-linux-x64\n`);
    expect(readdirSync(buildDir).sort()).toEqual(['byok-linux-x64', 'byok-linux-x64.sha256']);
  });

  it('runs with no node on PATH and no node_modules, and names its core', () => {
    expect(spawnSync('node', ['--version'], { env: { PATH: noTools } }).error).toBeDefined(); // really no node
    expect(existsSync(join(empty, 'node_modules'))).toBe(false);
    const r = sea(['--version', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { version: string; core: { sha256: string }; runtime: { singleExecutable: boolean } };
    expect(v.runtime.singleExecutable).toBe(true);
    expect(readFileSync(join(REPO_ROOT, 'assembly/core-release.sha256'), 'utf8')).toContain(`${v.core.sha256}  `);
    expect(r.stderr).toBe(''); // no experimental-feature warning
  });

  it('wraps a key and verifies it; node:crypto opens the .byok', () => {
    const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(empty, 'kek.pem'), kek.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(empty, 'kek-private.pem'), kek.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(empty, 'signing.pem'), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const w = sea(['wrap', '--kek', 'kek.pem', '--kid', KID, '--key', 'signing.pem']);
    expect(w.code, w.stderr).toBe(0);
    const ct = ciphertextOf(readFileSync(join(empty, 'signing.byok'), 'utf8'));
    expect(publicOfPkcs8(nodeOpen(kek.privateKey, 2048, ct)).equals(spkiDer(key.publicKey))).toBe(true);
    const v = sea(['verify', '--kek-key', 'kek-private.pem', '--key', 'signing.pem', 'signing.byok']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^OK: /);
  });

  it('says that it cannot use a PKCS#11 token (no native modules), in one line, exit 2, writing nothing', () => {
    const uri = 'pkcs11:token=prod-hsm;object=signing-2024?module-path=/usr/lib/softhsm/libsofthsm2.so';
    for (const args of [['wrap', '--kek', 'kek.pem', '--kid', KID, '--key', uri, '--out', 'token.byok'], ['pkcs11', 'list', uri]]) {
      const r = sea(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^byok [a-z0-9 ]+: this single-file byok executable cannot load native modules, so it cannot talk to a PKCS#11 token .*install the npm package/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(empty, 'token.byok'))).toBe(false);
  });

  it('runs a batch on two threads (the embedded worker takes the first rows)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(empty, 'ec.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // runBatch sends each worker its first two chunks before this thread computes any row.
    writeFileSync(join(empty, 'keys.csv'), 'name,key\nrow-1,signing.pem\nrow-2,ec.pem\nrow-3,signing.pem\nrow-4,ec.pem\n');
    const r = sea(['batch', '--kek', 'kek.pem', '--kid', KID, '--manifest', 'keys.csv', '--out-dir', 'out', '--jobs', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { counts: { wrapped: number; failed: number } };
    expect(out.counts).toMatchObject({ wrapped: 4, failed: 0 });
    for (const n of ['row-1', 'row-2', 'row-3', 'row-4']) {
      const v = sea(['verify', '--kek-key', 'kek-private.pem', '--key', n.endsWith('1') || n.endsWith('3') ? 'signing.pem' : 'ec.pem', join('out', `${n}.byok`)]);
      expect(v.code, `${n}: ${v.stderr}`).toBe(0);
    }
  });
});
