// Password-based encryption schemes named by an AlgorithmIdentifier, as found in EncryptedPrivateKeyInfo
// (RFC 5958 §3) and PKCS#12 bags (RFC 7292):
// - PBES2 (RFC 8018 §6.2, App. A.4): KDF PBKDF2 (A.2; PRF hmacWithSHA1 by default, SHA-224/256/384/512,
//   SHA-512/224, SHA-512/256) or scrypt (RFC 7914 §7); cipher AES-128/192/256-CBC, DES-EDE3-CBC, DES-CBC,
//   RC2-CBC (B.2.3);
// - PBES1 (§6.1, A.3): pbeWithMD5AndDES-CBC, pbeWithSHA1AndDES-CBC, pbeWithMD5AndRC2-CBC,
//   pbeWithSHA1AndRC2-CBC (RC2 with 64 effective bits); the MD2 variants are refused by name;
// - PKCS#12 PBE (RFC 7292 App. C): pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd2-KeyTripleDES-CBC,
//   pbeWithSHAAnd128BitRC2-CBC, pbeWithSHAAnd40BitRC2-CBC; the RC4 variants are refused by name.
// Parameters are parsed and checked completely (including the work-factor caps) before any key derivation.
import { ByokError } from '../../errors.js';
import {
  algorithmIdentifier,
  isInteger,
  isNull,
  isOctetString,
  isSequence,
  octets,
  seq,
  uint,
  type Node,
  type StructCode,
  structError,
} from './asn1.js';
import { aesCbc, cbc64, cbcDecrypt, type CbcCipher } from './cipher.js';
import { desDecryptor } from './des.js';
import { checkIterations, checkScrypt, hashOf, pbkdf1, pbkdf2, pkcs12Kdf, scrypt, type HashName } from './kdf.js';
import { OID, oidLabel } from './oids.js';
import type { PasswordForms } from './password.js';
import { rc2Decryptor } from './rc2.js';

/** A fully parsed scheme, ready to try password candidates on one ciphertext. */
export interface PbeScheme {
  /** e.g. "PBES2 (PBKDF2-hmacWithSHA256, AES-256-CBC)": for messages and inspection. */
  readonly name: string;
  /**
   * Key-derivation work of one decryption attempt, in hash-iteration units (PBKDF2 iterations × output
   * blocks, PKCS#12 KDF iterations × derivations, scrypt ≈ 3·N·r·p), so containers can bound the total.
   */
  readonly cost: number;
  /** Derives key and IV from the password and decrypts; WRONG_PASSWORD on bad padding. */
  decrypt(password: PasswordForms, ciphertext: Uint8Array): Uint8Array;
}

const REEXPORT = 're-export the key with PBES2 and AES-256-CBC (e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc)';

function unsupported(what: string, path: string, why = ''): ByokError {
  return new ByokError('UNSUPPORTED_ENCRYPTION', `${path}: ${what} is not supported${why}; ${REEXPORT}`, { path });
}

function badParams(path: string, problem: string): ByokError {
  return new ByokError('INVALID_PBE_PARAMETERS', `${path}: ${problem}; the file is damaged or was written by a broken tool`, {
    path,
  });
}

/** Parameters must be absent or NULL (e.g. for PRF AlgorithmIdentifiers). */
function noParams(params: Node | undefined, code: StructCode, path: string): void {
  if (params !== undefined && !isNull(params)) throw structError(code, path, 'parameters must be NULL or absent');
}

const PRFS: Readonly<Record<string, HashName>> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
  [OID.hmacWithSHA512_224]: 'sha512_224',
  [OID.hmacWithSHA512_256]: 'sha512_256',
};

const PRF_NAMES: Readonly<Record<HashName, string>> = {
  md5: 'hmacWithMD5',
  sha1: 'hmacWithSHA1',
  sha224: 'hmacWithSHA224',
  sha256: 'hmacWithSHA256',
  sha384: 'hmacWithSHA384',
  sha512: 'hmacWithSHA512',
  sha512_224: 'hmacWithSHA512-224',
  sha512_256: 'hmacWithSHA512-256',
};

/** A PRF AlgorithmIdentifier (PBKDF2 prf, PBMAC1 messageAuthScheme) to a hash name. */
export function prfHash(n: Node | undefined, code: StructCode, path: string): HashName {
  const alg = algorithmIdentifier(n, code, path);
  const h = PRFS[alg.oid];
  if (h === undefined) throw unsupported(`PRF ${oidLabel(alg.oid)}`, path);
  noParams(alg.params, code, `${path}.parameters`);
  return h;
}

