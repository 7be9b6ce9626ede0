// Typed wrappers of the RSA core: RSAES-OAEP (RFC 8017 7.1) and CKM_RSA_AES_KEY_WRAP (byok-formats.md
// section 0). Arguments are validated here first, with typed errors; the Wasm core validates again.
// Randomness (OAEP seeds, ephemeral AES keys) comes from the host's CSPRNG and is zeroed after use;
// every call wipes the I/O region it used, whatever happens.
import { ByokError } from '../errors.js';
import {
  checkStatus, coreExport, DECRYPT_FAILED_MESSAGE, HASH_ID, ioFrame, type IoFrame, type WasmCore,
} from './instance.js';
import type {
  CoreApi, HashName, OaepOptions, RsaAesKeyWrapOptions, RsaPrivateKey, RsaPublicKey,
} from './types.js';
import { describeValue, expectBytes, expectHash } from './validate.js';

export type RsaApi = Pick<CoreApi, 'rsaOaepEncrypt' | 'rsaOaepDecrypt' | 'rsaAesKeyWrap' | 'rsaAesKeyUnwrap'>;

const ALL_HASHES: readonly HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const HASH_LEN: Readonly<Record<HashName, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
const MIN_BITS = 1024;
const MAX_BITS = 8192;
const EMPTY = new Uint8Array(0);

interface PublicParts {
  readonly n: Uint8Array;
  /** e as an unsigned 32-bit number (the core supports 3 <= e < 2^32). */
  readonly e: number;
}

interface PrivateParts extends PublicParts {
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qi: Uint8Array;
}

/**
 * The integer without its leading zero bytes (a view, not a copy). Variable time in their number, which for
 * dp, dq and qi is secret but shown by every encoding a key arrives in (minimal DER INTEGERs, unpadded JWK
 * members); the core strips again the same way (assembly/rsa/key.ts).
 */
function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(b: Uint8Array): number {
  return b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0] as number));
}

export function checkPublic(key: unknown, what: string): PublicParts {
  if (typeof key !== 'object' || key === null) {
    throw new ByokError('CORE_BAD_ARGUMENT', `"${what}" expected an RSA key object {n, e}, got ${key === null ? 'null' : typeof key}`);
  }
  const { n: rawN, e: rawE } = key as Partial<RsaPublicKey>;
  expectBytes(`${what}.n`, rawN);
  expectBytes(`${what}.e`, rawE);
  const n = stripZeros(rawN);
  const bits = bitLength(n);
  if (bits < MIN_BITS || bits > MAX_BITS) {
    throw new ByokError('UNSUPPORTED_KEY_SIZE', `RSA modulus of ${bits} bits is not supported: use a key of ${MIN_BITS} to ${MAX_BITS} bits`);
  }
  if (((n[n.length - 1] as number) & 1) === 0) {
    throw new ByokError('INVALID_PUBLIC_KEY', 'the RSA modulus is even, so it is not an RSA modulus: check the key');
  }
  const eb = stripZeros(rawE);
  if (eb.length > 4) {
    throw new ByokError('INVALID_PUBLIC_KEY', 'RSA public exponents above 2^32-1 are not supported: use a key with e = 65537');
  }
  let e = 0;
  for (const b of eb) e = e * 256 + b;
  if (e < 3 || e % 2 === 0) {
    throw new ByokError('INVALID_PUBLIC_KEY', `RSA public exponent ${e} is invalid (it must be odd and at least 3): check the key`);
  }
  return { n, e };
}

function checkPrivate(key: unknown): PrivateParts {
  const pub = checkPublic(key, 'priv');
  const k = key as Partial<RsaPrivateKey>;
  const field = (name: 'p' | 'q' | 'dp' | 'dq' | 'qi'): Uint8Array => {
    const v = k[name];
    if (v === undefined) {
      throw new ByokError('INVALID_PRIVATE_KEY', `the RSA private key has no "${name}": the core needs the CRT form (p, q, dp, dq, qi); re-export the key with all fields`);
    }
    expectBytes(`priv.${name}`, v);
    return stripZeros(v);
  };
  return { ...pub, p: field('p'), q: field('q'), dp: field('dp'), dq: field('dq'), qi: field('qi') };
}

