// Key operations of `byok serve` (sign, verify, encrypt, decrypt, wrapKey, unwrapKey) with the algorithms
// Managed HSM offers (Key Vault REST: JsonWebKeySignatureAlgorithm, JsonWebKeyEncryptionAlgorithm).
// Signing takes a digest, as the service does: RSA with node:crypto's raw private-key operation over
// PKCS#1 v1.5 DigestInfo or an EMSA-PSS encoding made here (RFC 8017 §9.1.1, salt length = hash length);
// ECDSA with @noble/curves on the digest (prehash off), JWS r||s encoding. RSA1_5 decryption removes the
// PKCS#1 v1.5 padding here (OpenSSL's is disabled in Node for the Marvin attack), scanning every byte with
// masks and failing with one message. AES: Key Wrap (RFC 3394/5649), GCM (the service draws the IV), CBC.
import {
  constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt,
  randomBytes, timingSafeEqual, type CipherGCMTypes, type KeyObject,
} from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { badParameter, ServiceError } from './errors.js';
import type { Curve, Kty } from './key-material.js';

export type KeyOperation = 'sign' | 'verify' | 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey';

/** What an operation needs of the stored key: the node:crypto key (RSA, EC) or the AES key bytes. */
export interface OpKey {
  readonly kty: Kty;
  readonly crv?: Curve;
  readonly key?: KeyObject;
  readonly aes?: Buffer;
}

export interface OpParams {
  readonly alg: string;
  readonly value: Buffer;
  readonly digest?: Buffer; // verify
  readonly iv?: Buffer;
  readonly aad?: Buffer;
  readonly tag?: Buffer;
}

export interface OpResult {
  readonly value?: Buffer;
  readonly verified?: boolean;
  readonly iv?: Buffer;
  readonly tag?: Buffer;
  readonly aad?: Buffer;
}

const HASHES: Readonly<Record<string, { name: string; len: number; digestInfo: string }>> = {
  '256': { name: 'sha256', len: 32, digestInfo: '3031300d060960864801650304020105000420' },
  '384': { name: 'sha384', len: 48, digestInfo: '3041300d060960864801650304020205000430' },
  '512': { name: 'sha512', len: 64, digestInfo: '3051300d060960864801650304020305000440' },
};

const EC_ALGS: Readonly<Record<string, { crv: Curve; len: number }>> = {
  ES256: { crv: 'P-256', len: 32 }, ES384: { crv: 'P-384', len: 48 }, ES512: { crv: 'P-521', len: 64 }, ES256K: { crv: 'P-256K', len: 32 },
};
const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521, 'P-256K': secp256k1 } as const;

function unsupported(alg: string, kty: Kty, op: string): never {
  throw badParameter(`The algorithm ${JSON.stringify(alg.slice(0, 30))} is not supported for ${op} with a ${kty} key.`);
}

function digestLength(alg: string, digest: Buffer, len: number): void {
  if (digest.length !== len) throw badParameter(`The digest for ${alg} must be ${len} bytes, got ${digest.length}.`);
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil(key.asymmetricKeyDetails!.modulusLength! / 8);
}

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 0, have = 0; have < length; c++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(c);
    const block = createHash(hash).update(seed).update(counter).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of a digest, salt length = hash length, trailer 0xbc. */
function pssEncode(hash: { name: string; len: number }, digest: Buffer, modBits: number): Buffer {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hash.len);
  const h = createHash(hash.name).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.alloc(emLen - hash.len - 1);
  db[db.length - hash.len - 1] = 0x01;
  salt.copy(db, db.length - hash.len);
  const mask = mgf1(hash.name, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) on public data (the signature and digest are not secret). */
function pssVerify(hash: { name: string; len: number }, digest: Buffer, em: Buffer, modBits: number): boolean {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (em.length > emLen) {
    if (em[0] !== 0) return false;
    em = em.subarray(em.length - emLen);
  }
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hash.len - 1));
  const h = em.subarray(emLen - hash.len - 1, emLen - 1);
  if ((db[0]! & ~(0xff >> (8 * emLen - emBits)) & 0xff) !== 0) return false;
  const mask = mgf1(hash.name, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const ps = db.length - hash.len - 1;
  for (let i = 0; i < ps; i++) if (db[i] !== 0) return false;
  if (db[ps] !== 0x01) return false;
  const salt = db.subarray(db.length - hash.len);
  const h2 = createHash(hash.name).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  return timingSafeEqual(h, h2);
}

