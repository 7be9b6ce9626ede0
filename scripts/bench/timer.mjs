// Timing: run fn in batches of at least ~20 ms until `budgetMs` is spent (and at least 5 batches),
// report the median time per call. Warm-up first, so the optimizing tiers (V8 TurboFan for JS and Wasm)
// are in place before anything is measured.
export function measure(fn, budgetMs = 400) {
  for (let i = 0; i < 3; i++) fn();
  let per = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= 20 || per >= 1 << 20) break;
    per *= 2;
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) fn();
    samples.push((performance.now() - t0) / per);
    if (samples.length >= 200) break;
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]; // ms per call
}

export function fmt(ms) {
  if (ms === undefined) return '—';
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}