function hashes(opts: unknown): { hash: HashName; mgf: HashName; label: Uint8Array } {
  if (typeof opts !== 'object' || opts === null) {
    throw new ByokError('CORE_BAD_ARGUMENT', '"opts" expected an object {hash, mgf1Hash?, label?}');
  }
  const o = opts as Partial<OaepOptions>;
  const hash = expectHash('hash', o.hash, ALL_HASHES);
  const mgf = expectHash('mgf1Hash', o.mgf1Hash ?? hash, ALL_HASHES);
  const label = o.label ?? EMPTY;
  expectBytes('label', label);
  return { hash, mgf, label };
}

function wrapOptions(opts: unknown): { hash: HashName; keyBytes: number } {
  if (typeof opts !== 'object' || opts === null) {
    throw new ByokError('CORE_BAD_ARGUMENT', '"opts" expected an object {hash, aesKeyBits?}');
  }
  const o = opts as Partial<RsaAesKeyWrapOptions>;
  const hash = expectHash('hash', o.hash, ALL_HASHES);
  const bits = o.aesKeyBits ?? 256;
  if (bits !== 128 && bits !== 192 && bits !== 256) {
    throw new ByokError('CORE_BAD_ARGUMENT', `"aesKeyBits" expected 128, 192 or 256, got ${typeof bits === 'number' ? bits : describeValue(bits)}`);
  }
  return { hash, keyBytes: bits / 8 };
}

/** Writes the private key descriptor (13 little-endian i32 words, assembly/rsa/key.ts) and the integers. */
function putPrivate(f: IoFrame, key: PrivateParts): number {
  const parts = [key.n, key.p, key.q, key.dp, key.dq, key.qi];
  const desc = new Uint8Array(52);
  const view = new DataView(desc.buffer);
  parts.forEach((b, i) => {
    view.setInt32(8 * i, f.put(b), true);
    view.setInt32(8 * i + 4, b.length, true);
  });
  view.setUint32(48, key.e, true);
  return f.put(desc);
}

