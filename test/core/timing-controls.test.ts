// The timing harness (npm run timing; scripts/timing/) must not rot: on both release builds, each planted
// leak — an early exit in KWP unwrap on the ICV, a branch on an exponent bit in the exponentiation, an
// early exit in OAEP decoding on the first byte — is flagged (max |t| over the crops above the threshold).
// A sequential test: measurements are added in chunks until the leak shows or a generous budget is spent,
// so a loaded machine costs time rather than a false failure. An A/A comparison (both classes drawn from
// the same inputs) must stay below the threshold, so a harness that flags everything does not pass. And the
// plants stay out of what ships: no harness export in the release builds, no plant in dist/.
// The full method, the 20-run power check and the results on the real functions are `npm run timing`'s.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, loadCores, runOnce, THRESHOLD } from '../../scripts/timing/harness.mjs';
import { CONTROLS, makeContext, TARGETS } from '../../scripts/timing/targets.mjs';
import { RELEASE_TARGETS } from '../../scripts/timing/variants.mjs';
import { REPO_ROOT } from '../helpers/cli.js';

const cores = await loadCores(RELEASE_TARGETS, ['shipped', 'plant']);
const ctx = makeContext(undefined);

/** Chunk and budget per control, in measurements. */
const BUDGET: Record<string, { chunk: number; maxSamples: number }> = {
  'plant-kwp-icv-exit': { chunk: 50_000, maxSamples: 1_200_000 },
  'plant-exponent-bit': { chunk: 100, maxSamples: 4_000 },
  'plant-oaep-y-exit': { chunk: 1_000, maxSamples: 20_000 },
};

describe('timing harness: positive controls', () => {
  for (const build of RELEASE_TARGETS) {
    for (const c of CONTROLS) {
      it(`${build}: ${c.what} is flagged`, () => {
        const r = detect(c.base, cores[build]!.plant, ctx, { ...BUDGET[c.id]!, plant: c.plant });
        console.log(`${build}: ${c.id}: max |t| ${r.maxT.toFixed(1)} after ${r.samples} measurements`);
        expect(r.maxT).toBeGreaterThan(THRESHOLD);
      });
    }

    it(`${build}: an A/A comparison (the same inputs in both classes) is not flagged`, () => {
      const base = TARGETS.find((t) => t.id === 'kwp-icv')!;
      const same = { ...base, setup: (core: unknown, c: unknown) => {
        const t = base.setup(core, c);
        return { ...t, prepare: (_cls: number, pick: number) => t.prepare(0, pick), expected: [t.expected[0], t.expected[0]] };
      } };
      const r = runOnce(same, cores[build]!.shipped, ctx, { samples: 20_000 });
      expect(r.maxT).toBeLessThan(THRESHOLD);
    });
  }
});

describe('the plants stay out of what ships', () => {
  it('the shipped release builds have no harness export', () => {
    for (const build of RELEASE_TARGETS) {
      expect(Object.keys(cores[build]!.shipped.x).filter((n) => n.startsWith('timing'))).toEqual([]);
      expect(Object.keys(cores[build]!.plant.x)).toContain('timingSetPlant'); // control: the variant has it
    }
  });

  it('no file of dist/ mentions the plants', () => {
    const dist = join(REPO_ROOT, 'dist');
    if (!existsSync(dist)) return;
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const hits = walk(dist).filter((f) => /timingSetPlant|timing-plant|plantOn/.test(readFileSync(f, 'latin1')));
    expect(hits).toEqual([]);
  });
});
