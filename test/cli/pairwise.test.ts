// --pairwise-test (wrap, verify, batch): the opt-in RSA pairwise consistency test. A key whose "prime" is
// composite satisfies every relation the default checks (n = p·q, dP, dQ, qInv) and is wrapped without the
// flag (documented); with it, the key is refused with one clear line, and no output is written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, tempDir } from '../helpers/cli.js';
import { compositePrimeKey, rsaJwk } from '../helpers/rsa-keys.js';
import { cliSetup, KID, type Fixtures } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
let composite: string;

beforeAll(() => {
  ({ tmp, fx } = cliSetup());
  composite = tmp.path('composite.jwk');
  writeFileSync(composite, JSON.stringify(rsaJwk(compositePrimeKey(2048))));
});
afterAll(() => tmp.cleanup());

describe('byok wrap --pairwise-test', () => {
  it('without the flag the composite-prime key passes the relation checks (documented limit)', () => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', composite, '--out', tmp.path('composite-plain.byok')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/pairwise/);
  });
  it('with it: exit 2, one line naming the failed test and the fix, no output file', () => {
    const out = tmp.path('composite-checked.byok');
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', composite, '--out', out, '--pairwise-test']);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/does not decrypt with the private key.*export it again/);
    expect(existsSync(out)).toBe(false);
  });
  it('a sound key passes and says so, in text and in JSON', () => {
    const r = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--out', tmp.path('sound.byok'), '--pairwise-test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/RSA-2048 private key .*, pairwise test passed/);
    const j = byok(['wrap', '--kek', fx.kekPub, '--kid', KID, '--key', fx.rsa, '--out', tmp.path('sound2.byok'), '--pairwise-test', '--json']);
    expect(JSON.parse(j.stdout).pairwiseTest).toBe(true);
  });
  it('verify takes the flag too: the composite key is refused before any comparison', () => {
    const r = byok(['verify', '--kek-key', fx.kekPriv, '--key', composite, tmp.path('composite-plain.byok'), '--pairwise-test']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not decrypt with the private key/);
    expect(byok(['verify', '--kek-key', fx.kekPriv, '--key', composite, tmp.path('composite-plain.byok')]).code).toBe(0);
  });
  it('--help of wrap, verify and batch lists it', () => {
    for (const cmd of ['wrap', 'verify', 'batch']) expect(byok([cmd, '--help']).stdout).toMatch(/--pairwise-test/);
  });
});

describe('byok batch --pairwise-test', () => {
  let work: string;
  let manifest: string;
  beforeAll(() => {
    work = tmp.path('batch');
    mkdirSync(work);
    // Enough rows that the worker threads take part (jobs 2: this thread and one worker).
    const rows = ['name,key', 'bad,composite.jwk'];
    writeFileSync(join(work, 'composite.jwk'), readFileSync(composite));
    writeFileSync(join(work, 'good.pem'), readFileSync(fx.rsa));
    for (let i = 0; i < 12; i++) rows.push(`good-${i},good.pem`);
    manifest = join(work, 'keys.csv');
    writeFileSync(manifest, rows.join('\n') + '\n');
  });
  for (const flag of [false, true]) {
    it(flag ? 'with it: the composite row fails with INVALID_RSA_KEY, the others are wrapped; exit 1; the report says so'
      : 'without it: every row is wrapped, the report says the test was off', () => {
      const outDir = join(work, flag ? 'out-checked' : 'out-plain');
      const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', manifest, '--out-dir', outDir, '--jobs', '2', '--json', ...(flag ? ['--pairwise-test'] : [])]);
      expect(r.code).toBe(flag ? 1 : 0);
      const report = JSON.parse(readFileSync((JSON.parse(r.stdout) as { report: string }).report, 'utf8')) as {
        pairwiseTest: boolean; counts: { wrapped: number; failed: number }; rows: { name: string; status: string; error?: { code: string } }[];
      };
      expect(report.pairwiseTest).toBe(flag);
      expect(report.counts).toMatchObject({ wrapped: flag ? 12 : 13, failed: flag ? 1 : 0 });
      const bad = report.rows.find((x) => x.name === 'bad')!;
      expect(bad.status).toBe(flag ? 'failed' : 'wrapped');
      if (flag) expect(bad.error?.code).toBe('INVALID_RSA_KEY');
      expect(existsSync(join(outDir, 'bad.byok'))).toBe(!flag);
    });
  }
});
