// The `byok` command line as a whole: help for every command, exit codes 0/1/2/3, one-line errors
// without stack traces, `inspect` and `kek`. Runs the built CLI in a child process.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, tempDir } from '../helpers/cli.js';
import { ciphertextOf, fingerprintGroups, fingerprintHex, KID, cliSetup, type Fixtures } from './fixtures.js';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';

const COMMAND_NAMES = ['wrap', 'inspect', 'kek', 'unwrap', 'verify', 'batch', 'demo', 'version'];

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;

beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

describe('help and usage', () => {
  it('byok --help lists every command and the exit codes', () => {
    const r = byok(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMAND_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toMatch(/Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input, 3 internal error/);
  });

  it.each(COMMAND_NAMES)('%s: --help, -h and `byok help <command>` print usage, options and exit codes', (c) => {
    for (const args of [[c, '--help'], [c, '-h'], ['help', c]]) {
      const r = byok(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`byok ${c} — `);
      expect(r.stdout).toMatch(/Usage:\n {2}byok /);
      expect(r.stdout).toContain('--json');
      expect(r.stdout).toMatch(/Exit codes:/);
      expect(r.stderr).toBe('');
    }
  });

  it('byok with no arguments prints help on stderr and exits 2; --version prints the package version and the core', () => {
    const r = byok([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: byok <command>');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const recorded = readFileSync(new URL('../../assembly/core-release.sha256', import.meta.url), 'utf8');
    for (const args of [['--version'], ['-V'], ['version']]) {
      const v = byok(args);
      expect(v.code).toBe(0);
      const [first, core] = v.stdout.split('\n');
      expect(first).toBe(`byok-toolkit ${pkg.version}`);
      const m = /^core +Wasm (release(?:-simd)?), SHA-256 ([0-9a-f]{64})$/.exec(core!);
      expect(m).not.toBeNull();
      expect(recorded).toContain(`${m![2]}  ${m![1]}\n`);
    }
    const j = JSON.parse(byok(['--version', '--json']).stdout) as { ok: boolean; version: string; core: { build: string; sha256: string } };
    expect(j).toMatchObject({ ok: true, version: pkg.version });
    expect(recorded).toContain(`${j.core.sha256}  ${j.core.build}\n`);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['wrap', '--bogus'], /unknown option --bogus/],
    [['wrap', '--kek'], /option --kek needs a value/],
    [['wrap', '--force=yes'], /takes no value|unknown option/],
    [['inspect'], /missing FILE\.byok/],
    [['inspect', 'a', 'b'], /unexpected argument "b"/],
    [['wrap', '--key', 'x.pem'], /missing --kek FILE/],
    [['batch', '--kek', 'k', '--manifest', 'm', '--out-dir', 'o', '--jobs', 'many'], /--jobs must be a whole number/],
  ])('bad usage %j exits 2 with one line', (args, message) => {
    const r = byok(args);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('with --json, errors are one JSON object on stdout with the code', () => {
    const r = byok(['inspect', '/nonexistent/file.byok', '--json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; error: { code: string; message: string } };
    expect(j).toMatchObject({ ok: false, exitCode: 2, error: { code: 'FILE_NOT_FOUND' } });
    expect(r.stderr).toBe('');
  });

  it('an unexpected internal failure exits 3 with one line, and a stack only with BYOK_DEBUG=1', () => {
    // A preload that breaks WebAssembly: the core cannot start, which is not the user's fault.
    const preload = tmp.path('break-wasm.mjs');
    writeFileSync(preload, 'WebAssembly.Instance = function () { throw new RangeError("simulated engine failure"); };\nWebAssembly.instantiate = async () => { throw new RangeError("simulated engine failure"); };\n');
    const r = byok(['kek', fx.kekPub], { env: { NODE_OPTIONS: `--import ${preload}` } });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^byok kek: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = byok(['kek', fx.kekPub], { env: { NODE_OPTIONS: `--import ${preload}`, BYOK_DEBUG: '1' } });
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(/\n\s+at /);
  });
});

describe('byok kek', () => {
  it('shows size, kid, ops and the SHA-256 fingerprint of the SPKI (as node:crypto computes it), exit 0', () => {
    const r = byok(['kek', fx.kekJson]);
    expect(r.code).toBe(0);
    const pub = createPublicKey(readFileSync(fx.kekPub));
    // what `openssl pkey -pubin -outform DER | sha256sum` prints, then the same in groups to read aloud
    expect(r.stdout).toMatch(new RegExp(`^SHA-256 +${fingerprintHex(pub)}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^in groups +${fingerprintGroups(pub)}$`, 'm'));
    expect(r.stdout).toContain(KID);
    expect(r.stdout).toMatch(/RSA 2048 bits, public exponent 65537/);
    expect(r.stdout).toMatch(/key_ops\s+\["import"\]/);
    expect(r.stdout).toMatch(/Azure would accept this KEK\./);
    const j = JSON.parse(byok(['kek', fx.kekJson, '--json']).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ ok: true, bits: 2048, kid: KID, acceptable: true, keyOps: ['import'] });
    expect(j['fingerprint']).toMatchObject({ sha256Hex: fingerprintHex(pub), sha256Grouped: fingerprintGroups(pub) });
  });

  it('a PEM without kid is acceptable once the kid is given', () => {
    const r = byok(['kek', fx.kekPub]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/once you give its versioned kid/);
  });

  it.each([
    ['a 1024-bit KEK', () => [fx.kek1024], /KEK_UNSUPPORTED_SIZE|2048, 3072 or 4096/],
    ['an EC key', () => [fx.ecKek], /KEK_NOT_RSA|RSA/],
    ['key_ops other than import', () => {
      const j = JSON.parse(readFileSync(fx.kekJson, 'utf8')) as { key: { key_ops: string[] } };
      j.key.key_ops = ['import', 'encrypt'];
      writeFileSync(tmp.path('kek-ops.json'), JSON.stringify(j));
      return [tmp.path('kek-ops.json')];
    }, /import/],
    ['an unversioned kid', () => [fx.kekPub, '--kid', 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK'], /version/],
  ])('%s: Azure would refuse it → exit 1', (_name, args, why) => {
    const r = byok(['kek', ...args(), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(JSON.stringify(j)).toMatch(why);
    expect(j['ok']).toBe(false);
  });

  it('unreadable KEK input is bad input → exit 2', () => {
    for (const args of [[fx.garbage], ['/nonexistent.pem'], [tmp.dir]]) {
      const r = byok(['kek', ...args]);
      expect(r.code).toBe(2);
      expect(isOneLineError(r.stderr)).toBe(true);
    }
  });
});

describe('byok inspect', () => {
  let good: string;
  beforeAll(() => {
    good = tmp.path('inspect-me.byok');
    const w = byok(['wrap', '--kek', fx.kekJson, '--key', fx.ec, '--out', good]);
    expect(w.code).toBe(0);
  });

  it('describes a well-formed file and exits 0', () => {
    const r = byok(['inspect', good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(KID);
    expect(r.stdout).toMatch(/key vault contoso-byok, key KEKforBYOK, version eba63d27e4e34e028839b53fac905621/);
    expect(r.stdout).toMatch(/RSA-OAEP 256 B \(2048-bit KEK\) \+ AES-KWP 152 B .*EC private key/);
    expect(r.stdout).toMatch(/generator\s+byok-toolkit \d+\.\d+\.\d+/);
    const j = JSON.parse(byok(['inspect', good, '--json']).stdout) as { ciphertextBytes: number; kid: string; readings: { kekBits: number }[] };
    expect(j.ciphertextBytes).toBe(ciphertextOf(readFileSync(good, 'utf8')).length);
    expect(j.readings.map((x) => x.kekBits)).toContain(2048);
  });

  it.each([
    ['not JSON', 'hello'],
    ['wrong enc', (t: string) => t.replace('CKM_RSA_AES_KEY_WRAP', 'CKM_RSA_AES_KEY_WRAP_PAD')],
    ['unversioned kid', (t: string) => t.replace('/eba63d27e4e34e028839b53fac905621', '')],
    ['truncated ciphertext', (t: string) => t.replace(/"ciphertext":"([^"]{8})[^"]*"/, '"ciphertext":"$1"')],
  ])('a malformed file (%s) is a failed check → exit 1 with one line', (_n, mutate) => {
    const text = readFileSync(good, 'utf8');
    const p = tmp.path('bad.byok');
    writeFileSync(p, typeof mutate === 'string' ? mutate : mutate(text));
    const r = byok(['inspect', p]);
    expect(r.code).toBe(1);
    expect(isOneLineError(r.stderr)).toBe(true);
  });

  it('a missing file is bad input → exit 2', () => {
    expect(byok(['inspect', tmp.path('none.byok')]).code).toBe(2);
  });

  it('--kek: exit 0 for the KEK it was made for; exit 1 for another kid or a KEK it cannot fit', () => {
    const ok = byok(['inspect', good, '--kek', fx.kekJson, '--json']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { kekMatch: { kekBits: number; kidChecked: boolean } }).kekMatch).toMatchObject({ kekBits: 2048, kidChecked: true });
    const otherKid = byok(['inspect', good, '--kek', fx.kekPub, '--kid', KID.replace('eba6', 'ffff')]);
    expect(otherKid.code).toBe(1);
    expect(isOneLineError(otherKid.stderr)).toBe(true);
    // a 4096-bit KEK cannot have made a 2048-bit KEK's EC blob (256 + 152 bytes)
    const big = tmp.path('kek4096.pem');
    writeFileSync(big, generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    expect(byok(['inspect', good, '--kek', big]).code).toBe(1);
    // a bad KEK file is bad input, not a finding
    expect(byok(['inspect', good, '--kek', fx.garbage]).code).toBe(2);
    expect(byok(['inspect', good, '--kid', KID]).code).toBe(2);
  });

  it('--kek of another size: "fits" only when the blob read with that size holds a key Azure imports (bug 9)', () => {
    // An RSA-2048 key wrapped for the 2048-bit KEK: 256 + 1232 bytes. Read with a 3072- or 4096-bit KEK the
    // wrapped part would hold 1089–1096 or 961–968 bytes, which no importable key has.
    const rsaBlob = tmp.path('rsa-2048-kek.byok');
    expect(byok(['wrap', '--kek', fx.kekJson, '--key', fx.rsa, '--out', rsaBlob]).code).toBe(0);
    for (const bits of [3072, 4096]) {
      const kek = tmp.path(`kek-${bits}.pem`);
      writeFileSync(kek, generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
      const r = byok(['inspect', rsaBlob, '--kek', kek, '--kid', KID]);
      expect(r.code, `${bits}: ${r.stdout}`).toBe(1);
      expect(r.stdout).not.toMatch(/Fits the KEK/);
      expect(isOneLineError(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(new RegExp(`${bits}-bit KEK.*no key Azure imports.*2048-bit KEK.*RSA-2048`));
    }
    // the EC blob read with a 3072-bit KEK would hold 9–16 bytes, an AES-128 key: possible, and said so
    const k3072 = tmp.path('kek-3072.pem');
    const r = byok(['inspect', good, '--kek', k3072, '--kid', KID]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fits the KEK .*RSA 3072.*: read with it, the blob holds 9–16 bytes, an AES-128 key/);
  });
});
