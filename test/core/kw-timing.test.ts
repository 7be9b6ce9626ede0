// dudect-style timing check of AES-KWP unwrap (opt-in: BYOK_TIMING=1, since timing on a shared machine is
// noisy and a timed test must not gate CI). Two classes are timed in random order: class 0 unwraps a valid
// wrapped key, class 1 the same bytes with one bit flipped (the integrity check fails). Welch's t statistic
// must stay below 10 (dudect's "definitely not constant time" bound); the positive control, an early-exit
// comparison, must exceed it, or a pass would mean nothing.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { timingEnabled, welch } from '../helpers/timing.js';

if (!timingEnabled) console.log('kw-timing: skipped (set BYOK_TIMING=1 to run the timing check; it is noisy on shared machines)');

describe.skipIf(!timingEnabled)('AES-KWP unwrap timing (opt-in)', async () => {
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
