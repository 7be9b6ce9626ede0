// The dudect method (Reparaz, Balasch and Verbauwhede, "Dude, is my code constant time?", DATE 2017):
// two classes of inputs, chosen at random for each measurement so that drift and noise from the rest of
// the machine fall on both alike; each measurement times a batch of calls with process.hrtime.bigint;
// Welch's t-test between the classes on the raw measurements and on the measurements below several
// percentiles of their pooled distribution (cropping drops the long upper tail that interrupts, page
// faults and other processes add, which otherwise hides small differences). A function is flagged when
// any |t| exceeds THRESHOLD.
//
// Written from the paper's description; no code taken from the dudect sources.
import { randomFillSync } from 'node:crypto';

/** |t| above this flags a leak (dudect: 4.5 "probably", 10 "definitely"; 5 allows for the several crops). */
export const THRESHOLD = 5;
/** Percentiles of the pooled measurements at which the upper tail is cropped (1 = no crop). */
export const CROPS = [1, 0.99, 0.95, 0.9, 0.75, 0.5, 0.25, 0.1];
/** z for a one-sided 95% power, used for the minimum detectable effect. */
const Z_POWER = 1.645;

/**
 * Times `samples` measurements of `batch` calls each, after `warmup` untimed ones. prepare(cls, pick)
 * stages input number `pick` (0..255) of class 0 or 1, untimed; run() makes one call on it. Classes and
 * picks are drawn before the loop, so staging does the same work for either class. Returns the classes
 * and the nanoseconds of each measurement.
 */
export function measure({ prepare, run, batch = 1, samples, warmup = Math.min(2000, samples >> 2) }) {
  const bits = new Uint8Array((warmup + samples + 7) >> 3);
  randomFillSync(bits);
  const picks = new Uint8Array(warmup + samples);
  randomFillSync(picks);
  const cls = new Uint8Array(samples);
  const ns = new Float64Array(samples);
  for (let i = 0; i < warmup + samples; i++) {
    const c = (bits[i >> 3] >> (i & 7)) & 1;
    prepare(c, picks[i]);
    const t0 = process.hrtime.bigint();
    for (let b = 0; b < batch; b++) run();
    const t1 = process.hrtime.bigint();
    if (i >= warmup) {
      cls[i - warmup] = c;
      ns[i - warmup] = Number(t1 - t0);
    }
  }
  return { cls, ns, batch };
}

/** Welch's t, the two counts and the pooled standard deviation of one subset of measurements. */
function welch(cls, ns, limit) {
  const n = [0, 0];
  const mean = [0, 0];
  const m2 = [0, 0];
  for (let i = 0; i < ns.length; i++) {
    const x = ns[i];
    if (x > limit) continue;
    const c = cls[i];
    n[c]++;
    const d = x - mean[c];
    mean[c] += d / n[c];
    m2[c] += d * (x - mean[c]);
  }
  if (n[0] < 2 || n[1] < 2) return { t: 0, n0: n[0], n1: n[1], sd: 0, diff: 0 };
  const v0 = m2[0] / (n[0] - 1);
  const v1 = m2[1] / (n[1] - 1);
  const se = Math.sqrt(v0 / n[0] + v1 / n[1]);
  const diff = mean[1] - mean[0];
  return { t: se > 0 ? diff / se : 0, n0: n[0], n1: n[1], sd: Math.sqrt((v0 + v1) / 2), diff };
}

/**
 * The t statistics of a measurement set at every crop; the largest |t| decides. mde: the per-call
 * difference in mean time this sample would detect with 95% power at that crop (ns).
 */
export function analyse({ cls, ns, batch }) {
  const sorted = Float64Array.from(ns).sort();
  const rows = CROPS.map((p) => {
    const limit = p >= 1 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    const w = welch(cls, ns, limit);
    const mde = ((THRESHOLD + Z_POWER) * w.sd * Math.sqrt(1 / Math.max(1, w.n0) + 1 / Math.max(1, w.n1))) / batch;
    return { crop: p, ...w, mde };
  });
  const worst = rows.reduce((a, b) => (Math.abs(b.t) > Math.abs(a.t) ? b : a));
  const median = sorted[sorted.length >> 1] / batch;
  return { rows, maxT: Math.abs(worst.t), worst, leak: Math.abs(worst.t) > THRESHOLD, samples: ns.length, median };
}
