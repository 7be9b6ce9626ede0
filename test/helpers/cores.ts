// Loads every Wasm build of the core side by side, so one suite runs against each of them.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCoreSync, type EmbeddedWasm } from '../../src/core/api.js';
import type { WasmCore } from '../../src/core/instance.js';
import type { CoreApi } from '../../src/core/types.js';

export interface LoadedBuild {
  readonly name: string;
  readonly core: WasmCore;
  readonly api: CoreApi;
}

const genDir = join(dirname(fileURLToPath(import.meta.url)), '../../src/core/generated');

/** Every generated build (debug, release, and any extra target such as a SIMD release). */
export async function loadAllBuilds(): Promise<LoadedBuild[]> {
  const files = readdirSync(genDir).filter((f) => /^wasm-.*\.ts$/.test(f)).sort();
  const out: LoadedBuild[] = [];
  for (const f of files) {
    const mod = (await import(join(genDir, f))) as EmbeddedWasm;
    if (!WebAssembly.validate(Uint8Array.from(atob(mod.WASM_BASE64), (c) => c.charCodeAt(0)))) continue;
    const { core, api } = loadCoreSync(mod);
    out.push({ name: mod.WASM_TARGET, core, api });
  }
  return out;
}

/** Names of the builds, for describe.each before the async load. */
export const BUILD_NAMES: readonly string[] = readdirSync(genDir)
  .filter((f) => /^wasm-.*\.ts$/.test(f))
  .map((f) => f.replace(/^wasm-|\.ts$/g, ''))
  .sort();
