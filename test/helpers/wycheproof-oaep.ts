// Typed loader for Wycheproof RSAES-OAEP decryption vectors (schemas/rsaes_oaep_decrypt_schema_v1.json,
// private keys per schemas/rsa_common.json: hex big-endian integers, CRT fields included; three-prime
// keys add otherPrimeInfos).
import { readdirSync } from 'node:fs';
import type { HashName, RsaPrivateKey } from '../../src/core/types.js';
import { hex, readJsonVector, vectorPath } from './vectors.js';

export interface WycheproofOaepTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly ct: string;
  readonly label: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

export interface WycheproofRsaPrivateKey {
  readonly modulus: string;
  readonly privateExponent: string;
  readonly publicExponent: string;
  readonly prime1: string;
  readonly prime2: string;
  readonly exponent1: string;
  readonly exponent2: string;
  readonly coefficient: string;
  readonly otherPrimeInfos?: readonly unknown[];
}

export interface WycheproofOaepGroup {
  readonly type: 'RsaesOaepDecrypt';
  readonly keySize: number;
  readonly sha: string;
  readonly mgf: string;
  readonly mgfSha: string;
  readonly privateKey: WycheproofRsaPrivateKey;
  readonly tests: readonly WycheproofOaepTest[];
}

export interface WycheproofOaepFile {
  readonly algorithm: string;
  readonly schema: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofOaepGroup[];
}

/** Every RSA-OAEP vector file name in wycheproof/ (two- and three-prime), sorted. */
export function oaepFiles(): string[] {
  return readdirSync(vectorPath('wycheproof'))
    .filter((f) => /^rsa_(three_primes_)?oaep_.*_test\.json$/.test(f))
    .sort();
}

export function loadOaepFile(name: string): WycheproofOaepFile {
  const file = readJsonVector<WycheproofOaepFile>('wycheproof', name);
  if (file.schema !== 'rsaes_oaep_decrypt_schema_v1.json') {
    throw new Error(`${name}: unexpected schema ${file.schema}`);
  }
  return file;
}

/** Wycheproof hash names to ours; undefined for hashes the core does not implement. */
export function hashOf(name: string): HashName | undefined {
  const map: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
  return map[name];
}

/** The CRT private key of a group (the first two primes only, for three-prime keys). */
export function privateKeyOf(k: WycheproofRsaPrivateKey): RsaPrivateKey {
  return {
    n: hex(k.modulus),
    e: hex(k.publicExponent),
    d: hex(k.privateExponent),
    p: hex(k.prime1),
    q: hex(k.prime2),
    dp: hex(k.exponent1),
    dq: hex(k.exponent2),
    qi: hex(k.coefficient),
  };
}