function sign(k: OpKey, alg: string, digest: Buffer): Buffer {
  const m = /^(RS|PS)(256|384|512)$/.exec(alg);
  if (m && k.kty === 'RSA-HSM') {
    const hash = HASHES[m[2]!]!;
    digestLength(alg, digest, hash.len);
    if (m[1] === 'RS') return privateEncrypt({ key: k.key!, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(hash.digestInfo, 'hex'), digest]));
    const em = pssEncode(hash, digest, k.key!.asymmetricKeyDetails!.modulusLength!);
    const padded = Buffer.concat([Buffer.alloc(modulusBytes(k.key!) - em.length), em]);
    return privateEncrypt({ key: k.key!, padding: constants.RSA_NO_PADDING }, padded);
  }
  const ec = EC_ALGS[alg];
  if (ec && k.kty === 'EC-HSM') {
    if (ec.crv !== k.crv) throw badParameter(`The algorithm ${alg} needs a ${ec.crv} key; this key is ${k.crv}.`);
    digestLength(alg, digest, ec.len);
    const d = Buffer.from(k.key!.export({ format: 'jwk' }).d!, 'base64url');
    try {
      return Buffer.from(NOBLE[ec.crv].sign(digest, d, { prehash: false }));
    } finally {
      d.fill(0);
    }
  }
  return unsupported(alg, k.kty, 'sign');
}

function verify(k: OpKey, alg: string, digest: Buffer, signature: Buffer): boolean {
  const m = /^(RS|PS)(256|384|512)$/.exec(alg);
  if (m && k.kty === 'RSA-HSM') {
    const hash = HASHES[m[2]!]!;
    digestLength(alg, digest, hash.len);
    if (signature.length !== modulusBytes(k.key!)) return false;
    try {
      if (m[1] === 'RS') {
        const expected = Buffer.concat([Buffer.from(hash.digestInfo, 'hex'), digest]);
        const got = publicDecrypt({ key: k.key!, padding: constants.RSA_PKCS1_PADDING }, signature);
        return got.length === expected.length && timingSafeEqual(got, expected);
      }
      const em = publicDecrypt({ key: k.key!, padding: constants.RSA_NO_PADDING }, signature);
      return pssVerify(hash, digest, em, k.key!.asymmetricKeyDetails!.modulusLength!);
    } catch {
      return false;
    }
  }
  const ec = EC_ALGS[alg];
  if (ec && k.kty === 'EC-HSM') {
    if (ec.crv !== k.crv) throw badParameter(`The algorithm ${alg} needs a ${ec.crv} key; this key is ${k.crv}.`);
    digestLength(alg, digest, ec.len);
    const jwk = k.key!.export({ format: 'jwk' });
    const pub = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    try {
      return NOBLE[ec.crv].verify(signature, digest, pub, { prehash: false, lowS: false });
    } catch {
      return false;
    }
  }
  return unsupported(alg, k.kty, 'verify');
}

const OAEP: Readonly<Record<string, string>> = { 'RSA-OAEP': 'sha1', 'RSA-OAEP-256': 'sha256' };

/**
 * RSAES-PKCS1-v1_5 decoding (RFC 8017 §7.2.2) of EM = 0x00 || 0x02 || PS (>= 8 non-zero) || 0x00 || M,
 * with masks over every byte and one error, so the time and the answer do not say which check failed.
 */
function pkcs1v15Unpad(em: Buffer): Buffer {
  let bad = em[0]! | (em[1]! ^ 0x02);
  let zeroAt = 0;
  let found = 0;
  for (let i = 2; i < em.length; i++) {
    const isZero = ((em[i]! - 1) >> 8) & 1; // 1 when em[i] == 0
    const first = isZero & (found ^ 1);
    zeroAt |= -first & i;
    found |= isZero;
  }
  bad |= (found ^ 1) | (((zeroAt - 10) >> 31) & 1); // no separator, or fewer than 8 padding bytes
  if (bad !== 0) throw badParameter('Decryption failed.', 'DecryptionFailed');
  return Buffer.from(em.subarray(zeroAt + 1));
}

