// Memory map, self-test gate and build reproducibility of every Wasm build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import * as release from '../../src/core/generated/wasm-release.js';
import * as releaseSimd from '../../src/core/generated/wasm-release-simd.js';

const builds = await loadAllBuilds();

describe('core layout', () => {
  it('has a debug and a release build', () => {
    expect(builds.map((b) => b.name)).toEqual(expect.arrayContaining(['debug', 'release']));
  });

  for (const { name, core } of builds) {
    it(`${name}: memory is fixed and cannot grow`, () => {
      const pages = (core.exports['memoryPages'] as () => number)();
      expect(core.memory.buffer.byteLength).toBe(pages * 65536);
      expect(() => core.memory.grow(1)).toThrow(RangeError);
      expect(core.arenaEnd).toBeLessThanOrEqual(pages * 65536);
      expect(core.ioBase % 64).toBe(0);
    });

    it(`${name}: self-tests passed at instantiation`, () => {
      expect((core.exports['selfTestStatus'] as () => number)()).toBe(1);
    });

    it(`${name}: the arena is all zero after instantiation`, () => {
      const arena = core.mem.subarray(core.ioBase, core.arenaEnd);
      expect(arena.some((b) => b !== 0)).toBe(false);
    });
  }

  for (const build of [release, releaseSimd]) {
    it(`${build.WASM_TARGET} build is at most 64 KB`, () => {
      expect(build.WASM_SIZE).toBeLessThanOrEqual(64 * 1024);
    });

    it(`${build.WASM_TARGET} build reproduces the recorded SHA-256 (assembly/core-release.sha256)`, () => {
      const recorded = readFileSync(new URL('../../assembly/core-release.sha256', import.meta.url), 'utf8');
      const actual = createHash('sha256').update(Buffer.from(build.WASM_BASE64, 'base64')).digest('hex');
      expect(actual).toBe(build.WASM_SHA256);
      expect(recorded, 'rebuild with `npm run build:wasm -- --update-hash` after changing assembly/').toContain(
        `${actual}  ${build.WASM_TARGET}\n`,
      );
    });
  }
});
