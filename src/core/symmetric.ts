// Typed wrappers of the symmetric core: SHA-1/SHA-2 (FIPS 180-4), AES-KW (RFC 3394), AES-KWP (RFC 5649),
// AES-CBC decryption (SP 800-38A; for password-protected key files).
// Arguments are validated here first, with typed errors; the Wasm core validates again. Every call wipes
// the I/O region it used, whatever happens. Every unwrap integrity failure is the one DECRYPT_FAILED error;
// lengths are public, so a length no wrap can produce gets a descriptive BAD_DATA_LENGTH instead.
import { ByokError } from '../errors.js';
import { checkStatus, coreExport, coreExport5, HASH_ID, ioFrame, type WasmCore } from './instance.js';
import type { CoreApi, HashName } from './types.js';
import { expectBytes } from './validate.js';

export type SymmetricApi = Pick<
  CoreApi,
  'sha1' | 'sha256' | 'sha384' | 'sha512' | 'aesKwWrap' | 'aesKwUnwrap' | 'aesKwpWrap' | 'aesKwpUnwrap' | 'aesCbcDecrypt' | 'aesKcv'
>;

const KEK_LENGTHS: readonly number[] = [16, 24, 32];
const DIGEST_LEN: Readonly<Record<HashName, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
/** Inputs up to this size are hashed in one call; larger ones are streamed through a fixed chunk. */
const HASH_CHUNK = 0x40000; // 256 KiB, a multiple of every block size
/** CBC input is decrypted in place through chunks of this size; the last ciphertext block chains them. */
const CBC_CHUNK = 0x40000;

function badLength(name: string, expected: string, got: number): ByokError {
  return new ByokError('BAD_DATA_LENGTH', `"${name}" expected ${expected}, got length=${got}`);
}

