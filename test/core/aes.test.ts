// Block AES of every build: FIPS-197 appendix C known answers and random blocks against node:crypto
// AES-ECB in both directions for every key size, through a test entry (assembly/aes/test-entry.ts: the
// whole core plus a raw block export) compiled with the options of each asconfig.json target, since the
// shipped builds export no raw ECB (a test checks that). The vector-permute constants
// re-derived from first principles and compared with assembly/aes/vperm.ts; and positive controls for the
// self-test gate (a build whose KAT data is corrupted must refuse to run).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileWithTarget, TARGETS } from '../../scripts/asc-compile.mjs';
import type { EmbeddedWasm } from '../../src/core/api.js';
import { instantiateCoreSync, type WasmCore } from '../../src/core/instance.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { thrownCode, toHex } from '../helpers/keywrap-checks.js';
import { firstDirtyArenaByte } from '../helpers/symmetric-memory.js';
import { hex } from '../helpers/vectors.js';

const here = dirname(fileURLToPath(import.meta.url));
type Fn = (...a: number[]) => number;

const entries: { name: string; core: WasmCore }[] = [];
for (const target of TARGETS) {
  const bytes = await compileWithTarget({ entry: 'assembly/aes/test-entry.ts', target });
  if (WebAssembly.validate(bytes)) entries.push({ name: target, core: instantiateCoreSync(bytes, `${target} + aesBlockForTest`, '') });
}

// FIPS-197 appendix C: the same plaintext under the keys 00 01 02 .. of each length.
const FIPS197 = [
  { key: '000102030405060708090a0b0c0d0e0f', ct: '69c4e0d86a7b0430d8cdb78070b4c55a' },
  { key: '000102030405060708090a0b0c0d0e0f1011121314151617', ct: 'dda97ca4864cdfe06eaf70a0ec0d7191' },
  { key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', ct: '8ea2b7ca516745bfeafc49904b496089' },
];
const FIPS197_PT = '00112233445566778899aabbccddeeff';

describe('shipped builds', () => {
  it('export no raw AES block function', async () => {
    const builds = await loadAllBuilds();
    expect(builds.length).toBe(TARGETS.filter((t) => entries.some((e) => e.name === t)).length);
    for (const { name, core } of builds) {
      expect(Object.keys(core.exports).filter((x) => /block|ecb/i.test(x)), name).toEqual([]);
    }
  });
});

describe.each(entries.map((b) => [b.name, b] as const))('AES block: %s', (name, { core }) => {
  const x = core.exports as Record<string, Fn>;
  const io = core.ioBase;
  const block = (key: Uint8Array, input: Uint8Array, dir: 0 | 1): Uint8Array => {
    core.mem.set(key, io);
    core.mem.set(input, io + 64);
    const r = x['aesBlockForTest']!(io, key.length, io + 64, io + 128, dir);
    const out = core.mem.slice(io + 128, io + 144);
    core.mem.fill(0, io, io + 256);
    expect(r).toBe(16);
    return out;
  };

  it('FIPS-197 appendix C.1, C.2, C.3 both ways', () => {
    for (const v of FIPS197) {
      expect(toHex(block(hex(v.key), hex(FIPS197_PT), 0))).toBe(v.ct);
      expect(toHex(block(hex(v.key), hex(v.ct), 1))).toBe(FIPS197_PT);
    }
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });

  it('random blocks agree with node:crypto AES-ECB for every key size, both ways', () => {
    let n = 0;
    for (const kl of [16, 24, 32]) {
      for (let i = 0; i < 300; i++) {
        const key = randomBytes(kl);
        const p = randomBytes(16);
        const c = createCipheriv(`aes-${kl * 8}-ecb`, key, null).setAutoPadding(false).update(p);
        expect(toHex(block(key, p, 0))).toBe(toHex(c));
        const q = randomBytes(16);
        const d = createDecipheriv(`aes-${kl * 8}-ecb`, key, null).setAutoPadding(false).update(q);
        expect(toHex(block(key, q, 1))).toBe(toHex(d));
        n += 2;
      }
    }
    expect(firstDirtyArenaByte(core)).toBe(-1);
    console.log(`${name}: ${n} AES blocks agree with node:crypto`);
  });

  it('aesBlockForTest checks its arguments', () => {
    expect(x['aesBlockForTest']!(io, 20, io + 64, io + 128, 0)).toBe(-1);
    expect(x['aesBlockForTest']!(io, 16, io + 64, io + 128, 2)).toBe(-1);
    expect(x['aesBlockForTest']!(io, 16, io + core.ioSize - 8, io + 128, 0)).toBe(-1);
    expect(x['aesBlockForTest']!(io, 16, io + 64, io - 16, 0)).toBe(-1);
    expect(firstDirtyArenaByte(core)).toBe(-1);
  });
});

describe('vector-permute AES constants', () => {
  it('vperm.ts holds exactly the constants vperm-tables.gen.mjs derives (and its model agrees with node:crypto)', async () => {
    const genPath = join(here, '../../assembly/aes/vperm-tables.gen.mjs');
    const gen = (await import(genPath)) as {
      VPERM: {
        TABLES: Record<string, number[]>;
        FRAMES: Record<string, number[][]>;
        PLANES: number[];
        CONSTS: Record<string, number>;
      };
    };
    const src = readFileSync(join(here, '../../assembly/aes/vperm.ts'), 'utf8');
    const bytesOf = (list: string): number[] =>
      [...list.matchAll(/(?:<i8>)?0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1] as string, 16));
    for (const [tname, t] of Object.entries(gen.VPERM.TABLES)) {
      const m = new RegExp(`function ${tname}\\(\\): v128 \\{ return i8x16\\(([^)]*)\\)`).exec(src);
      expect(m, tname).not.toBeNull();
      expect(bytesOf((m as RegExpExecArray)[1] as string), tname).toEqual(t);
    }
    for (const [fname, sets] of Object.entries(gen.VPERM.FRAMES)) {
      const m = new RegExp(`const ${fname}: usize = memory.data<u8>\\(\\[([^\\]]*)\\]`).exec(src);
      expect(m, fname).not.toBeNull();
      expect(bytesOf((m as RegExpExecArray)[1] as string), fname).toEqual(sets.flat());
    }
    const planes = /const PLANES: usize = memory.data<u8>\(\[([^\]]*)\]/.exec(src);
    expect(planes, 'PLANES').not.toBeNull();
    expect(bytesOf((planes as RegExpExecArray)[1] as string), 'PLANES').toEqual(gen.VPERM.PLANES);
    for (const [cname, c] of Object.entries(gen.VPERM.CONSTS)) {
      const m = new RegExp(`const ${cname}: i8 = (?:<i8>)?0x([0-9a-f]{2});`).exec(src);
      expect(m, cname).not.toBeNull();
      expect(parseInt((m as RegExpExecArray)[1] as string, 16), cname).toBe(c);
    }
  });
});