/** PBKDF2-params (RFC 8018 A.2), shared with PBMAC1. */
export interface Pbkdf2Params {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly keyLength: number | undefined;
  readonly prf: HashName;
}

export function parsePbkdf2Params(n: Node | undefined, code: StructCode, path: string): Pbkdf2Params {
  const items = seq(n, code, path, { min: 2, max: 4 });
  const saltNode = items[0] as Node;
  if (!isOctetString(saltNode)) {
    if (isSequence(saltNode)) throw unsupported('PBKDF2 with an otherSource salt', `${path}.salt`);
    throw structError(code, `${path}.salt`, 'expected OCTET STRING');
  }
  const salt = octets(saltNode, code, `${path}.salt`);
  const iterations = uint(items[1], code, `${path}.iterationCount`);
  checkIterations(iterations, `${path}.iterationCount`);
  let keyLength: number | undefined;
  let prf: HashName = 'sha1'; // DEFAULT algid-hmacWithSHA1
  let i = 2;
  if (items[i] !== undefined && isInteger(items[i] as Node)) {
    keyLength = uint(items[i], code, `${path}.keyLength`);
    if (keyLength < 1) throw badParams(`${path}.keyLength`, 'key length 0');
    i++;
  }
  if (items[i] !== undefined) {
    prf = prfHash(items[i], code, `${path}.prf`);
    i++;
  }
  if (i !== items.length) throw structError(code, path, 'unexpected element');
  return { salt, iterations, keyLength, prf };
}

interface KdfPlan {
  readonly name: string;
  /** Work for a derivation of dkLen bytes, in hash-iteration units. */
  cost(dkLen: number): number;
  /** The declared key length, if the parameters carry one. */
  readonly keyLength: number | undefined;
  derive(password: Uint8Array, dkLen: number): Uint8Array;
}

function parseKdf(n: Node | undefined, code: StructCode, path: string): KdfPlan {
  const alg = algorithmIdentifier(n, code, path);
  if (alg.oid === OID.pbkdf2) {
    const p = parsePbkdf2Params(alg.params, code, `${path}.parameters`);
    return {
      name: `PBKDF2-${PRF_NAMES[p.prf]}`,
      keyLength: p.keyLength,
      cost: (dkLen) => p.iterations * Math.ceil(dkLen / hashOf(p.prf).outputLen),
      derive: (pw, dkLen) => pbkdf2(p.prf, pw, p.salt, p.iterations, dkLen),
    };
  }
  if (alg.oid === OID.scrypt) {
    // scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter, blockSize, parallelizationParameter,
    //   keyLength INTEGER OPTIONAL } (RFC 7914 §7)
    const pp = `${path}.parameters`;
    const items = seq(alg.params, code, pp, { min: 4, max: 5 });
    const salt = octets(items[0], code, `${pp}.salt`);
    const N = uint(items[1], code, `${pp}.costParameter`);
    const r = uint(items[2], code, `${pp}.blockSize`);
    const p = uint(items[3], code, `${pp}.parallelizationParameter`);
    const keyLength = items[4] === undefined ? undefined : uint(items[4], code, `${pp}.keyLength`);
    if (keyLength === 0) throw badParams(`${pp}.keyLength`, 'key length 0');
    checkScrypt(N, r, p, pp);
    return {
      name: `scrypt(N=${N}, r=${r}, p=${p})`,
      keyLength,
      // Measured with @noble/hashes: scrypt N·r·p = 2^17 takes about as long as 350,000 PBKDF2-SHA256 rounds.
      cost: () => 3 * N * r * p,
      derive: (pw, dkLen) => scrypt(pw, salt, N, r, p, dkLen),
    };
  }
  throw unsupported(`key derivation ${oidLabel(alg.oid)}`, `${path}.algorithm`);
}

interface CipherPlan {
  readonly cipher: CbcCipher;
  readonly iv: Uint8Array;
  /** Key length in bytes; for RC2 it comes from the KDF's keyLength (default 16). */
  readonly keyLen: number | 'from-kdf';
}

function ivParam(n: Node | undefined, len: number, code: StructCode, path: string): Uint8Array {
  const iv = octets(n, code, path);
  if (iv.length !== len) throw structError(code, path, `IV must be ${len} bytes, found ${iv.length}`);
  return iv;
}

