// The Wasm builds the timing harness measures, per release target (release, release-simd):
//
//   shipped  build/core-<target>.wasm, checked against assembly/core-release.sha256: what users run.
//   clean    the core plus harness-only exports (OAEP decoding on its own, a calibrated spin), compiled
//            with the target's options from an entry that exists only here.
//   plant    the same with planted leaks, each switched on at run time by timingSetPlant(id, delay):
//              1 KWP unwrap returns early when the ICV is wrong (skips the padding check and the masking);
//              2 the exponentiation does one more Montgomery multiplication per window whose low exponent
//                bit is set (a branch on an exponent bit);
//              3 OAEP decoding returns early when the first byte Y is not zero (Manger's oracle);
//              4 KWP unwrap spins `delay` iterations when the ICV is wrong (the smallest caught delay).
//
// The plants are source patches applied in memory by scripts/asc-compile.mjs: no planted code exists in
// assembly/, so none can reach the release builds, dist/ or the browser page. Each patch must match its
// source exactly once, so a change to the patched code stops the harness instead of silently measuring
// nothing. Compiled variants are cached in build/timing/ (git-ignored), keyed by a hash of their inputs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWithTarget } from '../asc-compile.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(root, 'build/timing');

export const RELEASE_TARGETS = ['release', 'release-simd'];

export const PLANT = { KWP_ICV_EXIT: 1, EXP_BIT_BRANCH: 2, OAEP_Y_EXIT: 3, KWP_ICV_DELAY: 4 };

const PLANT_MODULE = `// Planted leaks of the timing harness (scripts/timing/variants.mjs). Never part of a shipped build.
let active: i32 = 0;
let delay: i32 = 0;
let sink: u32 = 0;
export function setPlant(id: i32, d: i32): void { active = id; delay = d; }
@inline export function plantOn(id: i32): bool { return active == id; }
/** n dependent multiply-adds: a delay the optimizer cannot remove (the result is kept). */
export function spin(n: i32): u32 {
  let x = sink;
  for (let i = 0; i < n; i++) x = x * 1103515245 + 12345;
  sink = x;
  return x;
}
export function plantSpin(): void { spin(delay); }
`;

const ENTRY = `// Timing harness entry (scripts/timing/variants.mjs): the core plus harness-only exports.
import { ERR_SELFTEST, HASH_SCRATCH, HASH_SCRATCH_SIZE, RSA_SCRATCH, ioRangeOk, ready } from "./abi";
import { wipe } from "./ct";
import { oaepDecode } from "./rsa/oaep";
import { RS_EM, RS_USED } from "./rsa/scratch";
import { setPlant, spin } from "./timing-plant";

export * from "./index";

export function timingSetPlant(id: i32, delay: i32): void { setPlant(id, delay); }
export function timingSpin(n: i32): u32 { return spin(n); }

/** EME-OAEP decoding (one hash for OAEP and MGF1, empty label) of the k-byte EM at em, copied first. */
export function timingOaepDecode(hash: i32, em: usize, k: i32, out: usize): i32 {
  if (!ready()) return ERR_SELFTEST;
  if (k > 1024 || !ioRangeOk(em, k) || !ioRangeOk(out, k)) return -1;
  memory.copy(RS_EM(), em, <usize>k);
  const r = oaepDecode(hash, hash, RS_EM(), k, em, 0, out, -1);
  wipe(RSA_SCRATCH(), RS_USED);
  wipe(HASH_SCRATCH(), HASH_SCRATCH_SIZE);
  return r;
}
`;

