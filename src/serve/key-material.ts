// Key material of `byok serve`: the key types and sizes Managed HSM offers, generation, JWK import, the
// public JWK a KeyBundle shows, and sealing at rest. Private and secret material is kept as PKCS#8 DER
// (RSA, EC) or raw bytes (oct), sealed with AES-256-GCM under the data folder's master key, with the key
// name and version as additional data so a sealed blob cannot be moved to another key.
import {
  createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { badParameter } from './errors.js';
import type { RsaPkcs1View } from './rsa-pkcs8.js';

export type Kty = 'RSA-HSM' | 'EC-HSM' | 'oct-HSM';
export type Curve = 'P-256' | 'P-384' | 'P-521' | 'P-256K';

export const RSA_SIZES = [2048, 3072, 4096] as const;
export const OCT_SIZES = [128, 192, 256] as const;
export const CURVES: readonly Curve[] = ['P-256', 'P-384', 'P-521', 'P-256K'];

/** node:crypto's curve names for Azure's. */
export const NODE_CURVE: Readonly<Record<Curve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', 'P-256K': 'secp256k1' };
const AZURE_CURVE: Readonly<Record<string, Curve>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'P-256K' };

const OPS: Readonly<Record<Kty, readonly string[]>> = {
  'RSA-HSM': ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
  'EC-HSM': ['sign', 'verify'],
  'oct-HSM': ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
};

/** Public JWK members (base64url), as a KeyBundle shows them. */
export type PublicJwk = { n: string; e: string } | { crv: Curve; x: string; y: string };

export interface Material {
  readonly kty: Kty;
  readonly bits: number; // RSA modulus, EC field or AES key bits
  readonly crv?: Curve;
  readonly pub?: PublicJwk;
  /** PKCS#8 DER or raw AES key: the caller seals it and wipes it. */
  readonly secret: Buffer;
  /** The node:crypto key when one was made anyway (the key store keeps it for operations: parsing PKCS#8 costs ~1 ms). */
  readonly key?: KeyObject;
}

/** `RSA` and `RSA-HSM` are the same on a Managed HSM: every key is an HSM key. */
export function normalizeKty(kty: unknown): Kty {
  const table: Record<string, Kty> = { RSA: 'RSA-HSM', 'RSA-HSM': 'RSA-HSM', EC: 'EC-HSM', 'EC-HSM': 'EC-HSM', oct: 'oct-HSM', 'oct-HSM': 'oct-HSM' };
  if (typeof kty !== 'string' || !(kty in table)) {
    throw badParameter(`The key type (kty) ${JSON.stringify(typeof kty === 'string' ? kty.slice(0, 40) : kty ?? null)} is not supported. Supported values are "RSA-HSM", "EC-HSM", "oct-HSM".`);
  }
  return table[kty]!;
}

/** The key_ops a key gets: as asked (checked against the type), or every operation of its type. */
export function keyOpsFor(kty: Kty, asked: unknown): string[] {
  if (asked === undefined || asked === null) return [...OPS[kty]];
  if (!Array.isArray(asked) || asked.some((o) => typeof o !== 'string') || asked.length > 16) {
    throw badParameter('The property "key_ops" must be an array of key operation names.');
  }
  const ops = [...new Set(asked as string[])];
  if (ops.includes('import')) {
    if (ops.length > 1) throw badParameter("'import' is mutually exclusive with all other key operations.");
    if (kty !== 'RSA-HSM') throw badParameter('Only RSA-HSM keys can be key-exchange keys (key_ops ["import"]).');
    return ops;
  }
  const bad = ops.filter((o) => !OPS[kty].includes(o));
  if (bad.length > 0) {
    throw badParameter(`Unsupported key operation(s): ${bad.map((o) => JSON.stringify(o.slice(0, 30))).join(', ')}. Supported values are ${OPS[kty].map((o) => `"${o}"`).join(', ')}.`);
  }
  return ops;
}

export function publicJwkOf(key: KeyObject): { pub: PublicJwk; bits: number; crv?: Curve } {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { pub: { n: jwk.n!, e: jwk.e! }, bits: key.asymmetricKeyDetails!.modulusLength! };
  const crv = AZURE_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (jwk.kty !== 'EC' || crv === undefined) throw badParameter('The key is neither RSA nor EC on a supported curve.');
  return { pub: { crv, x: jwk.x!, y: jwk.y! }, bits: crv === 'P-521' ? 521 : crv === 'P-384' ? 384 : 256, crv };
}

const generate = promisify(generateKeyPair);

/** A new key of the given type (RSA and EC generation run off the event loop). */
export async function generateMaterial(kty: Kty, opts: { keySize?: unknown; crv?: unknown; publicExponent?: unknown }): Promise<Material> {
  if (kty === 'oct-HSM') {
    const bits = opts.keySize ?? 256;
    if (!OCT_SIZES.includes(bits as 256)) throw badParameter(`The key size ${JSON.stringify(bits)} is not supported for oct-HSM keys. Supported values are 128, 192, 256.`);
    return { kty, bits: bits as number, secret: randomBytes((bits as number) / 8) };
  }
  let privateKey: KeyObject;
  if (kty === 'RSA-HSM') {
    const bits = opts.keySize ?? 2048;
    if (!RSA_SIZES.includes(bits as 2048)) throw badParameter(`The key size ${JSON.stringify(bits)} is not supported for RSA-HSM keys. Supported values are 2048, 3072, 4096.`);
    const e = opts.publicExponent ?? 65537;
    if (e !== 65537 && e !== 3) throw badParameter(`The public exponent ${JSON.stringify(e)} is not supported. Supported values are 3, 65537.`);
    ({ privateKey } = await generate('rsa', { modulusLength: bits as number, publicExponent: e }));
  } else {
    const crv = opts.crv ?? 'P-256';
    if (!CURVES.includes(crv as Curve)) throw badParameter(`The curve ${JSON.stringify(crv)} is not supported. Supported values are ${CURVES.map((c) => `"${c}"`).join(', ')}.`);
    ({ privateKey } = await generate('ec', { namedCurve: NODE_CURVE[crv as Curve] }));
  }
  return { kty, ...publicJwkOf(privateKey), secret: privateKey.export({ type: 'pkcs8', format: 'der' }), key: privateKey };
}

