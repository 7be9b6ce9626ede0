// Compiles assembly/bn/test-entry.ts (the bignum code of the core, exposed for tests) with the same
// compiler options as the shipped builds (asconfig.json: debug, release, and both with SIMD), and wraps
// its exports with BigInt conversions for oracle tests.
import { compileWithTarget, TARGETS } from '../../scripts/asc-compile.mjs';

export interface BnModule {
  readonly name: string;
  readonly x: Record<string, (...a: number[]) => number>;
  readonly memory: WebAssembly.Memory;
  /** Bits per limb of this build (assembly/bn/params.ts). */
  readonly w: number;
}

/** Compiles the test entry once per asconfig target. */
export async function compileBnTargets(): Promise<BnModule[]> {
  const out: BnModule[] = [];
  for (const name of TARGETS) {
    const bytes = await compileWithTarget({ entry: 'assembly/bn/test-entry.ts', target: name });
    if (!WebAssembly.validate(bytes)) continue; // an engine without SIMD
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { abort: (_m: number, _f: number, l: number, c: number) => { throw new Error(`bignum assertion failed at ${l}:${c}`); } },
    });
    const x = inst.exports as BnModule['x'];
    out.push({ name, x, memory: inst.exports['memory'] as WebAssembly.Memory, w: (x.limbBits as () => number)() });
  }
  return out;
}

export const limbsFor = (m: BnModule, bits: number): number => Math.ceil(bits / m.w);

export function put(m: BnModule, ptr: number, x: bigint, n: number): void {
  const v = new DataView(m.memory.buffer);
  const w = BigInt(m.w);
  const mask = (1n << w) - 1n;
  for (let i = 0; i < n; i++) {
    v.setUint32(ptr + 4 * i, Number(x & mask), true);
    x >>= w;
  }
  if (x !== 0n) throw new Error('value does not fit');
}

export function get(m: BnModule, ptr: number, n: number): bigint {
  const v = new DataView(m.memory.buffer);
  const w = BigInt(m.w);
  let x = 0n;
  for (let i = n - 1; i >= 0; i--) x = (x << w) | BigInt(v.getUint32(ptr + 4 * i, true));
  return x;
}

/** Raw limb words, to check the representation (W bits per limb). */
export function words(m: BnModule, ptr: number, n: number): number[] {
  const v = new DataView(m.memory.buffer);
  return Array.from({ length: n }, (_, i) => v.getUint32(ptr + 4 * i, true));
}