export function bindSymmetric(core: WasmCore): SymmetricApi {
  const shaFn = coreExport(core, 'sha');
  const shaCtxSize = coreExport(core, 'shaCtxSize');
  const shaInit = coreExport(core, 'shaInit');
  const shaUpdate = coreExport(core, 'shaUpdate');
  const shaFinal = coreExport(core, 'shaFinal');
  const kwWrapFn = coreExport5(core, 'aesKwWrap');
  const kwUnwrapFn = coreExport5(core, 'aesKwUnwrap');
  const kwpWrapFn = coreExport5(core, 'aesKwpWrap');
  const kwpUnwrapFn = coreExport5(core, 'aesKwpUnwrap');
  const cbcDecryptFn = coreExport(core, 'aesCbcDecrypt');
  const aesKcvFn = coreExport(core, 'aesKcv');
  const maxKwData = (core.exports['maxKwData'] as () => number)();

  function hash(name: HashName, data: Uint8Array): Uint8Array {
    expectBytes('data', data);
    const alg = HASH_ID[name];
    const dl = DIGEST_LEN[name];
    const f = ioFrame(core);
    try {
      if (data.length <= HASH_CHUNK) {
        const p = f.put(data);
        const out = f.reserve(dl);
        checkStatus(shaFn(alg, p, data.length, out), name);
        return f.read(out, dl);
      }
      const ctx = f.reserve(shaCtxSize());
      const chunk = f.reserve(HASH_CHUNK);
      const out = f.reserve(dl);
      checkStatus(shaInit(alg, ctx), name);
      for (let off = 0; off < data.length; off += HASH_CHUNK) {
        const part = data.subarray(off, Math.min(data.length, off + HASH_CHUNK));
        core.mem.set(part, chunk);
        checkStatus(shaUpdate(ctx, chunk, part.length), name);
      }
      checkStatus(shaFinal(ctx, out), name);
      return f.read(out, dl);
    } finally {
      f.wipe();
    }
  }

  /** Runs one KW/KWP export over kek and data with an output of outLen bytes; returns the result bytes. */
  function keyWrapCall(call: ReturnType<typeof coreExport5>, what: string, kek: Uint8Array, data: Uint8Array, outLen: number): Uint8Array {
    const f = ioFrame(core);
    try {
      const k = f.put(kek);
      const d = f.put(data);
      const out = f.reserve(outLen);
      const r = checkStatus(call(k, kek.length, d, data.length, out), what);
      return f.read(out, r);
    } finally {
      f.wipe();
    }
  }

  function aesKwWrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
    expectBytes('kek', kek, KEK_LENGTHS);
    expectBytes('data', data);
    if (data.length < 16 || data.length % 8 !== 0 || data.length > maxKwData) {
      throw badLength('data', `a multiple of 8 bytes from 16 to ${maxKwData} (AES-KW, RFC 3394; use KWP for other lengths)`, data.length);
    }
    return keyWrapCall(kwWrapFn, 'AES-KW wrap', kek, data, data.length + 8);
  }

  function aesKwUnwrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
    expectBytes('kek', kek, KEK_LENGTHS);
    expectBytes('data', data);
    if (data.length < 24 || data.length % 8 !== 0 || data.length - 8 > maxKwData) {
      throw badLength('data', `AES-KW wrapped data: a multiple of 8 bytes from 24 to ${maxKwData + 8}`, data.length);
    }
    return keyWrapCall(kwUnwrapFn, 'AES-KW unwrap', kek, data, data.length - 8);
  }

  function aesKwpWrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
    expectBytes('kek', kek, KEK_LENGTHS);
    expectBytes('data', data);
    if (data.length < 1 || data.length > maxKwData) {
      throw badLength('data', `1 to ${maxKwData} bytes (AES-KWP, RFC 5649)`, data.length);
    }
    return keyWrapCall(kwpWrapFn, 'AES-KWP wrap', kek, data, 8 * Math.ceil(data.length / 8) + 8);
  }

  function aesKwpUnwrap(kek: Uint8Array, data: Uint8Array): Uint8Array {
    expectBytes('kek', kek, KEK_LENGTHS);
    expectBytes('data', data);
    if (data.length < 16 || data.length % 8 !== 0 || data.length - 8 > maxKwData) {
      throw badLength('data', `AES-KWP wrapped data: a multiple of 8 bytes from 16 to ${maxKwData + 8}`, data.length);
    }
    return keyWrapCall(kwpUnwrapFn, 'AES-KWP unwrap', kek, data, data.length - 8);
  }

  function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array {
    expectBytes('key', key, KEK_LENGTHS);
    expectBytes('iv', iv, [16], 'BAD_DATA_LENGTH');
    expectBytes('ct', ct);
    if (ct.length === 0 || ct.length % 16 !== 0) throw badLength('ct', 'a positive multiple of 16 bytes (AES-CBC)', ct.length);
    const out = new Uint8Array(ct.length);
    const f = ioFrame(core);
    try {
      const k = f.put(key);
      const v = f.reserve(16);
      const buf = f.reserve(Math.min(CBC_CHUNK, ct.length));
      for (let off = 0; off < ct.length; off += CBC_CHUNK) {
        const part = ct.subarray(off, Math.min(ct.length, off + CBC_CHUNK));
        core.mem.set(off === 0 ? iv : ct.subarray(off - 16, off), v);
        core.mem.set(part, buf);
        checkStatus(cbcDecryptFn(k, key.length, v, buf, part.length, buf), 'AES-CBC decrypt');
        out.set(core.mem.subarray(buf, buf + part.length), off);
      }
      return out;
    } finally {
      f.wipe();
    }
  }

  /**
   * The key check value of an AES key: the first 3 bytes of AES-ECB(key, 0^128), what HSMs print beside a
   * key and what an AES-CBC encryption of one zero block with a zero IV gives. The core's aesKcv export
   * computes it in constant time, lets only those 3 bytes out and wipes its scratch.
   */
  function aesKcv(key: Uint8Array): Uint8Array {
    expectBytes('key', key, KEK_LENGTHS);
    const f = ioFrame(core);
    try {
      const k = f.put(key);
      const out = f.reserve(3);
      checkStatus(aesKcvFn(k, key.length, out), 'AES key check value');
      return f.read(out, 3);
    } finally {
      f.wipe();
    }
  }

  return {
    sha1: (data) => hash('sha1', data),
    sha256: (data) => hash('sha256', data),
    sha384: (data) => hash('sha384', data),
    sha512: (data) => hash('sha512', data),
    aesKwWrap, aesKwUnwrap, aesKwpWrap, aesKwpUnwrap, aesCbcDecrypt, aesKcv,
  };
}
