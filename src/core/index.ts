// The crypto core's public face: `await init()` once (or `initSync()` in Node), then synchronous calls.
import { ByokError } from '../errors.js';
import * as scalar from './generated/wasm-release.js';
import * as simd from './generated/wasm-release-simd.js';
import { decodeBase64 } from './instance.js';
import { loadCore, loadCoreSync, type EmbeddedWasm } from './api.js';
import type {
  CoreApi, OaepOptions, RsaAesKeyWrapOptions, RsaPrivateKey, RsaPublicKey,
} from './types.js';

export type {
  CoreApi, HashName, OaepOptions, RsaAesKeyWrapOptions, RsaPrivateKey, RsaPublicKey,
} from './types.js';

let current: CoreApi | undefined;

/** The SIMD build where the engine validates it, else the scalar build (same results, tested alike). */
function chooseBuild(): EmbeddedWasm {
  return WebAssembly.validate(decodeBase64(simd.WASM_BASE64)) ? simd : scalar;
}

/** Instantiates the Wasm core (asynchronously, as browsers prefer). Safe to call more than once. */
export async function init(): Promise<void> {
  current ??= (await loadCore(chooseBuild())).api;
}

/** Instantiates the Wasm core synchronously (Node, workers). Safe to call more than once. */
export function initSync(): void {
  current ??= loadCoreSync(chooseBuild()).api;
}

/** The initialized core, instantiating it synchronously on first use (for library code). */
export function getCore(): CoreApi {
  initSync();
  return current as CoreApi;
}

function api(): CoreApi {
  if (!current) {
    throw new ByokError('CORE_NOT_INITIALIZED', 'the crypto core is not initialized: call `await core.init()` (or `core.initSync()` in Node) first');
  }
  return current;
}

/** Which build runs and the SHA-256 (hex) of its Wasm bytes, so users can check what they run. */
export function coreInfo(): { build: string; wasmSha256: string } {
  const a = api();
  return { build: a.build, wasmSha256: a.wasmSha256 };
}

export const sha1 = (data: Uint8Array): Uint8Array => api().sha1(data);
export const sha256 = (data: Uint8Array): Uint8Array => api().sha256(data);
export const sha384 = (data: Uint8Array): Uint8Array => api().sha384(data);
export const sha512 = (data: Uint8Array): Uint8Array => api().sha512(data);
export const aesKwWrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwWrap(kek, data);
export const aesKwUnwrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwUnwrap(kek, data);
export const aesKwpWrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwpWrap(kek, data);
export const aesKwpUnwrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwpUnwrap(kek, data);
export const aesCbcDecrypt = (key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array => api().aesCbcDecrypt(key, iv, ct);
export const aesKcv = (key: Uint8Array): Uint8Array => api().aesKcv(key);
export const rsaOaepEncrypt = (pub: RsaPublicKey, msg: Uint8Array, opts: OaepOptions): Uint8Array =>
  api().rsaOaepEncrypt(pub, msg, opts);
export const rsaOaepDecrypt = (priv: RsaPrivateKey, ct: Uint8Array, opts: OaepOptions): Uint8Array =>
  api().rsaOaepDecrypt(priv, ct, opts);
export const rsaAesKeyWrap = (pub: RsaPublicKey, target: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array =>
  api().rsaAesKeyWrap(pub, target, opts);
export const rsaAesKeyUnwrap = (priv: RsaPrivateKey, blob: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array =>
  api().rsaAesKeyUnwrap(priv, blob, opts);
export const rsaPublicRaw = (pub: RsaPublicKey, sig: Uint8Array): Uint8Array => api().rsaPublicRaw(pub, sig);
