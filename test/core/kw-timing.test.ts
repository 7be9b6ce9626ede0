// dudect-style timing check of AES-KWP unwrap (opt-in: BYOK_TIMING=1, since timing on a shared machine is
// noisy and a timed test must not gate CI). Two classes are timed in random order: class 0 unwraps a valid
// wrapped key, class 1 the same bytes with one bit flipped (the integrity check fails). Welch's t statistic
// must stay below 10 (dudect's "definitely not constant time" bound); the positive control, an early-exit
// comparison, must exceed it, or a pass would mean nothing.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';

const enabled = process.env['BYOK_TIMING'] === '1';
if (!enabled) console.log('kw-timing: skipped (set BYOK_TIMING=1 to run the timing check; it is noisy on shared machines)');

function welch(fn: (c: 0 | 1) => unknown, n: number): number {
  const s = [[0, 0, 0], [0, 0, 0]] as [number, number, number][];
  for (let i = 0; i < 2000; i++) fn((i & 1) as 0 | 1);
  for (let i = 0; i < n; i++) {
    const c = Math.random() < 0.5 ? 0 : 1;
    const t0 = process.hrtime.bigint();
    fn(c);
    const d = Number(process.hrtime.bigint() - t0);
    const a = s[c] as [number, number, number];
    a[0]++;
    const delta = d - a[1];
    a[1] += delta / a[0];
    a[2] += delta * (d - a[1]);
  }
  const [n0, m0, q0] = s[0] as [number, number, number];
  const [n1, m1, q1] = s[1] as [number, number, number];
  return (m0 - m1) / Math.sqrt(q0 / (n0 - 1) / n0 + q1 / (n1 - 1) / n1);
}

describe.skipIf(!enabled)('AES-KWP unwrap timing (opt-in)', async () => {
  const builds = (await loadAllBuilds()).filter((b) => b.name.startsWith('release'));
  const kek = randomBytes(32);
  const good = createCipheriv('id-aes256-wrap-pad', kek, Buffer.from('A65959A6', 'hex')).update(randomBytes(40));
  const bad = Uint8Array.from(good);
  bad[0] = (bad[0] as number) ^ 1;

  it('positive control: an early-exit comparison is detected', () => {
    const a = randomBytes(4096);
    const b0 = Uint8Array.from(a);
    const b1 = Uint8Array.from(a);
    b1[0] = (b1[0] as number) ^ 1;
    const leaky = (c: 0 | 1): boolean => {
      const b = c ? b1 : b0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    };
    const t = welch(leaky, 20000);
    console.log(`positive control |t| = ${Math.abs(t).toFixed(1)}`);
    expect(Math.abs(t)).toBeGreaterThan(10);
  });

  for (const { name, core } of builds) {
    it(`${name}: valid and tampered unwraps are indistinguishable (|t| < 10)`, () => {
      type Fn = (...a: number[]) => number;
      const unwrap = core.exports['aesKwpUnwrap'] as Fn;
      const io = core.ioBase;
      core.mem.set(kek, io);
      const run = (c: 0 | 1): number => {
        core.mem.set(c ? bad : good, io + 64);
        return unwrap(io, 32, io + 64, 48, io + 256);
      };
      const t = welch(run, 20000);
      core.mem.fill(0, io, io + 512);
      console.log(`${name}: |t| = ${Math.abs(t).toFixed(2)}`);
      expect(Math.abs(t)).toBeLessThan(10);
    });
  }
});