function rsaEncrypt(k: OpKey, alg: string, plain: Buffer, op: string): Buffer {
  if (alg === 'RSA1_5') return publicEncrypt({ key: k.key!, padding: constants.RSA_PKCS1_PADDING }, plain);
  const hash = OAEP[alg];
  if (hash === undefined) return unsupported(alg, k.kty, op);
  return publicEncrypt({ key: k.key!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plain);
}

function rsaDecrypt(k: OpKey, alg: string, ct: Buffer, op: string): Buffer {
  if (ct.length !== modulusBytes(k.key!)) throw badParameter(`The ciphertext must be ${modulusBytes(k.key!)} bytes for this key, got ${ct.length}.`);
  try {
    if (alg === 'RSA1_5') {
      const em = privateDecrypt({ key: k.key!, padding: constants.RSA_NO_PADDING }, ct);
      try {
        return pkcs1v15Unpad(em);
      } finally {
        em.fill(0);
      }
    }
    const hash = OAEP[alg];
    if (hash === undefined) return unsupported(alg, k.kty, op);
    return privateDecrypt({ key: k.key!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ct);
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    throw badParameter('Decryption failed.', 'DecryptionFailed');
  }
}

/** A128KW… (key size fixed by the name), CKM_AES_KEY_WRAP (any size), CKM_AES_KEY_WRAP_PAD. */
function aesWrapCipher(alg: string, aes: Buffer, op: string): { name: string; iv: Buffer } {
  const bits = aes.length * 8;
  const m = /^A(128|192|256)KW$/.exec(alg);
  if (m) {
    if (Number(m[1]) !== bits) throw badParameter(`The algorithm ${alg} needs a ${m[1]}-bit key; this key has ${bits} bits.`);
    return { name: `id-aes${bits}-wrap`, iv: Buffer.from('a6a6a6a6a6a6a6a6', 'hex') };
  }
  if (alg === 'CKM_AES_KEY_WRAP') return { name: `id-aes${bits}-wrap`, iv: Buffer.from('a6a6a6a6a6a6a6a6', 'hex') };
  if (alg === 'CKM_AES_KEY_WRAP_PAD') return { name: `id-aes${bits}-wrap-pad`, iv: Buffer.from('a65959a6', 'hex') };
  return unsupported(alg, 'oct-HSM', op);
}

function aesOp(k: OpKey, op: KeyOperation, p: OpParams): OpResult {
  const aes = k.aes!;
  const bits = aes.length * 8;
  if (op === 'wrapKey' || op === 'unwrapKey') {
    const c = aesWrapCipher(p.alg, aes, op);
    try {
      const cipher = op === 'wrapKey' ? createCipheriv(c.name, aes, c.iv) : createDecipheriv(c.name, aes, c.iv);
      return { value: Buffer.concat([cipher.update(p.value), cipher.final()]) };
    } catch {
      throw badParameter(op === 'wrapKey' ? `The key to wrap has a length ${p.alg} cannot wrap (${p.value.length} bytes).` : 'Unwrap failed: the wrapped key does not pass the key-wrap integrity check.', 'DecryptionFailed');
    }
  }
  const m = /^A(128|192|256)(GCM|CBC|CBCPAD)$/.exec(p.alg);
  if (!m || (op !== 'encrypt' && op !== 'decrypt')) return unsupported(p.alg, k.kty, op);
  if (Number(m[1]) !== bits) throw badParameter(`The algorithm ${p.alg} needs a ${m[1]}-bit key; this key has ${bits} bits.`);
  if (m[2] === 'GCM') {
    if (op === 'encrypt') {
      if (p.iv !== undefined) throw badParameter('For AES-GCM the service generates the IV: do not send "iv".');
      const iv = randomBytes(12);
      const c = createCipheriv(`aes-${bits}-gcm` as CipherGCMTypes, aes, iv);
      if (p.aad) c.setAAD(p.aad);
      const value = Buffer.concat([c.update(p.value), c.final()]);
      return { value, iv, tag: c.getAuthTag(), ...(p.aad ? { aad: p.aad } : {}) };
    }
    if (p.iv?.length !== 12 || p.tag?.length !== 16) throw badParameter('AES-GCM decryption needs "iv" (12 bytes) and "tag" (16 bytes).');
    try {
      const d = createDecipheriv(`aes-${bits}-gcm` as CipherGCMTypes, aes, p.iv);
      if (p.aad) d.setAAD(p.aad);
      d.setAuthTag(p.tag);
      return { value: Buffer.concat([d.update(p.value), d.final()]) };
    } catch {
      throw badParameter('Decryption failed.', 'DecryptionFailed');
    }
  }
  const iv = p.iv ?? (op === 'encrypt' ? randomBytes(16) : undefined);
  if (iv?.length !== 16) throw badParameter(`${p.alg} needs "iv" of 16 bytes.`);
  try {
    const c = op === 'encrypt' ? createCipheriv(`aes-${bits}-cbc`, aes, iv) : createDecipheriv(`aes-${bits}-cbc`, aes, iv);
    c.setAutoPadding(m[2] === 'CBCPAD');
    return { value: Buffer.concat([c.update(p.value), c.final()]), ...(op === 'encrypt' ? { iv } : {}) };
  } catch {
    throw badParameter(op === 'encrypt' ? `${p.alg} encrypts whole 16-byte blocks only: pad the data or use ${p.alg}PAD.` : 'Decryption failed.', op === 'encrypt' ? undefined : 'DecryptionFailed');
  }
}

/** Runs one key operation; the caller has checked the key's key_ops, state and the caller's role. */
export function runKeyOperation(k: OpKey, op: KeyOperation, p: OpParams): OpResult {
  if (k.kty === 'oct-HSM') return aesOp(k, op, p);
  switch (op) {
    case 'sign':
      return { value: sign(k, p.alg, p.value) };
    case 'verify':
      if (p.digest === undefined) throw badParameter('The property "digest" is required.');
      return { verified: verify(k, p.alg, p.digest, p.value) };
    case 'encrypt':
    case 'wrapKey':
      if (k.kty !== 'RSA-HSM') return unsupported(p.alg, k.kty, op);
      return { value: rsaEncrypt(k, p.alg, p.value, op) };
    case 'decrypt':
    case 'unwrapKey':
      if (k.kty !== 'RSA-HSM') return unsupported(p.alg, k.kty, op);
      return { value: rsaDecrypt(k, p.alg, p.value, op) };
  }
}
