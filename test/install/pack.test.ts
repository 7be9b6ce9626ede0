// The package tarball for machines without a registry: `npm pack` builds (prepack) and packs dist/ built,
// with the runtime dependencies bundled inside; it installs globally with no install script, offline,
// with an empty npm cache and an unreachable registry, and the installed `byok` and library work.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { KID, nodeOpen, publicOfPkcs8, spkiDer } from '../cli/fixtures.js';

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'];

const tmp = tempDir('byok-pack-');
afterAll(() => tmp.cleanup());

/** The environment without npm's per-run settings (npm test sets npm_config_*; they would override ours). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'BYOK_PASSWORD') env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: readonly string[], cwd: string, env = cleanEnv()): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tarball: string;
let files: string[];
const prefix = tmp.path('prefix');

beforeAll(() => {
  const r = run('npm', ['pack', '--pack-destination', tmp.dir], REPO_ROOT);
  expect(r.code, r.stderr).toBe(0);
  const name = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'));
  expect(name).toBeDefined();
  tarball = join(tmp.dir, name!);
  const list = run('tar', ['tzf', tarball], tmp.dir);
  expect(list.code).toBe(0);
  files = list.stdout.split('\n').filter((f) => f !== '').map((f) => f.replace(/^package\//, ''));
}, 300_000);

describe('npm pack', () => {
  it('ships the built dist/, the launcher and the runtime dependencies; no sources, tests or source maps', () => {
    for (const f of ['bin/byok.mjs', 'dist/cli/byok.mjs', 'dist/cli/byok-worker.mjs', 'dist/index.js', 'dist/index.d.ts', 'dist/byok.html', 'dist/byok.html.sha256', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, f).toContain(f);
    }
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(files, dep).toContain(`node_modules/${dep}/package.json`);
    expect(files.filter((f) => /^(src|test|assembly|scripts|build)\//.test(f) || f.endsWith('.map') || f.includes('.build-inputs'))).toEqual([]);
  });

  it('has no install script, in the package or in what it bundles', () => {
    const x = tmp.path('extract');
    mkdirSync(x);
    expect(run('tar', ['xzf', tarball, '-C', x], tmp.dir).code).toBe(0);
    const manifests = files.filter((f) => f === 'package.json' || /^node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(f));
    expect(manifests.length).toBeGreaterThan(4);
    for (const m of manifests) {
      const scripts = (JSON.parse(readFileSync(join(x, 'package', m), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
      expect(Object.keys(scripts).filter((s) => INSTALL_SCRIPTS.includes(s)), m).toEqual([]);
    }
  });
});

describe('npm install -g of the tarball, offline', () => {
  beforeAll(() => {
    // An empty cache and a registry nobody listens on: everything must come from the tarball.
    const r = run('npm', [
      'install', '-g', '--prefix', prefix, '--cache', tmp.path('empty-cache'), '--offline',
      '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', tarball,
    ], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('byok --version and byok demo run from the installed bin', () => {
    const bin = join(prefix, 'bin', 'byok');
    const v = run(bin, ['--version', '--json'], tmp.dir);
    expect(v.code, v.stderr).toBe(0);
    const version = JSON.parse(v.stdout) as { version: string; core: { sha256: string } };
    expect(version.version).toBe((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    expect(readFileSync(join(REPO_ROOT, 'assembly/core-release.sha256'), 'utf8')).toContain(version.core.sha256);
    const demo = run(bin, ['demo', '--json'], tmp.dir);
    expect(demo.code, demo.stderr).toBe(0);
    const out = JSON.parse(demo.stdout) as { ok: boolean; keys: { verified: string; independent: boolean }[] };
    expect(out.ok).toBe(true);
    expect(out.keys).toHaveLength(3);
  }, 120_000);

  it('the installed library wraps a key that node:crypto opens', () => {
    const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const script = tmp.path('use-library.mjs');
    const lib = join(prefix, 'lib', 'node_modules', 'byok-toolkit', 'dist', 'index.js');
    writeFileSync(script, [
      `import { wrapForAzure } from ${JSON.stringify(lib)};`,
      `const r = wrapForAzure(${JSON.stringify(kek.publicKey.export({ type: 'spki', format: 'pem' }))}, ${JSON.stringify(pem)}, { kid: ${JSON.stringify(KID)} });`,
      'process.stdout.write(Buffer.from(r.bytes).toString());',
    ].join('\n'));
    const r = run(process.execPath, [script], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    const ct = Buffer.from((JSON.parse(r.stdout) as { ciphertext: string }).ciphertext, 'base64url');
    expect(publicOfPkcs8(nodeOpen(kek.privateKey, 2048, ct)).equals(spkiDer(key.publicKey))).toBe(true);
  });
});
