// The command line's conventions (issue 10, rough edges): one way to give the .byok file (the argument,
// --in accepted everywhere), "did you mean" for unknown options, -o/-f/-k, every manifest problem in one
// run, errors naming the option that fixes them, --ops as az takes it, fingerprints as sha256sum prints
// them, and no key bytes on a terminal without --force.
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, CLI, isOneLineError, tempDir } from '../helpers/cli.js';
import { hasCommand, requireTool } from '../helpers/tools.js';
import { cliSetup, fingerprintGroups, fingerprintHex, type Fixtures } from './fixtures.js';

const MHSM_KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
let blob: string;
beforeAll(() => {
  ({ tmp, fx } = cliSetup());
  blob = tmp.path('ec.byok');
  expect(byok(['wrap', '--kek', fx.kekJson, '--key', fx.ec, '--out', blob]).code).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('the .byok file: the argument, or --in, in inspect, verify and unwrap', () => {
  it.each([
    ['inspect', []],
    ['verify', ['--kek-key', 'KEKPRIV', '--key', 'EC']],
    ['unwrap', ['--kek-key', 'KEKPRIV', '--out', '-']],
  ])('%s takes FILE.byok both ways, and refuses two different files', (command, extra) => {
    const args = extra.map((a) => (a === 'KEKPRIV' ? fx.kekPriv : a === 'EC' ? fx.ec : a));
    const positional = byok([command, ...args, blob]);
    const option = byok([command, ...args, '--in', blob]);
    expect([positional.code, option.code]).toEqual([0, 0]);
    expect(option.stdoutBytes.equals(positional.stdoutBytes)).toBe(true);
    const two = byok([command, ...args, blob, '--in', fx.ec]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/two \.byok files given/);
    const none = byok([command, ...args]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing FILE\.byok \(the \.byok file, as the argument or with --in\)/);
  });
});

describe('unknown options', () => {
  it.each([
    [['verify', '--kek', 'x'], '--kek-key'],
    [['wrap', '--kek-key', 'x'], '--kek'],
    [['wrap', '--frce'], '--force'],
    [['wrap', '--password'], '--password-file'],
    [['batch', '--outdir', 'x'], '--out-dir'],
    [['inspect', '--jsn'], '--json'],
  ])('%j: did you mean %s?', (args, meant) => {
    const r = byok(args);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toContain(`(did you mean ${meant}?)`);
  });

  it('an unknown command gets a guess too', () => {
    const r = byok(['wrpa', '--kek', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "wrpa" \(did you mean wrap\?\)/);
  });

  it('no guess when nothing is close', () => {
    const r = byok(['wrap', '--zzzzzzzz']);
    expect(r.stderr).toMatch(/unknown option --zzzzzzzz: see 'byok wrap --help'/);
  });
});

describe('short options -o, -f, -k', () => {
  it('wrap -k KEY -o OUT -f; verify -k; batch -o DIR -f; unwrap -o -f', () => {
    const out = tmp.path('short.byok');
    expect(byok(['wrap', '--kek', fx.kekJson, '-k', fx.rsa, '-o', out]).code).toBe(0);
    expect(byok(['wrap', '--kek', fx.kekJson, '-k', fx.rsa, '-o', out]).code).toBe(2); // exists
    expect(byok(['wrap', '--kek', fx.kekJson, '-k', fx.rsa, '-o', out, '-f']).code).toBe(0);
    expect(byok(['verify', '--kek-key', fx.kekPriv, '-k', fx.rsa, out]).code).toBe(0);
    const plain = tmp.path('short.der');
    expect(byok(['unwrap', '--kek-key', fx.kekPriv, out, '-o', plain]).code).toBe(0);
    expect(byok(['unwrap', '--kek-key', fx.kekPriv, out, '-o', plain, '-f']).code).toBe(0);
    const dir = tmp.path('short-batch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.csv'), `key\n${fx.ec}\n`);
    expect(byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out')]).code).toBe(0);
    expect(byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out'), '-f', '--json']).stdout).toMatch(/"wrapped": 1/);
    for (const c of ['wrap', 'unwrap', 'batch']) expect(byok([c, '--help']).stdout).toMatch(/-o, --out/);
    expect(byok(['wrap', '--help']).stdout).toMatch(/-k, --key FILE/);
    expect(byok(['wrap', '--help']).stdout).toMatch(/-f, --force/);
  });
});

describe('manifests: every problem in one run', () => {
  it('lists each bad row, with its line', () => {
    const dir = tmp.path('many-problems');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.csv'), `name,key\nok,${fx.ec}\nbad_name,${fx.ec}\n,\ntoo,many,fields\nOK,${fx.rsa}\n`);
    const r = byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/manifest has 4 problems, fix them all and run again: /);
    for (const row of [/row 3 has the name "bad_name"/, /row 4 has no "key"/, /row 5 has 3 fields, the header has 2/, /row 6 has the name "OK", also used by row 2/]) {
      expect(r.stderr).toMatch(row);
    }
  });

  it('a JSON manifest too', () => {
    const dir = tmp.path('many-json');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.json'), JSON.stringify([{ key: fx.ec }, 5, { key: fx.rsa, passwordFile: 'x' }, { key: fx.aes, name: 7 }]));
    const r = byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.json'), '-o', join(dir, 'out')]);
    expect(r.stderr).toMatch(/manifest has 3 problems.*row 2 is not an object.*row 3 has unknown field "passwordFile".*row 4 has a field "name" that is not a string/);
  });
});

describe('errors name the option that fixes them', () => {
  it('a file with two keys: --key-index or --friendly-name (wrap, verify); one key per row (batch)', () => {
    const two = tmp.path('two.pem');
    writeFileSync(two, readFileSync(fx.rsa, 'utf8') + readFileSync(fx.ec, 'utf8'));
    for (const args of [['wrap', '--kek', fx.kekJson, '-k', two, '-o', '-'], ['verify', '--kek-key', fx.kekPriv, '-k', two, blob]]) {
      const r = byok(args);
      expect(r.code).toBe(2);
      expect(isOneLineError(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(/--key-index N or --friendly-name NAME/);
    }
    expect(byok(['wrap', '--kek', fx.kekJson, '-k', two, '--key-index', '1', '-o', '-']).code).toBe(0);
    const dir = tmp.path('two-batch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.csv'), `key\n${two}\n`);
    const b = byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out'), '--json']);
    const report = JSON.parse(readFileSync((JSON.parse(b.stdout) as { report: string }).report, 'utf8')) as { rows: { error: { message: string } }[] };
    expect(report.rows[0]!.error.message).toMatch(/export each key to a file of its own/);
  });

  it('operations Azure refuses: --ops; a PEM KEK without kid: --kid', () => {
    expect(byok(['wrap', '--kek', fx.kekJson, '-k', fx.ec, '--ops', 'encrypt', '-o', '-']).stderr).toMatch(/set them with --ops/);
    expect(byok(['wrap', '--kek', fx.kekPub, '-k', fx.ec, '-o', '-']).stderr).toMatch(/--kid/);
  });
});

describe('--ops as az takes it', () => {
  it('space-separated words, commas, or both, give the same operations', () => {
    const ops = (args: string[]): string[] => {
      const r = byok(['wrap', '--kek', fx.kekPub, '--kid', MHSM_KID, '-k', fx.aes, '-o', tmp.path(`ops-${Math.random()}.byok`), ...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { target: { keyOps: string[] } }).target.keyOps;
    };
    expect(ops(['--ops', 'wrapKey', 'unwrapKey'])).toEqual(['wrapKey', 'unwrapKey']);
    expect(ops(['--ops', 'wrapKey,unwrapKey'])).toEqual(['wrapKey', 'unwrapKey']);
    expect(ops(['--ops', 'encrypt', 'decrypt,wrapKey'])).toEqual(['encrypt', 'decrypt', 'wrapKey']);
    expect(ops(['--ops=encrypt decrypt'])).toEqual(['encrypt', 'decrypt']);
    // the words end at the next option
    expect(ops(['--ops', 'encrypt', 'decrypt', '--name', 'k1'])).toEqual(['encrypt', 'decrypt']);
  });
});

describe('fingerprints: lowercase hex without spaces, the grouped form beside it', () => {
  it('wrap, batch, demo and kek print and report what sha256sum prints', () => {
    const pub = createPublicKey(fx.kekPrivateKey);
    const hex = fingerprintHex(pub);
    const w = byok(['wrap', '--kek', fx.kekJson, '-k', fx.ec, '-o', '-']);
    expect(w.stderr).toMatch(new RegExp(`SHA-256 fingerprint ${hex}\\n`));
    const dir = tmp.path('fp-batch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.csv'), `key\n${fx.ec}\n`);
    const b = byok(['batch', '--kek', fx.kekJson, '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out')]);
    expect(b.stdout).toMatch(new RegExp(`SHA-256 fingerprint ${hex}\\n`));
    const report = JSON.parse(readFileSync(/Report: (.+)\n/.exec(b.stdout)![1]!, 'utf8')) as { kek: { fingerprint: string; fingerprintGrouped: string } };
    expect(report.kek).toMatchObject({ fingerprint: hex, fingerprintGrouped: fingerprintGroups(pub) });
    const d = JSON.parse(byok(['demo', '--json']).stdout) as { kek: { fingerprint: string; fingerprintGrouped: string } };
    expect(d.kek.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(d.kek.fingerprintGrouped.replace(/ /g, '').toLowerCase()).toBe(d.kek.fingerprint);
    // the README tells the vault owner to compare with exactly this
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toMatch(/openssl pkey -pubin -in kek\.pem -outform DER \| sha256sum/);
  });
});

describe('unwrap --out - and a terminal', () => {
  it('refuses to print key bytes on a terminal unless --force; a pipe is fine', () => {
    if (!requireTool('python3 (pty)', hasCommand('python3', ['-c', 'import pty']), 'apt-get install python3')) return;
    const script = 'import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
    const onTty = (extra: string[]) => spawnSync('python3', ['-c', script, process.execPath, CLI, 'unwrap', '--kek-key', fx.kekPriv, blob, '--out', '-', ...extra], { encoding: 'latin1', timeout: 60_000 });
    const refused = onTty([]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toMatch(/stdout is a terminal: --out - would print the key bytes there; redirect it .* or add --force/);
    expect(refused.stdout).not.toMatch(/Opened/);
    const forced = onTty(['--force']);
    expect(forced.status).toBe(0);
    const piped = byok(['unwrap', '--kek-key', fx.kekPriv, blob, '--out', '-']);
    expect(piped.code).toBe(0);
    expect(piped.stdoutBytes.length).toBeGreaterThan(100);
  });
});
