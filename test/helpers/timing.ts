// dudect-style timing statistics for the opt-in timing tests (BYOK_TIMING=1): two input classes timed in
// random order after a warm-up, Welch's t over the two samples. |t| > 10 is dudect's "definitely not
// constant time"; every such test pairs it with a positive control that must exceed the bound.

export const timingEnabled = process.env['BYOK_TIMING'] === '1';

export function welch(fn: (c: 0 | 1) => unknown, n: number, warmup = 2000): number {
  const s = [[0, 0, 0], [0, 0, 0]] as [number, number, number][];
  for (let i = 0; i < warmup; i++) fn((i & 1) as 0 | 1);
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