/** RC2 effective key bits from rc2ParameterVersion (RFC 8018 B.2.3; absent means 32 bits). */
function rc2EffectiveBits(version: number | undefined, path: string): number {
  if (version === undefined) return 32;
  if (version === 160) return 40;
  if (version === 120) return 64;
  if (version === 58) return 128;
  if (version >= 256 && version <= 1024) return version;
  throw badParams(path, `rc2ParameterVersion ${version} is not defined`);
}

function parseCipher(n: Node | undefined, code: StructCode, path: string): CipherPlan {
  const alg = algorithmIdentifier(n, code, path);
  const pp = `${path}.parameters`;
  switch (alg.oid) {
    case OID.aes128CBC:
      return { cipher: aesCbc(16), iv: ivParam(alg.params, 16, code, pp), keyLen: 16 };
    case OID.aes192CBC:
      return { cipher: aesCbc(24), iv: ivParam(alg.params, 16, code, pp), keyLen: 24 };
    case OID.aes256CBC:
      return { cipher: aesCbc(32), iv: ivParam(alg.params, 16, code, pp), keyLen: 32 };
    case OID.desEDE3CBC:
      return { cipher: cbc64('DES-EDE3-CBC', 24, desDecryptor), iv: ivParam(alg.params, 8, code, pp), keyLen: 24 };
    case OID.desCBC:
      return { cipher: cbc64('DES-CBC', 8, desDecryptor), iv: ivParam(alg.params, 8, code, pp), keyLen: 8 };
    case OID.rc2CBC: {
      // RC2-CBC-Parameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING (SIZE(8)) }
      const items = seq(alg.params, code, pp, { min: 1, max: 2 });
      const version = items.length === 2 ? uint(items[0], code, `${pp}.rc2ParameterVersion`) : undefined;
      const bits = rc2EffectiveBits(version, `${pp}.rc2ParameterVersion`);
      const iv = ivParam(items[items.length - 1], 8, code, `${pp}.iv`);
      return { cipher: cbc64(`RC2-CBC (${bits}-bit)`, 0, (k) => rc2Decryptor(k, bits)), iv, keyLen: 'from-kdf' };
    }
    default:
      throw unsupported(`encryption ${oidLabel(alg.oid)}`, `${path}.algorithm`);
  }
}

function pbes2(params: Node | undefined, code: StructCode, path: string): PbeScheme {
  // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
  const items = seq(params, code, path, { min: 2, max: 2 });
  const kdf = parseKdf(items[0], code, `${path}.keyDerivationFunc`);
  const enc = parseCipher(items[1], code, `${path}.encryptionScheme`);
  let keyLen: number;
  if (enc.keyLen === 'from-kdf') {
    keyLen = kdf.keyLength ?? 16; // OpenSSL writes RC2-CBC with a 16-byte key and states keyLength
    if (keyLen > 128) throw badParams(`${path}.keyDerivationFunc`, `RC2 key length ${keyLen} exceeds 128 bytes`);
  } else {
    keyLen = enc.keyLen;
    if (kdf.keyLength !== undefined && kdf.keyLength !== keyLen) {
      throw badParams(
        `${path}.keyDerivationFunc`,
        `keyLength ${kdf.keyLength} does not match ${enc.cipher.name}, which needs ${keyLen} bytes`,
      );
    }
  }
  return {
    name: `PBES2 (${kdf.name}, ${enc.cipher.name})`,
    cost: kdf.cost(keyLen),
    decrypt(pw, ct) {
      const key = kdf.derive(pw.utf8, keyLen);
      try {
        return cbcDecrypt(enc.cipher, key, enc.iv, ct, code, path);
      } finally {
        key.fill(0);
      }
    },
  };
}

/** PBEParameter (PBES1) and pkcs-12PbeParams: SEQUENCE { salt OCTET STRING, iterations INTEGER }. */
function saltAndCount(params: Node | undefined, code: StructCode, path: string): { salt: Uint8Array; iterations: number } {
  const items = seq(params, code, path, { min: 2, max: 2 });
  const salt = octets(items[0], code, `${path}.salt`);
  const iterations = uint(items[1], code, `${path}.iterationCount`);
  checkIterations(iterations, `${path}.iterationCount`);
  return { salt, iterations };
}