/**
 * Checks a private key read from an import (JWK or .byok) against the kty, sizes and curves allowed.
 * `pkcs8` is its DER when the caller has it already (the caller's buffer becomes the secret).
 */
export function materialFromPrivateKey(kty: Kty, key: KeyObject, crvAsked: unknown, pkcs8?: Buffer): Material {
  const type = key.asymmetricKeyType;
  if (kty === 'RSA-HSM') {
    if (type !== 'rsa') throw badParameter(`The key type (kty) is RSA-HSM but the key is ${type === 'ec' ? 'an EC' : `a ${type ?? 'different'}`} key.`);
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (!RSA_SIZES.includes(bits as 2048)) throw badParameter(`The RSA key size ${bits} is not supported. Supported sizes are 2048, 3072, 4096.`);
  } else if (kty === 'EC-HSM') {
    if (type !== 'ec') throw badParameter(`The key type (kty) is EC-HSM but the key is ${type === 'rsa' ? 'an RSA' : `a ${type ?? 'different'}`} key.`);
    const curve = AZURE_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve === undefined) throw badParameter(`The curve ${JSON.stringify(key.asymmetricKeyDetails?.namedCurve ?? 'unknown')} is not supported. Supported values are ${CURVES.map((c) => `"${c}"`).join(', ')}.`);
    if (crvAsked !== undefined && crvAsked !== curve) throw badParameter(`The curve (crv) ${JSON.stringify(crvAsked)} does not match the key's curve "${curve}".`);
  } else {
    throw badParameter('The key type (kty) is oct-HSM but the key is an asymmetric key.');
  }
  return { kty, ...publicJwkOf(key), secret: pkcs8 ?? key.export({ type: 'pkcs8', format: 'der' }), key };
}

/**
 * An RSA key found by rsaPkcs1Of and loaded from its PKCS#1 bytes: the modulus read from the DER gives
 * the size and public JWK without asking OpenSSL again (each query of a KeyObject's details costs).
 */
export function materialFromRsaPkcs1(kty: Kty, key: KeyObject, view: RsaPkcs1View, pkcs8: Buffer): Material {
  if (!RSA_SIZES.includes(view.bits as 2048)) throw badParameter(`The RSA key size ${view.bits} is not supported. Supported sizes are 2048, 3072, 4096.`);
  const b64 = (v: Uint8Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64url');
  return { kty, bits: view.bits, pub: { n: b64(view.n), e: b64(view.e) }, secret: pkcs8, key };
}

export function materialFromAesKey(kty: Kty, raw: Buffer): Material {
  if (kty !== 'oct-HSM') throw badParameter(`The key type (kty) is ${kty} but the key is a ${raw.length * 8}-bit symmetric key.`);
  if (!OCT_SIZES.includes((raw.length * 8) as 256)) throw badParameter(`The AES key size ${raw.length * 8} is not supported. Supported sizes are 128, 192, 256.`);
  return { kty, bits: raw.length * 8, secret: raw };
}

/** A plain JWK import (`key` with private members, no key_hsm). */
export function materialFromJwk(kty: Kty, jwk: Record<string, unknown>): Material {
  if (kty === 'oct-HSM') {
    if (typeof jwk['k'] !== 'string') throw badParameter('The property "key" must be a valid JsonWebKey object: an oct-HSM key needs "k".');
    return materialFromAesKey(kty, Buffer.from(jwk['k'], 'base64url'));
  }
  const fields = kty === 'RSA-HSM' ? ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] : ['crv', 'x', 'y', 'd'];
  const missing = fields.filter((f) => typeof jwk[f] !== 'string');
  if (missing.length > 0) throw badParameter(`The property "key" must be a valid JsonWebKey object: ${missing.map((m) => `"${m}"`).join(', ')} missing.`);
  const nodeJwk: Record<string, string> = { kty: kty === 'RSA-HSM' ? 'RSA' : 'EC' };
  for (const f of fields) nodeJwk[f] = jwk[f] as string;
  if (kty === 'EC-HSM') {
    if (!CURVES.includes(nodeJwk['crv'] as Curve)) throw badParameter(`The curve ${JSON.stringify(nodeJwk['crv']!.slice(0, 20))} is not supported. Supported values are ${CURVES.map((c) => `"${c}"`).join(', ')}.`);
    if (nodeJwk['crv'] === 'P-256K') nodeJwk['crv'] = 'secp256k1';
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: nodeJwk, format: 'jwk' });
  } catch {
    throw badParameter(`${kty === 'RSA-HSM' ? 'RSA' : 'EC'} key is not valid - cannot instantiate crypto service.`);
  }
  return materialFromPrivateKey(kty, key, kty === 'EC-HSM' ? jwk['crv'] : undefined);
}

/** AES-256-GCM: iv (12) || ciphertext || tag (16), base64url. `aad` binds it to its key name and version. */
export function seal(masterKey: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', masterKey, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const out = Buffer.concat([iv, c.update(plaintext), c.final(), c.getAuthTag()]).toString('base64url');
  return out;
}

export function unseal(masterKey: Buffer, sealed: string, aad: string): Buffer {
  const b = Buffer.from(sealed, 'base64url');
  const d = createDecipheriv('aes-256-gcm', masterKey, b.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
}
