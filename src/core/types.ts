// Public types of the crypto core's TypeScript face.

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** RSA public key as big-endian unsigned integers (leading zero bytes allowed). */
export interface RsaPublicKey {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

/** RSA private key with all CRT parameters, big-endian unsigned integers. */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qi: Uint8Array;
}

export interface OaepOptions {
  /** OAEP hash (lHash). */
  readonly hash: HashName;
  /** MGF1 hash; defaults to `hash`. */
  readonly mgf1Hash?: HashName;
  /** OAEP label; defaults to empty. */
  readonly label?: Uint8Array;
}

export interface RsaAesKeyWrapOptions {
  /**
   * OAEP hash for the ephemeral AES key (MGF1 uses the same hash). Azure uses 'sha1'; AWS, Google Cloud and
   * OCI 'sha1' or 'sha256'; Vault any of the four.
   */
  readonly hash: HashName;
  /** Size of the ephemeral AES key in bits; 256 unless a receiver requires otherwise. */
  readonly aesKeyBits?: 128 | 192 | 256;
}

/** The synchronous operations of an initialized core. All inputs are left unmodified. */
export interface CoreApi {
  /** Which build runs ('release', 'debug', ...) and the SHA-256 of its Wasm bytes (hex). */
  readonly build: string;
  readonly wasmSha256: string;
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  sha384(data: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  aesKwWrap(kek: Uint8Array, data: Uint8Array): Uint8Array;
  aesKwUnwrap(kek: Uint8Array, data: Uint8Array): Uint8Array;
  aesKwpWrap(kek: Uint8Array, data: Uint8Array): Uint8Array;
  aesKwpUnwrap(kek: Uint8Array, data: Uint8Array): Uint8Array;
  /** AES-CBC decryption of whole 16-byte blocks, without padding removal (password-protected key files). */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array;
  /** Key check value of an AES key: the first 3 bytes of AES-ECB(key, 0^128). */
  aesKcv(key: Uint8Array): Uint8Array;
  rsaOaepEncrypt(pub: RsaPublicKey, msg: Uint8Array, opts: OaepOptions): Uint8Array;
  rsaOaepDecrypt(priv: RsaPrivateKey, ct: Uint8Array, opts: OaepOptions): Uint8Array;
  rsaAesKeyWrap(pub: RsaPublicKey, target: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array;
  rsaAesKeyUnwrap(priv: RsaPrivateKey, blob: Uint8Array, opts: RsaAesKeyWrapOptions): Uint8Array;
  /**
   * RSAVP1 (RFC 8017 5.2.2): sig^e mod n as k bytes, for signature checks that compare the whole encoded
   * message themselves. `sig` must be exactly k bytes (the modulus length) and below n.
   */
  rsaPublicRaw(pub: RsaPublicKey, sig: Uint8Array): Uint8Array;
}
