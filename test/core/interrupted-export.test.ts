// An exception that escapes from inside an export (here a real one: the stack runs out in the middle of an
// RSA decryption, which happens wherever a caller is already deep in recursion) skips the export's own
// wipes, so the scratch regions still hold key limbs. The binders must then zero the whole arena, not only
// the I/O region of the call, and the core must reset its allocator before the next call, which must work.
//
// The call is made at each of the 60 JavaScript recursion depths above the deepest one where it succeeds,
// so the stack runs out at every depth of the core's call tree in turn (and, further up, before the core is
// entered); the test counts the failures raised inside the Wasm code (a Wasm frame on the error's stack)
// and requires some.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { generateTestKey, nodeOaepEncrypt } from '../helpers/rsa-keys.js';
import { firstDirtyArenaByte } from '../helpers/symmetric-memory.js';

const builds = await loadAllBuilds();
const key = generateTestKey(2048);

function recurse(depth: number, f: () => void): number {
  if (depth > 0) return recurse(depth - 1, f) + 1; // not a tail call: every level keeps its frame
  f();
  return 0;
}

/** Runs f below `depth` extra JavaScript frames; returns what it (or the descent) threw, or undefined. */
function atDepth(depth: number, f: () => void): unknown {
  try {
    recurse(depth, f);
    return undefined;
  } catch (e) {
    return e;
  }
}

const isStackOverflow = (e: unknown): e is RangeError => e instanceof RangeError && /call stack/i.test(e.message);

describe('an exception escaping from inside an export', () => {
  for (const { name, api, core } of builds) {
    it(`${name}: leaves the whole arena zero, and the next call works`, () => {
      const msg = randomBytes(32);
      const ct = nodeOaepEncrypt(key.publicKey, msg, 'sha256');
      const decrypt = (): void => {
        api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha256' });
      };
      // The smallest depth at which the call runs out of stack, by doubling then bisection.
      let hi = 1000;
      while (!isStackOverflow(atDepth(hi, decrypt))) hi *= 2;
      let lo = 0;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (isStackOverflow(atDepth(mid, decrypt))) hi = mid;
        else lo = mid;
      }
      let insideWasm = 0;
      const dirty: string[] = [];
      for (let depth = hi + 60; depth >= hi; depth--) {
        const e = atDepth(depth, decrypt);
        if (!isStackOverflow(e)) continue;
        if (/wasm/.test(e.stack ?? '')) insideWasm++;
        const at = firstDirtyArenaByte(core);
        if (at >= 0) dirty.push(`depth ${depth}: arena byte at 0x${at.toString(16)}`);
      }
      expect(dirty.slice(0, 5)).toEqual([]);
      expect(insideWasm, 'stack overflows raised inside the core').toBeGreaterThan(0);
      expect(Buffer.from(api.rsaOaepDecrypt(key.priv, ct, { hash: 'sha256' }))).toEqual(msg);
      expect(firstDirtyArenaByte(core)).toBe(-1);
      console.log(`${name}: ${insideWasm} stack overflows inside the core, arena zero after each`);
    });
  }
});