const kwpLength = (n: number): number => 8 * Math.ceil(n / 8) + 8;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function bindRsa(core: WasmCore): RsaApi {
  const encryptFn = coreExport(core, 'rsaOaepEncrypt');
  const decryptFn = coreExport(core, 'rsaOaepDecrypt');
  const wrapFn = coreExport(core, 'rsaAesKeyWrap');
  const unwrapFn = coreExport(core, 'rsaAesKeyUnwrap');
  const montRRFn = coreExport(core, 'rsaMontRR');
  const maxKwData = (core.exports['maxKwData'] as () => number)();

  // R^2 mod n of the last two public moduli: a BYOK run wraps under one KEK, and reading an RSA target
  // encrypts under the target's own modulus in between (its pairwise test), so one entry would thrash. The
  // long division behind R^2 is about an eighth of an RSA-2048 encryption (OpenSSL likewise keeps a key's
  // Montgomery context). Public values only; per bound core, since the bytes are that core's limbs; the
  // modulus is compared in full on every call, and the core re-checks the limbs' range.
  const rrCache: { modulus: Uint8Array; limbs: Uint8Array }[] = [];
  function montRR(n: Uint8Array): Uint8Array {
    const hit = rrCache.findIndex((c) => sameBytes(c.modulus, n));
    if (hit >= 0) {
      const entry = rrCache[hit]!;
      if (hit > 0) rrCache.unshift(...rrCache.splice(hit, 1));
      return entry.limbs;
    }
    const f = ioFrame(core);
    try {
      const p = f.put(n);
      const cap = 4 * n.length + 64; // limbs of at least 8 bits: at most 4 bytes per input byte, plus one limb
      const out = f.reserve(cap);
      const len = checkStatus(montRRFn(p, n.length, out, cap), 'RSA public key');
      const limbs = f.read(out, len);
      rrCache.unshift({ modulus: n.slice(), limbs });
      rrCache.length = Math.min(rrCache.length, 2);
      return limbs;
    } finally {
      f.wipe();
    }
  }

  function rsaOaepEncrypt(pub: RsaPublicKey, msg: Uint8Array, opts: OaepOptions): Uint8Array {
    const key = checkPublic(pub, 'pub');
    expectBytes('msg', msg);
    const { hash, mgf, label } = hashes(opts);
    const k = key.n.length;
    const hLen = HASH_LEN[hash];
    if (msg.length > k - 2 * hLen - 2) {
      throw new ByokError('MESSAGE_TOO_LONG', `the message has ${msg.length} bytes; RSA-OAEP with a ${bitLength(key.n)}-bit key and ${hash} takes at most ${Math.max(0, k - 2 * hLen - 2)}`);
    }
    const rr = montRR(key.n);
    const f = ioFrame(core);
    try {
      const n = f.put(key.n);
      const m = f.put(msg);
      const l = f.put(label);
      const s = f.random(hLen);
      const rp = f.put(rr);
      const out = f.reserve(k);
      const r = checkStatus(
        encryptFn(n, key.n.length, key.e, m, msg.length, l, label.length, s, HASH_ID[hash] | (HASH_ID[mgf] << 8), out, rp),
        'RSA-OAEP encryption',
      );
      return f.read(out, r);
    } finally {
      f.wipe();
    }
  }

  function rsaOaepDecrypt(priv: RsaPrivateKey, ct: Uint8Array, opts: OaepOptions): Uint8Array {
    const key = checkPrivate(priv);
    expectBytes('ct', ct);
    const { hash, mgf, label } = hashes(opts);
    const k = key.n.length;
    if (ct.length !== k) {
      throw new ByokError('BAD_DATA_LENGTH', `"ct" expected ${k} bytes (the modulus length), got length=${ct.length}`);
    }
    const f = ioFrame(core);
    try {
      const desc = putPrivate(f, key);
      const c = f.put(ct);
      const l = f.put(label);
      const out = f.reserve(k);
      const r = checkStatus(
        decryptFn(desc, c, ct.length, l, label.length, HASH_ID[hash] | (HASH_ID[mgf] << 8), out),
        'RSA-OAEP decryption',
      );
      return f.read(out, r);
    } finally {
      f.wipe();
    }
  }

  function rsaAesKeyWrap(pub: RsaPublicKey, target: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array {
    const key = checkPublic(pub, 'pub');
    expectBytes('target', target);
    const { hash, keyBytes } = wrapOptions(opts);
    if (target.length < 1 || target.length > maxKwData) {
      throw new ByokError('BAD_DATA_LENGTH', `"target" expected 1 to ${maxKwData} bytes, got length=${target.length}`);
    }
    const k = key.n.length;
    const rr = montRR(key.n);
    const f = ioFrame(core);
    try {
      const n = f.put(key.n);
      const t = f.put(target);
      // The ephemeral AES key and the OAEP seed, drawn in one call straight into the core's memory.
      const e = f.random(keyBytes + HASH_LEN[hash]);
      const s = e + keyBytes;
      const rp = f.put(rr);
      const out = f.reserve(k + kwpLength(target.length));
      const r = checkStatus(
        wrapFn(n, key.n.length, key.e, t, target.length, e, keyBytes, s, HASH_ID[hash], out, rp),
        'RSA-AES key wrap',
      );
      return f.read(out, r);
    } finally {
      f.wipe();
    }
  }

  function rsaAesKeyUnwrap(priv: RsaPrivateKey, blob: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array {
    const key = checkPrivate(priv);
    expectBytes('blob', blob);
    const { hash, keyBytes } = wrapOptions(opts);
    const k = key.n.length;
    const wl = blob.length - k;
    // A blob no wrap under this key can have produced: the one generic error, like any other failure.
    if (wl < 16 || wl % 8 !== 0 || wl - 8 > maxKwData) throw new ByokError('DECRYPT_FAILED', DECRYPT_FAILED_MESSAGE);
    const f = ioFrame(core);
    try {
      const desc = putPrivate(f, key);
      const b = f.put(blob);
      const out = f.reserve(wl - 8);
      const r = checkStatus(unwrapFn(desc, b, blob.length, HASH_ID[hash], keyBytes, out), 'RSA-AES key unwrap');
      return f.read(out, r);
    } finally {
      f.wipe();
    }
  }

  return { rsaOaepEncrypt, rsaOaepDecrypt, rsaAesKeyWrap, rsaAesKeyUnwrap };
}
