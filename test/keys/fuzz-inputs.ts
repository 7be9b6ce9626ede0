// Property-test inputs for the intake parsers: seeds (valid files) mutated by a few byte-level edits,
// plus purely random bytes and text. The checked property: a parser returns or throws a ByokError — never
// another exception — within a second per input.
import fc from 'fast-check';
import { expect } from 'vitest';
import { ByokError } from '../../src/errors.js';

/** Edits: [kind, position, value]: flip a bit, set a byte, insert, delete, truncate, duplicate a run. */
type Edit = [number, number, number];

function applyEdits(seed: Uint8Array, edits: Edit[]): Uint8Array {
  let b = seed.slice();
  for (const [kind, at, v] of edits) {
    const pos = b.length === 0 ? 0 : at % b.length;
    switch (kind) {
      case 0:
        if (b.length > 0) b[pos] = (b[pos] as number) ^ (1 << (v % 8));
        break;
      case 1:
        if (b.length > 0) b[pos] = v;
        break;
      case 2:
        b = new Uint8Array([...b.subarray(0, pos), v, ...b.subarray(pos)]);
        break;
      case 3:
        b = new Uint8Array([...b.subarray(0, pos), ...b.subarray(pos + 1)]);
        break;
      case 4:
        b = b.subarray(0, pos).slice();
        break;
      default: {
        const len = 1 + (v % 16);
        b = new Uint8Array([...b.subarray(0, pos + len), ...b.subarray(pos, pos + len), ...b.subarray(pos + len)]);
      }
    }
  }
  return b;
}

export function mutatedFrom(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat(), fc.nat({ max: 255 }));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, e]) => applyEdits(s, e));
}

const enc = new TextEncoder();

/** Mutated seeds (most runs), random bytes, random text and random JSON. */
export function intakeInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: mutatedFrom(seeds) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => enc.encode(s)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((s) => enc.encode(s)) },
  );
}

export interface FuzzStats {
  runs: number;
  ok: number;
  codes: Map<string, number>;
  slowestMs: number;
}

/** Runs `fn` on `numRuns` inputs; fails on any non-ByokError or on an input slower than 1 s. */
export function fuzz<T>(arb: fc.Arbitrary<T>, fn: (input: T) => unknown, numRuns: number): FuzzStats {
  const stats: FuzzStats = { runs: 0, ok: 0, codes: new Map(), slowestMs: 0 };
  fc.assert(
    fc.property(arb, (input) => {
      stats.runs++;
      const t0 = performance.now();
      try {
        fn(input);
        stats.ok++;
      } catch (e) {
        if (!(e instanceof ByokError)) throw e;
        stats.codes.set(e.code, (stats.codes.get(e.code) ?? 0) + 1);
      }
      const ms = performance.now() - t0;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      expect(ms).toBeLessThan(1000);
    }),
    { numRuns },
  );
  return stats;
}

export function describeStats(name: string, s: FuzzStats): string {
  const codes = [...s.codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(' ');
  return `${name}: ${s.runs} inputs, ${s.ok} parsed, slowest ${s.slowestMs.toFixed(1)} ms; errors: ${codes}`;
}
