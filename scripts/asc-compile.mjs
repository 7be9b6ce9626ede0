// Compiles an AssemblyScript entry in memory with the compiler options of one asconfig.json target, for
// the builds that must match the shipped builds' code generation without being shipped: the tests' entries
// (assembly/bn/test-entry.ts, assembly/aes/test-entry.ts) and the timing harness's variants of the core
// (scripts/timing/). Nothing is written to disk here.
//
// `sources` replaces or adds source files (path relative to the repository, '/'-separated, → text): the
// timing harness serves patched copies of core files and an extra entry this way, so the plants it
// compiles never exist in assembly/.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8'));

/** The target names of asconfig.json (debug, release, and their SIMD twins). */
export const TARGETS = Object.keys(config.targets);

/**
 * The Wasm bytes of `entry` (a path relative to the repository) built like asconfig.json's `target`.
 * Throws with the compiler's diagnostics when it fails.
 */
export async function compileWithTarget({ entry, target, sources = {} }) {
  const t = config.targets[target];
  if (t === undefined) throw new Error(`asc-compile: asconfig.json has no target "${target}"`);
  const { outFile: _o, textFile: _t, ...options } = { ...config.options, ...t };
  let binary;
  let stderr = '';
  const { error } = await asc.main([entry, ...asc.configToArguments(options), '--outFile', 'out.wasm'], {
    readFile: (file, baseDir) => {
      const rel = relative(root, resolve(root, baseDir, file)).split(sep).join('/');
      if (rel === 'asconfig.json') return null; // the options above, not its entries as well
      if (Object.hasOwn(sources, rel)) return sources[rel];
      try {
        return readFileSync(join(root, rel), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (file, contents) => {
      if (file.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
    stdout: { write: () => true },
    stderr: { write: (s) => { stderr += s; return true; } },
  });
  if (error || binary === undefined) throw new Error(`asc-compile: ${entry} for ${target} failed: ${error?.message ?? 'no output'}\n${stderr}`);
  return new Uint8Array(binary); // a copy backed by a plain ArrayBuffer
}
