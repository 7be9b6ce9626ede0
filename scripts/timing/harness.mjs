// The timing harness's steps, shared by `npm run timing` (scripts/timing.mjs) and the short positive-control
// test CI runs (test/core/timing-controls.test.ts).
import { analyse, measure, THRESHOLD } from './dudect.mjs';
import { setupTarget } from './targets.mjs';
import { instantiate, RELEASE_TARGETS, shippedBytes, variantBytes } from './variants.mjs';

export { THRESHOLD };

/** The cores of each release target: shipped (the recorded build), clean and plant (variants.mjs). */
export async function loadCores(targets = RELEASE_TARGETS, variants = ['shipped', 'clean', 'plant']) {
  const out = {};
  for (const t of targets) {
    out[t] = {};
    for (const v of variants) {
      out[t][v] = v === 'shipped'
        ? instantiate(shippedBytes(t), t)
        : instantiate(await variantBytes(t, v), `${t} (${v === 'plant' ? 'planted' : 'harness entry'})`);
    }
  }
  return out;
}

const JS_CORE = { label: 'JavaScript' };

/** The core a target runs on for one release target. */
export const coreFor = (cores, build, variant) => (variant === 'js' ? JS_CORE : cores[build][variant]);

/**
 * One dudect run of a target (optionally with a plant switched on): `samples` measurements, then the
 * t statistics (dudect.mjs analyse).
 */
export function runOnce(base, core, ctx, { samples = base.samples, plant } = {}) {
  const t = setupTarget(base, core, ctx, plant);
  if (plant !== undefined) core.x.timingSetPlant(plant[0], plant[1]);
  try {
    return analyse(measure({ prepare: t.prepare, run: t.run, batch: base.batch, samples }));
  } finally {
    if (plant !== undefined) core.x.timingSetPlant(0, 0);
  }
}

/**
 * Measures in chunks until |t| exceeds the threshold or `maxSamples` are spent (a sequential test: it
 * stops early on a leak, which is what the CI check of the positive controls needs).
 */
export function detect(base, core, ctx, { chunk, maxSamples, plant }) {
  const t = setupTarget(base, core, ctx, plant);
  if (plant !== undefined) core.x.timingSetPlant(plant[0], plant[1]);
  try {
    const parts = [];
    let result;
    for (let n = 0; n < maxSamples; n += chunk) {
      parts.push(measure({ prepare: t.prepare, run: t.run, batch: base.batch, samples: chunk, warmup: n === 0 ? undefined : 0 }));
      const cls = Uint8Array.from(parts.flatMap((p) => Array.from(p.cls)));
      const ns = Float64Array.from(parts.flatMap((p) => Array.from(p.ns)));
      result = analyse({ cls, ns, batch: base.batch });
      if (result.leak) break;
    }
    return result;
  } finally {
    if (plant !== undefined) core.x.timingSetPlant(0, 0);
  }
}

/** Nanoseconds per iteration of the plant's spin loop on a core (the minimum of five timings). */
export function spinNs(core) {
  const n = 2_000_000;
  core.x.timingSpin(n >> 4);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    core.x.timingSpin(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best;
}
