#!/usr/bin/env node
// `npm run timing`: the dudect timing harness (scripts/timing/). In three steps:
//   1. Positive controls: each planted leak (variants.mjs) is measured `--runs` times (default 20) with the
//      sample count of the real measurement it guards, on both release builds; each must be flagged in at
//      least 95% of the runs (19 of 20), or the harness reports itself underpowered and its results do
//      not count (exit status 2).
//   2. Smallest caught delay: a spin of 2, 4, 8, 16 or 32 iterations in KWP unwrap when the ICV is wrong,
//      each measured once per round for `--runs` rounds; the shortest flagged in 95% of the runs is the
//      smallest caught delay, in nanoseconds as calibrated on the same build.
//   3. The real functions (targets.mjs) on the shipped release builds: max |t| over the crops, sample
//      counts, and the smallest per-call difference each measurement would have caught (95% power).
//      Exit status 1 when one is flagged (it is measured a second time first; both results are shown).
// Runs from the repository after `npm run build` (the shipped Wasm in build/, the padding check in dist/).
//
//   node scripts/timing.mjs [--runs N] [--only REGEX] [--quick] [--json FILE]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { coreFor, loadCores, runOnce, spinNs, THRESHOLD } from './timing/harness.mjs';
import { CONTROLS, delayControl, makeContext, TARGETS } from './timing/targets.mjs';
import { RELEASE_TARGETS, shippedBytes } from './timing/variants.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { runs: { type: 'string' }, only: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' } },
});
const runs = Number(opts.runs ?? (opts.quick ? 5 : 20));
const scale = opts.quick ? 0.25 : 1;
const only = opts.only === undefined ? undefined : new RegExp(opts.only);
const needed = Math.ceil(0.95 * runs);
const DELAYS = [2, 4, 8, 16, 32];

const cipherJs = join(root, 'dist/keys/pbe/cipher.js');
if (!existsSync(cipherJs)) {
  console.error('timing: dist/ not found; run `npm run build` first');
  process.exit(1);
}
const { unpadLength } = await import(pathToFileURL(cipherJs).href);

const fmtNs = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(ns < 1 ? 2 : 1)} ns`);
const samplesOf = (t) => Math.max(200, Math.round(t.samples * scale));

console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
  `Node ${process.version}, V8 ${process.versions.v8}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString().slice(0, 16)}Z`);
for (const t of RELEASE_TARGETS) console.log(`build ${t}: sha256 ${createHash('sha256').update(shippedBytes(t)).digest('hex')}`);
console.log(`method: dudect, Welch's t at crops ${'{1, .99, .95, .9, .75, .5, .25, .1}'} of the pooled distribution, flagged above |t| = ${THRESHOLD}; ${runs} runs per control\n`);

const cores = await loadCores();
const ctx = makeContext(unpadLength);
const report = { date: new Date().toISOString(), runs, controls: [], delays: [], targets: [] };

// ---- 1. positive controls ----
console.log('1. positive controls (planted leaks; each must be caught in ' + `${needed}/${runs} runs)`);
let powered = true;
for (const c of CONTROLS) {
  if (only && !only.test(c.id)) continue;
  for (const build of RELEASE_TARGETS) {
    const core = cores[build].plant;
    const samples = samplesOf(c.base);
    const ts = [];
    for (let i = 0; i < runs; i++) ts.push(runOnce(c.base, core, ctx, { samples, plant: c.plant }));
    const caught = ts.filter((r) => r.leak).length;
    const medT = ts.map((r) => r.maxT).sort((a, b) => a - b)[ts.length >> 1];
    if (caught < needed) powered = false;
    report.controls.push({ id: c.id, build, samples, runs, caught, medianT: medT });
    console.log(`   ${c.what.padEnd(50)} ${build.padEnd(13)} ${String(samples).padStart(6)} samples/run  caught ${caught}/${runs}  median |t| ${medT.toFixed(1)}`);
  }
}

// ---- 2. smallest caught delay ----
// Every delay is measured once per round, so the machine's load changes over the rounds fall on all alike.
if (!only || only.test('delay')) {
  console.log(`\n2. smallest caught delay (a spin in KWP unwrap when the ICV is wrong; ${runs} rounds of every length)`);
  for (const build of RELEASE_TARGETS) {
    const core = cores[build].plant;
    const perIteration = spinNs(core);
    const caught = DELAYS.map(() => 0);
    const samples = samplesOf(delayControl(1).base);
    for (let round = 0; round < runs; round++) {
      DELAYS.forEach((d, i) => {
        const c = delayControl(d);
        if (runOnce(c.base, core, ctx, { samples, plant: c.plant }).leak) caught[i]++;
      });
    }
    DELAYS.forEach((d, i) => {
      report.delays.push({ build, iterations: d, ns: d * perIteration, samples, runs, caught: caught[i] });
      console.log(`   ${build.padEnd(13)} ${String(d).padStart(3)} iterations ≈ ${fmtNs(d * perIteration).padStart(8)}: caught ${caught[i]}/${runs}`);
    });
    const found = DELAYS.find((_, i) => caught[i] >= needed);
    console.log(`   ${build}: smallest delay caught in ${needed}/${runs} runs: ${found === undefined ? `none up to ${DELAYS.at(-1)} iterations` : `${fmtNs(found * perIteration)} (${found} iterations of ${perIteration.toFixed(2)} ns)`}`);
  }
}

// ---- 3. the real functions ----
console.log('\n3. the real functions (shipped release builds; OAEP decoding alone: the harness entry)');
let leaks = 0;
for (const t of TARGETS) {
  if (only && !only.test(t.id)) continue;
  for (const build of t.variant === 'js' ? ['js'] : RELEASE_TARGETS) {
    const core = coreFor(cores, build, t.variant);
    const samples = samplesOf(t);
    const results = [runOnce(t, core, ctx, { samples })];
    if (results[0].leak) results.push(runOnce(t, core, ctx, { samples }));
    const flagged = results.every((r) => r.leak);
    if (flagged) leaks++;
    const r = results[0];
    const mde = Math.min(...r.rows.map((x) => x.mde));
    report.targets.push({ id: t.id, what: t.what, build, samples, batch: t.batch, maxT: results.map((x) => x.maxT), crop: r.worst.crop, median: r.median, mde, flagged });
    console.log(`   ${t.what.padEnd(72)} ${build.padEnd(13)} n=${String(samples).padStart(6)}${t.batch > 1 ? `×${t.batch}` : '   '}  |t| ${results.map((x) => x.maxT.toFixed(1)).join(', then ').padStart(5)}  median ${fmtNs(r.median).padStart(9)}  caught ≥ ${fmtNs(mde)}${flagged ? '  FLAGGED' : ''}`);
  }
}

report.powered = powered;
report.leaks = leaks;
const out = opts.json ?? join(root, 'build/timing/report.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nreport: ${out}`);
if (!powered) {
  console.log('UNDERPOWERED: a planted leak was missed in more than 5% of its runs; these results do not count (run on a quieter machine, or raise the sample counts in scripts/timing/targets.mjs)');
  process.exit(2);
}
console.log(leaks === 0 ? `no function flagged (|t| ≤ ${THRESHOLD} everywhere)` : `${leaks} function(s) flagged twice`);
process.exit(leaks === 0 ? 0 : 1);
