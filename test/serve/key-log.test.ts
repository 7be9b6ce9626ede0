// The key log of `byok serve` (src/serve/key-log.ts): what is acknowledged is there after a reopen, a torn
// tail (a crash mid-write) is cut off, damage before intact lines refuses to start, the first layout's
// files move into the log, and compaction (at start and while changes are in flight) loses nothing.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeyLog } from '../../src/serve/key-log.js';
import type { KeyRecord } from '../../src/serve/keystore.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('byok-key-log-');
afterAll(() => tmp.cleanup());
let n = 0;
const fresh = (): string => {
  const d = tmp.path(`d${n++}`);
  mkdirSync(d);
  return d;
};
const rec = (name: string, tag = 'v1'): KeyRecord => ({
  name,
  versions: [{ version: tag, kty: 'oct-HSM', bits: 256, keyOps: ['encrypt'], sealed: `sealed-${name}-${tag}`, attributes: { enabled: true, created: 1, updated: 1 } }],
});
const names = (m: Map<string, KeyRecord>): string[] => [...m.values()].map((r) => `${r.name}:${r.versions[0]!.version}`).sort();
const logLines = (d: string): string[] => readFileSync(join(d, 'keys.log'), 'utf8').split('\n').filter((l) => l !== '');

describe('byok serve key log', () => {
  it('keeps every acknowledged put and purge across a reopen, with concurrent changes sharing syncs', async () => {
    const d = fresh();
    const a = openKeyLog(d);
    expect(a.records.size).toBe(0);
    await Promise.all(Array.from({ length: 100 }, (_, i) => a.log.put(rec(`k${i}`))));
    await a.log.put(rec('k7', 'v2'));
    await a.log.purge('k8');
    a.log.close();
    const b = openKeyLog(d);
    expect(b.records.size).toBe(99);
    expect(b.records.get('k7')!.versions[0]!.version).toBe('v2');
    expect(b.records.has('k8')).toBe(false);
    expect(logLines(d)).toHaveLength(102); // no compaction yet: 102 lines, 99 live
    b.log.close();
  });

  it('cuts a torn tail (a line cut short, garbage without a newline), then appends after it', async () => {
    const d = fresh();
    const a = openKeyLog(d);
    await a.log.put(rec('one'));
    await a.log.put(rec('two'));
    a.log.close();
    const good = readFileSync(join(d, 'keys.log'));
    const third = `{"seq":3,"put":${JSON.stringify(rec('three'))}}\tdeadbeef`;
    appendFileSync(join(d, 'keys.log'), third.slice(0, 40));
    const b = openKeyLog(d);
    expect(names(b.records)).toEqual(['one:v1', 'two:v1']);
    expect(readFileSync(join(d, 'keys.log'))).toEqual(good);
    await b.log.put(rec('four'));
    b.log.close();
    // a whole line with a wrong digest at the end is a tail too
    appendFileSync(join(d, 'keys.log'), `${third}\n`);
    const c = openKeyLog(d);
    expect(names(c.records)).toEqual(['four:v1', 'one:v1', 'two:v1']);
    c.log.close();
  });

  it('refuses to start when a damaged line has intact lines after it', async () => {
    const d = fresh();
    const a = openKeyLog(d);
    for (const k of ['a', 'b', 'c', 'd']) await a.log.put(rec(k));
    a.log.close();
    const text = readFileSync(join(d, 'keys.log'), 'utf8').split('\n');
    text[1] = text[1]!.replace('sealed-b', 'sealed-B'); // an edit: the digest no longer matches
    writeFileSync(join(d, 'keys.log'), text.join('\n'));
    expect(() => openKeyLog(d)).toThrowError(expect.objectContaining({ code: 'SERVE_DATA', message: expect.stringMatching(/line 2 is damaged \(or one before it was removed\) and intact lines follow it: restore the data folder/) }));
    // a line removed from the middle breaks the sequence the same way
    const e = fresh();
    const x = openKeyLog(e);
    for (const k of ['a', 'b', 'c']) await x.log.put(rec(k));
    x.log.close();
    const lines = logLines(e);
    writeFileSync(join(e, 'keys.log'), `${lines[0]}\n${lines[2]}\n`);
    expect(() => openKeyLog(e)).toThrowError(/line 2 is damaged/);
  });

  it('moves a data folder of the first layout (one NAME.json per key) into the log', async () => {
    const d = fresh();
    writeFileSync(join(d, 'alpha.json'), JSON.stringify(rec('Alpha')));
    writeFileSync(join(d, 'beta.json'), JSON.stringify(rec('beta')));
    const a = openKeyLog(d);
    expect(names(a.records)).toEqual(['Alpha:v1', 'beta:v1']);
    expect(readdirSync(d).sort()).toEqual(['keys.log']);
    await a.log.put(rec('beta', 'v2'));
    a.log.close();
    expect(names(openKeyLog(d).records)).toEqual(['Alpha:v1', 'beta:v2']);
    // a file whose name does not match its record is refused, as before
    const e = fresh();
    writeFileSync(join(e, 'gamma.json'), JSON.stringify(rec('delta')));
    expect(() => openKeyLog(e)).toThrowError(/key file .*gamma\.json cannot be read/);
  });

  it('compacts at start and while changes are in flight, losing nothing', async () => {
    const d = fresh();
    const a = openKeyLog(d, { compactAfter: 50 });
    for (let round = 0; round < 12; round++) {
      // 10 names rewritten again and again: superseded lines pile up and trigger compaction mid-stream
      await Promise.all(Array.from({ length: 10 }, (_, i) => a.log.put(rec(`n${i}`, `r${round}`))));
    }
    expect(logLines(d).length).toBeLessThan(120); // compacted at least once on the way
    a.log.close();
    const b = openKeyLog(d);
    expect(names(b.records)).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}:r11`).sort());
    b.log.close();
    // at start: more than 2 × live + 64 lines are rewritten as one line per name
    const c = openKeyLog(d, { compactAfter: 1e9 });
    for (let i = 0; i < 100; i++) await c.log.put(rec('same', `x${i}`));
    c.log.close();
    expect(logLines(d).length).toBeGreaterThan(100);
    const e = openKeyLog(d);
    expect(logLines(d)).toHaveLength(11);
    expect(e.records.get('same')!.versions[0]!.version).toBe('x99');
    e.log.close();
  });
});
