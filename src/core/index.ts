// The crypto core's public face: `await init()` once (or `initSync()` in Node), then synchronous calls.
import { ByokError } from '../errors.js';
import * as release from './generated/wasm-release.js';
import { loadCore, loadCoreSync } from './api.js';
import type {
  CoreApi, OaepOptions, RsaAesKeyWrapOptions, RsaPrivateKey, RsaPublicKey,
} from './types.js';

export type {
  CoreApi, HashName, OaepOptions, RsaAesKeyWrapOptions, RsaPrivateKey, RsaPublicKey,
} from './types.js';

let current: CoreApi | undefined;

/** Instantiates the Wasm core (asynchronously, as browsers prefer). Safe to call more than once. */
export async function init(): Promise<void> {
  current ??= (await loadCore(release)).api;
}

/** Instantiates the Wasm core synchronously (Node, workers). Safe to call more than once. */
export function initSync(): void {
  current ??= loadCoreSync(release).api;
}

function api(): CoreApi {
  if (!current) {
    throw new ByokError('CORE_NOT_INITIALIZED', 'the crypto core is not initialized: call `await core.init()` (or `core.initSync()` in Node) first');
  }
  return current;
}

/** SHA-256 (hex) of the Wasm core that runs, so users can check what they run. */
export const wasmSha256: string = release.WASM_SHA256;

export const sha1 = (data: Uint8Array): Uint8Array => api().sha1(data);
export const sha256 = (data: Uint8Array): Uint8Array => api().sha256(data);
export const sha384 = (data: Uint8Array): Uint8Array => api().sha384(data);
export const sha512 = (data: Uint8Array): Uint8Array => api().sha512(data);
export const aesKwWrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwWrap(kek, data);
export const aesKwUnwrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwUnwrap(kek, data);
export const aesKwpWrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwpWrap(kek, data);
export const aesKwpUnwrap = (kek: Uint8Array, data: Uint8Array): Uint8Array => api().aesKwpUnwrap(kek, data);
export const rsaOaepEncrypt = (pub: RsaPublicKey, msg: Uint8Array, opts: OaepOptions): Uint8Array =>
  api().rsaOaepEncrypt(pub, msg, opts);
export const rsaOaepDecrypt = (priv: RsaPrivateKey, ct: Uint8Array, opts: OaepOptions): Uint8Array =>
  api().rsaOaepDecrypt(priv, ct, opts);
export const rsaAesKeyWrap = (pub: RsaPublicKey, target: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array =>
  api().rsaAesKeyWrap(pub, target, opts);
export const rsaAesKeyUnwrap = (priv: RsaPrivateKey, blob: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array =>
  api().rsaAesKeyUnwrap(priv, blob, opts);