function pbes1(oid: string, params: Node | undefined, code: StructCode, path: string): PbeScheme {
  const hash: 'md5' | 'sha1' = oid === OID.pbeWithMD5AndDES || oid === OID.pbeWithMD5AndRC2 ? 'md5' : 'sha1';
  const isDes = oid === OID.pbeWithMD5AndDES || oid === OID.pbeWithSHA1AndDES;
  const { salt, iterations } = saltAndCount(params, code, path);
  // RFC 8018 §6.1.1: DK = PBKDF1(P, S, c, 16); K = DK[0..8), IV = DK[8..16); RC2 with 64 effective bits.
  const cipher = isDes ? cbc64('DES-CBC', 8, desDecryptor) : cbc64('RC2-CBC (64-bit)', 8, (k) => rc2Decryptor(k, 64));
  return {
    name: oidLabel(oid).replace(/ \(.*$/, ''),
    cost: iterations,
    decrypt(pw, ct) {
      const dk = pbkdf1(hash, pw.utf8, salt, iterations, 16);
      try {
        return cbcDecrypt(cipher, dk.subarray(0, 8), dk.subarray(8, 16), ct, code, path);
      } finally {
        dk.fill(0);
      }
    },
  };
}

function pkcs12Pbe(oid: string, params: Node | undefined, code: StructCode, path: string): PbeScheme {
  let cipher: CbcCipher;
  let keyLen: number;
  switch (oid) {
    case OID.pbeWithSHAAnd3KeyTripleDES:
      [cipher, keyLen] = [cbc64('DES-EDE3-CBC', 24, desDecryptor), 24];
      break;
    case OID.pbeWithSHAAnd2KeyTripleDES:
      [cipher, keyLen] = [cbc64('DES-EDE-CBC', 16, desDecryptor), 16];
      break;
    case OID.pbeWithSHAAnd128BitRC2:
      [cipher, keyLen] = [cbc64('RC2-CBC (128-bit)', 16, (k) => rc2Decryptor(k, 128)), 16];
      break;
    default: // pbeWithSHAAnd40BitRC2
      [cipher, keyLen] = [cbc64('RC2-CBC (40-bit)', 5, (k) => rc2Decryptor(k, 40)), 5];
  }
  const { salt, iterations } = saltAndCount(params, code, path);
  return {
    name: oidLabel(oid).replace(/ \(.*$/, ''),
    cost: iterations * (Math.ceil(keyLen / 20) + 1), // key blocks + one IV block, SHA-1
    decrypt(pw, ct) {
      // RFC 7292 App. B.2 with SHA-1: ID 1 derives the key, ID 2 the IV.
      const key = pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, keyLen);
      const iv = pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, 8);
      try {
        return cbcDecrypt(cipher, key, iv, ct, code, path);
      } finally {
        key.fill(0);
        iv.fill(0);
      }
    },
  };
}

/** Parses the encryption AlgorithmIdentifier at `n` into a scheme, or refuses it by name. */
export function pbeScheme(n: Node | undefined, code: StructCode, path: string): PbeScheme {
  const alg = algorithmIdentifier(n, code, path);
  const pp = `${path}.parameters`;
  switch (alg.oid) {
    case OID.pbes2:
      return pbes2(alg.params, code, pp);
    case OID.pbeWithMD5AndDES:
    case OID.pbeWithSHA1AndDES:
    case OID.pbeWithMD5AndRC2:
    case OID.pbeWithSHA1AndRC2:
      return pbes1(alg.oid, alg.params, code, pp);
    case OID.pbeWithSHAAnd3KeyTripleDES:
    case OID.pbeWithSHAAnd2KeyTripleDES:
    case OID.pbeWithSHAAnd128BitRC2:
    case OID.pbeWithSHAAnd40BitRC2:
      return pkcs12Pbe(alg.oid, alg.params, code, pp);
    case OID.pbeWithSHAAnd128BitRC4:
    case OID.pbeWithSHAAnd40BitRC4:
      throw unsupported(oidLabel(alg.oid), `${path}.algorithm`, ' (RC4 is broken)');
    case OID.pbeWithMD2AndDES:
    case OID.pbeWithMD2AndRC2:
      throw unsupported(oidLabel(alg.oid), `${path}.algorithm`, ' (MD2 is broken)');
    default:
      throw unsupported(`encryption scheme ${oidLabel(alg.oid)}`, `${path}.algorithm`);
  }
}
