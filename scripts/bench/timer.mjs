// Timing for the benchmark. All implementations of one row are measured in interleaved rounds (one
// batch of each per round), so a change in machine load during the row affects all of them alike and
// the ratios stay fair; each reports the median time per call over its batches. Every function is
// warmed up first, so the optimizing tiers (V8 TurboFan for JS and Wasm) are in place.

/** Calls per batch so that one batch takes at least ~10 ms. */
function calibrate(fn) {
  for (let i = 0; i < 3; i++) fn();
  let per = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) fn();
    if (performance.now() - t0 >= 10 || per >= 1 << 20) return per;
    per *= 2;
  }
}

/** fns: { name: () => unknown }. Returns { name: ms per call (median) }. */
export function measureAll(fns, budgetMs = 1500) {
  const names = Object.keys(fns);
  const per = Object.fromEntries(names.map((n) => [n, calibrate(fns[n])]));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  for (let round = 0; round < 200; round++) {
    for (const n of names) {
      const f = fns[n];
      const t0 = performance.now();
      for (let i = 0; i < per[n]; i++) f();
      samples[n].push((performance.now() - t0) / per[n]);
    }
    if (round >= 4 && performance.now() - start >= budgetMs) break;
  }
  return Object.fromEntries(names.map((n) => {
    const s = samples[n].sort((a, b) => a - b);
    return [n, s[s.length >> 1]];
  }));
}

export function fmt(ms) {
  if (ms === undefined) return '—';
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}
