// Binds the typed operations to one Wasm instance. Tests bind the debug and the release build side by side.
import { instantiateCore, instantiateCoreSync, decodeBase64, type WasmCore } from './instance.js';
import { bindSymmetric } from './symmetric.js';
import { bindRsa } from './rsa.js';
import { bindRsaPublic } from './rsa-public.js';
import type { CoreApi } from './types.js';

export function bindCore(core: WasmCore): CoreApi {
  return { build: core.build, wasmSha256: core.sha256, ...bindSymmetric(core), ...bindRsa(core), ...bindRsaPublic(core) };
}

export interface EmbeddedWasm {
  readonly WASM_TARGET: string;
  readonly WASM_SHA256: string;
  readonly WASM_BASE64: string;
}

export function loadCoreSync(wasm: EmbeddedWasm): { core: WasmCore; api: CoreApi } {
  const core = instantiateCoreSync(decodeBase64(wasm.WASM_BASE64), wasm.WASM_TARGET, wasm.WASM_SHA256);
  return { core, api: bindCore(core) };
}

export async function loadCore(wasm: EmbeddedWasm): Promise<{ core: WasmCore; api: CoreApi }> {
  const core = await instantiateCore(decodeBase64(wasm.WASM_BASE64), wasm.WASM_TARGET, wasm.WASM_SHA256);
  return { core, api: bindCore(core) };
}