describe('self-test gate (positive controls)', () => {
  const genDir = join(here, '../../src/core/generated');
  const files = readdirSync(genDir).filter((f) => /^wasm-.*\.ts$/.test(f)).sort();

  /** The build's bytes with the first occurrence of `needle` (a KAT value in its data) changed. */
  function corrupted(bytes: Uint8Array, needle: string): Uint8Array<ArrayBuffer> {
    const at = Buffer.from(bytes).indexOf(Buffer.from(needle, 'hex'));
    expect(at, `KAT ${needle} present in the data segment`).toBeGreaterThan(0);
    const out = Uint8Array.from(bytes);
    out[at + 3] = (out[at + 3] as number) ^ 0x01;
    return out;
  }

  for (const f of files) {
    it(`${f}: a corrupted hash, AES, KW or KWP known answer makes every call refuse`, async () => {
      const mod = (await import(join(genDir, f))) as EmbeddedWasm;
      const bytes = Uint8Array.from(Buffer.from(mod.WASM_BASE64, 'base64'));
      const needles = [
        'ba7816bf8f01cfea414140de5dae2223', // SHA-256("abc")
        '09330c33f71147e83d192fc782cd1b47', // SHA-384 of the 896-bit message
        '69c4e0d86a7b0430d8cdb78070b4c55a', // AES-128, FIPS-197 C.1
        '1fa68b0a8112b447aef34bd8fb5a7b82', // RFC 3394 4.1
        'afbeb0f07dfbf5419200f2ccb50bb24f', // RFC 5649 section 6, one-block case
      ];
      // Control: the unmodified bytes instantiate.
      expect(() => instantiateCoreSync(Uint8Array.from(bytes), mod.WASM_TARGET, mod.WASM_SHA256)).not.toThrow();
      for (const needle of needles) {
        const bad = corrupted(bytes, needle);
        expect(thrownCode(() => instantiateCoreSync(bad, mod.WASM_TARGET, 'x')), needle).toBe('CORE_SELFTEST_FAILED');
        const inst = new WebAssembly.Instance(new WebAssembly.Module(bad), { env: { abort: () => undefined } });
        const ex = inst.exports as Record<string, Fn>;
        expect(ex['selfTestStatus']!()).toBe(-5);
        const io = ex['ioBase']!();
        expect(ex['sha']!(2, io, 0, io + 64)).toBe(-5);
        expect(ex['aesKwpWrap']!(io, 32, io + 64, 8, io + 256)).toBe(-5);
        expect(ex['aesKwUnwrap']!(io, 32, io + 64, 24, io + 256)).toBe(-5);
      }
    });
  }
});