/** [file, exact text, replacement] */
const PATCHES = [
  ['assembly/aes/kw.ts', 'import { vpDecryptV, vpWrapRounds } from "./vperm";',
    'import { vpDecryptV, vpWrapRounds } from "./vperm";\nimport { plantOn, plantSpin } from "../timing-plant";'],
  ['assembly/aes/kw.ts', '  let ok = eq(load<u32>(blk), KWP_ICV2);\n',
    '  let ok = eq(load<u32>(blk), KWP_ICV2);\n' +
    '  if (plantOn(1) && ok == 0) { memory.fill(out, 0, <usize>space); wipe(AES_SCRATCH(), AES_USED); return ERR_DECRYPT; }\n' +
    '  if (plantOn(4) && ok == 0) plantSpin();\n'],
  ['assembly/bn/exp.ts', 'import { ctxN, ctxOne, ctxRR, fromMont, montMul, montMulLazy, montSqrLazy } from "./mont";',
    'import { ctxN, ctxOne, ctxRR, fromMont, montMul, montMulLazy, montSqrLazy } from "./mont";\nimport { plantOn } from "../timing-plant";'],
  ['assembly/bn/exp.ts', '  const t = bnAlloc(n);\n', '  const t = bnAlloc(n);\n  const plantT = bnAlloc(n);\n'],
  ['assembly/bn/exp.ts', '    lookupCt(t, table, stride, n, windowAt(e, w * WINDOW), masks);\n    montMulLazy(ctx, acc, acc, t);\n',
    '    const plantWin = windowAt(e, w * WINDOW);\n    lookupCt(t, table, stride, n, plantWin, masks);\n    montMulLazy(ctx, acc, acc, t);\n' +
    '    if (plantOn(2) && (plantWin & 1) != 0) montMulLazy(ctx, plantT, acc, t);\n'],
  ['assembly/rsa/oaep.ts', 'import { RS_CTR, RS_HASH, RS_LHASH } from "./scratch";',
    'import { RS_CTR, RS_HASH, RS_LHASH } from "./scratch";\nimport { plantOn } from "../timing-plant";'],
  ['assembly/rsa/oaep.ts', '  let good: u32 = isZero(<u32>load<u8>(em)) & memEq(db, RS_LHASH(), h);\n',
    '  let good: u32 = isZero(<u32>load<u8>(em)) & memEq(db, RS_LHASH(), h);\n' +
    '  if (plantOn(3) && load<u8>(em) != 0) { memory.fill(out, 0, <usize>(dbLen - h - 1)); return ERR_DECRYPT; }\n'],
];

/** Source overrides for a variant: the harness entry and plant module, and for 'plant' the patched files. */
export function variantSources(variant) {
  const sources = { 'assembly/timing-entry.ts': ENTRY, 'assembly/timing-plant.ts': PLANT_MODULE };
  if (variant !== 'plant') return sources;
  for (const [file, find, replace] of PATCHES) {
    const text = sources[file] ?? readFileSync(join(root, file), 'utf8');
    const count = text.split(find).length - 1;
    if (count !== 1) {
      throw new Error(`timing: the plant for ${file} matches ${count} times (expected once): the code changed; update scripts/timing/variants.mjs`);
    }
    sources[file] = text.replace(find, replace);
  }
  return sources;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A hash of everything a variant is compiled from. */
function inputsHash(target, sources) {
  const h = createHash('sha256').update(`${target}\n`).update(readFileSync(join(root, 'asconfig.json')));
  h.update(JSON.parse(readFileSync(join(root, 'node_modules/assemblyscript/package.json'), 'utf8')).version);
  for (const f of walk(join(root, 'assembly')).map((p) => relative(root, p).split(sep).join('/')).sort()) {
    h.update(`${f}\0`).update(sources[f] ?? readFileSync(join(root, f))).update('\0');
  }
  for (const [f, text] of Object.entries(sources).sort()) h.update(`${f}\0${text}\0`);
  return h.digest('hex').slice(0, 16);
}

/** The Wasm bytes of a 'clean' or 'plant' variant for a release target, from the cache or compiled now. */
export async function variantBytes(target, variant) {
  const sources = variantSources(variant);
  const file = join(cacheDir, `${target}-${variant}-${inputsHash(target, sources)}.wasm`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const bytes = await compileWithTarget({ entry: 'assembly/timing-entry.ts', target, sources });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${file}.tmp-${process.pid}`, bytes);
  renameSync(`${file}.tmp-${process.pid}`, file);
  return bytes;
}

/** The shipped release build of a target, refused unless it is the one assembly/core-release.sha256 records. */
export function shippedBytes(target) {
  const file = join(root, `build/core-${target}.wasm`);
  if (!existsSync(file)) throw new Error(`timing: ${relative(root, file)} not found; run \`npm run build\` first`);
  const bytes = new Uint8Array(readFileSync(file));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const recorded = readFileSync(join(root, 'assembly/core-release.sha256'), 'utf8');
  if (!recorded.includes(`${sha}  ${target}\n`)) {
    throw new Error(`timing: build/core-${target}.wasm (sha256 ${sha}) is not the build recorded in assembly/core-release.sha256; run \`npm run build\``);
  }
  return bytes;
}

/** A Wasm core instance with the views the harness uses. */
export function instantiate(bytes, label) {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { abort: () => { throw new Error(`${label}: core assertion failed`); } },
  });
  const x = inst.exports;
  if (x.selfTestStatus() !== 1) throw new Error(`${label}: the core failed its self-tests`);
  return { label, x, mem: new Uint8Array(x.memory.buffer), dv: new DataView(x.memory.buffer), io: x.ioBase() };
}
