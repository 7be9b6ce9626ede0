// SoftHSM v2 as the HSM on either side, driven through pkcs11js. A private token folder (SOFTHSM2_CONF →
// a temp config) keeps tests away from any real token; a lab holds one or more tokens of that folder.
//
// The importing side (issue 4 "Proof"): SoftHSM 2.6 has no native CKM_RSA_AES_KEY_WRAP, so a ciphertext is
// opened the way Azure's spec allows (byok-formats.md §3.5): C_UnwrapKey(CKM_RSA_PKCS_OAEP SHA-1/MGF1-SHA-1/
// empty label) with the token's private KEK gives the AES key object, then C_UnwrapKey(CKM_AES_KEY_WRAP_PAD
// = 0x210A, RFC 5649 in SoftHSM's unwrap) imports the target. Key material never leaves the token except
// where a test explicitly creates a readable object (the RFC 5649 conformance check).
//
// The source side (issue 11): targets generated in a token or imported into it as token objects, for
// byok to wrap inside the token; their public halves come back as node KeyObjects to compare with.
import { spawnSync } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Pkcs11Types from 'pkcs11js';

const require = createRequire(import.meta.url);

export const SOFTHSM_LIBRARY_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export function findSoftHsmLibrary(): string | undefined {
  return SOFTHSM_LIBRARY_CANDIDATES.find((p) => existsSync(p));
}

/** True when SoftHSM's library and softhsm2-util are installed and pkcs11js loads. */
export function softHsmUsable(): boolean {
  if (!findSoftHsmLibrary()) return false;
  const r = spawnSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) return false;
  try {
    require('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

// PKCS#11 constants used here (byok-formats.md §3.1; pkcs11.h).
const CKO_SECRET_KEY = 4, CKO_PRIVATE_KEY = 3, CKO_PUBLIC_KEY = 2;
const CKK_RSA = 0, CKK_EC = 3, CKK_GENERIC_SECRET = 0x10, CKK_AES = 0x1f;
export const CKA_CLASS = 0, CKA_TOKEN = 1, CKA_PRIVATE = 2, CKA_LABEL = 3, CKA_VALUE = 0x11, CKA_KEY_TYPE = 0x100, CKA_ID = 0x102,
  CKA_SENSITIVE = 0x103, CKA_ENCRYPT = 0x104, CKA_DECRYPT = 0x105, CKA_WRAP = 0x106, CKA_UNWRAP = 0x107, CKA_SIGN = 0x108,
  CKA_VERIFY = 0x10a, CKA_MODULUS = 0x120, CKA_MODULUS_BITS = 0x121, CKA_PUBLIC_EXPONENT = 0x122, CKA_PRIVATE_EXPONENT = 0x123,
  CKA_PRIME_1 = 0x124, CKA_PRIME_2 = 0x125, CKA_EXPONENT_1 = 0x126, CKA_EXPONENT_2 = 0x127, CKA_COEFFICIENT = 0x128,
  CKA_VALUE_LEN = 0x161, CKA_EXTRACTABLE = 0x162, CKA_EC_PARAMS = 0x180, CKA_EC_POINT = 0x181, CKA_WRAP_WITH_TRUSTED = 0x210;
export const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0, CKM_RSA_PKCS_OAEP = 0x9, CKM_SHA256_RSA_PKCS = 0x40,
  CKM_SHA256_RSA_PKCS_PSS = 0x43, CKM_SHA_1 = 0x220, CKM_SHA256 = 0x250, CKM_EC_KEY_PAIR_GEN = 0x1040, CKM_ECDSA = 0x1041,
  CKM_AES_KEY_GEN = 0x1080, CKM_AES_ECB = 0x1081, CKM_DES3_KEY_GEN = 0x131, CKM_AES_KEY_WRAP_PAD = 0x210a;
const CKG_MGF1_SHA1 = 1, CKG_MGF1_SHA256 = 2, CKZ_DATA_SPECIFIED = 1;
const CKF_RW_SESSION = 2, CKF_SERIAL_SESSION = 4, CKU_USER = 1;

/** DER namedCurve OIDs (CKA_EC_PARAMS). */
export const EC_PARAMS: Readonly<Record<'P-256' | 'P-384' | 'P-521' | 'secp256k1', string>> = {
  'P-256': '06082a8648ce3d030107', 'P-384': '06052b81040022', 'P-521': '06052b81040023', secp256k1: '06052b8104000a',
};

export type TargetKind = 'rsa' | 'ec' | 'oct';

export interface SoftHsmKek {
  readonly bits: number;
  /** SubjectPublicKeyInfo PEM of the token's KEK, as `az keyvault key download` would give it. */
  readonly publicPem: string;
  readonly privateHandle: Buffer;
}

export interface KeyFlags {
  readonly extractable?: boolean;      // default true
  /** Default false; 'absent' makes the key without the attribute (NSS keeps only those a key is made with). */
  readonly wrapWithTrusted?: boolean | 'absent';
  readonly id?: Buffer;
}

/** A token object made by a test: its handle, and its public half (RSA, EC) to compare with. */
export interface TokenTarget {
  readonly handle: Buffer;
  readonly publicKey?: KeyObject;
}

export interface SoftHsm {
  readonly library: string;
  readonly label: string;
  readonly pin: string;
  readonly p11: Pkcs11Types.PKCS11;
  /** Generates an RSA key pair inside the token: the private half is sensitive and not extractable. */
  generateKek(bits: number): SoftHsmKek;
  /** Imports a KEK whose private half the test holds (to open blobs with OpenSSL too) as a session object. */
  importKek(privateKey: KeyObject): SoftHsmKek;
  /**
   * Opens a CKM_RSA_AES_KEY_WRAP ciphertext inside the token (OAEP unwrap, then KWP unwrap) and returns
   * the handle of the imported, non-extractable target key.
   */
  importWrapped(kek: SoftHsmKek, ciphertext: Uint8Array, kind: TargetKind): Buffer;
  /** Signs inside the token: RSA PKCS#1 v1.5 or PSS with SHA-256, or ECDSA over a digest the caller made. */
  signRsa(key: Buffer, data: Uint8Array, pss: boolean): Buffer;
  signEcdsaDigest(key: Buffer, digest: Uint8Array): Buffer;
  /** AES-ECB of one 16-byte block inside the token. */
  encryptBlock(key: Buffer, block: Uint8Array): Buffer;
  /**
   * RFC 5649 conformance of the token's 0x210A: imports `kek` as an AES key, unwraps `wrapped` into a
   * *readable* generic secret and returns its value (or null when the token refuses the unwrap).
   */
  kwpUnwrapReadable(kek: Uint8Array, wrapped: Uint8Array): Buffer | null;
  // ---- token objects for byok to wrap (issue 11) ----
  generateRsa(label: string, bits: number, flags?: KeyFlags): TokenTarget;
  generateEc(label: string, curve: keyof typeof EC_PARAMS, flags?: KeyFlags): TokenTarget;
  generateAes(label: string, bits: number, flags?: KeyFlags): TokenTarget;
  generateDes3(label: string): TokenTarget;
  /** Imports a node private key (RSA or EC, with its public key object for EC) or raw AES bytes. */
  importPrivate(label: string, key: KeyObject, flags?: KeyFlags): TokenTarget;
  importAes(label: string, value: Buffer, flags?: KeyFlags): TokenTarget;
  /** Every token object (CKA_TOKEN true) as "class/label/id", sorted. */
  tokenObjects(): string[];
  close(): void;
}

export interface SoftHsmLab {
  readonly library: string;
  readonly dir: string;
  /** The SOFTHSM2_CONF path: give it to child processes (byok) in their environment. */
  readonly conf: string;
  readonly pin: string;
  readonly p11: Pkcs11Types.PKCS11;
  token(label: string): SoftHsm;
  close(): void;
}

/**
 * Creates a private SoftHSM folder with the given tokens (PIN 1234, SO PIN 5678), points this process at it
 * (SOFTHSM2_CONF) and initializes the library. Call close() in afterAll.
 */
export function createSoftHsmLab(labels: readonly string[]): SoftHsmLab {
  const library = findSoftHsmLibrary();
  if (!library) throw new Error('SoftHSM library not found');
  const dir = mkdtempSync(join(tmpdir(), 'byok-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  const pin = '1234';
  for (const label of labels) {
    const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '5678', '--pin', pin], {
      env: { ...process.env, SOFTHSM2_CONF: conf }, encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}`);
  }
  const pkcs11js = require('pkcs11js') as typeof Pkcs11Types;
  const p11 = new pkcs11js.PKCS11();
  p11.load(library);
  p11.C_Initialize();
  const tokens = new Map<string, SoftHsm>();
  return {
    library, dir, conf, pin, p11,
    token(label) {
      let t = tokens.get(label);
      if (t === undefined) {
        t = openToken(pkcs11js, p11, library, label, pin);
        tokens.set(label, t);
      }
      return t;
    },
    close() {
      try {
        for (const t of tokens.values()) t.close();
        p11.C_Finalize();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts SoftHSM with one fresh token in a temporary folder (the importing HSM). Call close() in afterAll. */
export function openSoftHsm(): SoftHsm {
  const lab = createSoftHsmLab(['byok-test']);
  return { ...lab.token('byok-test'), close: () => lab.close() };
}

const b = (hex: string): Buffer => Buffer.from(hex, 'hex');
const jwkBytes = (v: string | undefined): Buffer => Buffer.from(v ?? '', 'base64url');

function openToken(pkcs11js: typeof Pkcs11Types, p11: Pkcs11Types.PKCS11, library: string, label: string, pin: string): SoftHsm {
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === label);
  if (!slot) throw new Error(`initialized SoftHSM token ${label} not found`);
  const session = p11.C_OpenSession(slot, CKF_RW_SESSION | CKF_SERIAL_SESSION);
  try {
    p11.C_Login(session, CKU_USER, pin);
  } catch (e) {
    if (!(e instanceof pkcs11js.Pkcs11Error) || e.code !== 0x100) throw e; // CKR_USER_ALREADY_LOGGED_IN: another token of the lab
  }
  return tokenOps(pkcs11js, p11, session, { library, label, pin });
}

/**
 * The operations of SoftHsm on any logged-in read/write session of any PKCS#11 module (SoftHSM, NSS):
 * generic PKCS#11, nothing SoftHSM-specific.
 */
export function tokenOps(pkcs11js: typeof Pkcs11Types, p11: Pkcs11Types.PKCS11, session: Buffer, meta: { library: string; label: string; pin: string }): SoftHsm {
  const { library, label, pin } = meta;

  const oaepSha1 = { mechanism: CKM_RSA_PKCS_OAEP, parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: CKM_SHA_1, mgf: CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED } };

  const importedTemplate = (kind: TargetKind): Pkcs11Types.Template => {
    const common = [
      { type: CKA_TOKEN, value: false }, { type: CKA_PRIVATE, value: true },
      { type: CKA_SENSITIVE, value: true }, { type: CKA_EXTRACTABLE, value: false },
    ];
    switch (kind) {
      case 'rsa': return [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_KEY_TYPE, value: CKK_RSA }, { type: CKA_SIGN, value: true }, ...common];
      case 'ec': return [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_KEY_TYPE, value: CKK_EC }, { type: CKA_SIGN, value: true }, ...common];
      case 'oct': return [{ type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, { type: CKA_ENCRYPT, value: true }, ...common];
    }
  };

  /** Attributes every target token object shares: a label, an id, sensitive, extractable unless told not. */
  const targetAttrs = (lbl: string, f: KeyFlags = {}): Pkcs11Types.Template => [
    { type: CKA_TOKEN, value: true }, { type: CKA_PRIVATE, value: true }, { type: CKA_LABEL, value: lbl },
    ...(f.id === undefined ? [] : [{ type: CKA_ID, value: f.id }]),
    { type: CKA_SENSITIVE, value: true }, { type: CKA_EXTRACTABLE, value: f.extractable ?? true },
    ...(f.wrapWithTrusted === 'absent' ? [] : [{ type: CKA_WRAP_WITH_TRUSTED, value: f.wrapWithTrusted ?? false }]),
  ];
  const publicAttrs = (lbl: string, f: KeyFlags = {}): Pkcs11Types.Template => [
    { type: CKA_TOKEN, value: true }, { type: CKA_LABEL, value: lbl }, ...(f.id === undefined ? [] : [{ type: CKA_ID, value: f.id }]),
  ];
  const rsaPublic = (h: Buffer): KeyObject => {
    const [n, e] = p11.C_GetAttributeValue(session, h, [{ type: CKA_MODULUS }, { type: CKA_PUBLIC_EXPONENT }]);
    return createPublicKey({ key: { kty: 'RSA', n: n!.value.toString('base64url'), e: e!.value.toString('base64url') }, format: 'jwk' });
  };
  const ecPublic = (h: Buffer, curve: keyof typeof EC_PARAMS): KeyObject => {
    const [point] = p11.C_GetAttributeValue(session, h, [{ type: CKA_EC_POINT }]);
    const raw = point!.value.subarray(point!.value[1]! & 0x80 ? 3 : 2); // DER OCTET STRING around 04 || X || Y
    const half = (raw.length - 1) / 2;
    return createPublicKey({
      key: { kty: 'EC', crv: curve, x: raw.subarray(1, 1 + half).toString('base64url'), y: raw.subarray(1 + half).toString('base64url') },
      format: 'jwk',
    });
  };

  const t: SoftHsm = {
    library, label, pin, p11,
    generateKek(bits) {
      const pair = p11.C_GenerateKeyPair(session, { mechanism: CKM_RSA_PKCS_KEY_PAIR_GEN }, [
        { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_TOKEN, value: false },
        { type: CKA_MODULUS_BITS, value: bits }, { type: CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: CKA_ENCRYPT, value: true }, { type: CKA_WRAP, value: true },
      ], [
        { type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_TOKEN, value: false }, { type: CKA_PRIVATE, value: true },
        { type: CKA_SENSITIVE, value: true }, { type: CKA_EXTRACTABLE, value: false },
        { type: CKA_DECRYPT, value: true }, { type: CKA_UNWRAP, value: true },
      ]);
      const publicPem = rsaPublic(pair.publicKey).export({ type: 'spki', format: 'pem' }) as string;
      return { bits, publicPem, privateHandle: pair.privateKey };
    },
    importKek(privateKey) {
      const j = privateKey.export({ format: 'jwk' });
      const h = p11.C_CreateObject(session, [
        { type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_KEY_TYPE, value: CKK_RSA }, { type: CKA_TOKEN, value: false },
        { type: CKA_PRIVATE, value: true }, { type: CKA_SENSITIVE, value: true }, { type: CKA_EXTRACTABLE, value: false },
        { type: CKA_DECRYPT, value: true }, { type: CKA_UNWRAP, value: true }, ...rsaPrivateAttrs(j),
      ]);
      const pub = createPublicKey(privateKey);
      return { bits: jwkBytes(j.n).length * 8, publicPem: pub.export({ type: 'spki', format: 'pem' }) as string, privateHandle: h };
    },
    importWrapped(kek, ciphertext, kind) {
      const k = kek.bits / 8;
      const ct = Buffer.from(ciphertext);
      const aes = p11.C_UnwrapKey(session, oaepSha1, kek.privateHandle, ct.subarray(0, k), [
        { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES },
        { type: CKA_TOKEN, value: false }, { type: CKA_SENSITIVE, value: true }, { type: CKA_EXTRACTABLE, value: false },
        { type: CKA_UNWRAP, value: true },
      ]);
      try {
        return p11.C_UnwrapKey(session, { mechanism: CKM_AES_KEY_WRAP_PAD }, aes, ct.subarray(k), importedTemplate(kind));
      } finally {
        p11.C_DestroyObject(session, aes);
      }
    },
    signRsa(key, data, pss) {
      const mech = pss
        ? { mechanism: CKM_SHA256_RSA_PKCS_PSS, parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: 32 } }
        : { mechanism: CKM_SHA256_RSA_PKCS };
      p11.C_SignInit(session, mech, key);
      return p11.C_Sign(session, Buffer.from(data), Buffer.alloc(1024));
    },
    signEcdsaDigest(key, digest) {
      p11.C_SignInit(session, { mechanism: CKM_ECDSA }, key);
      return p11.C_Sign(session, Buffer.from(digest), Buffer.alloc(256));
    },
    encryptBlock(key, block) {
      p11.C_EncryptInit(session, { mechanism: CKM_AES_ECB }, key);
      return p11.C_Encrypt(session, Buffer.from(block), Buffer.alloc(16));
    },
    kwpUnwrapReadable(kek, wrapped) {
      const wrapping = p11.C_CreateObject(session, [
        { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, { type: CKA_TOKEN, value: false },
        { type: CKA_VALUE, value: Buffer.from(kek) }, { type: CKA_UNWRAP, value: true },
      ]);
      try {
        const out = p11.C_UnwrapKey(session, { mechanism: CKM_AES_KEY_WRAP_PAD }, wrapping, Buffer.from(wrapped), [
          { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_GENERIC_SECRET }, { type: CKA_TOKEN, value: false },
          { type: CKA_SENSITIVE, value: false }, { type: CKA_EXTRACTABLE, value: true },
        ]);
        const [v] = p11.C_GetAttributeValue(session, out, [{ type: CKA_VALUE }]);
        p11.C_DestroyObject(session, out);
        return v!.value;
      } catch (e) {
        if (e instanceof pkcs11js.Pkcs11Error) return null;
        throw e;
      } finally {
        p11.C_DestroyObject(session, wrapping);
      }
    },
    generateRsa(lbl, bits, f = {}) {
      const pair = p11.C_GenerateKeyPair(session, { mechanism: CKM_RSA_PKCS_KEY_PAIR_GEN }, [
        { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, ...publicAttrs(lbl, f), { type: CKA_MODULUS_BITS, value: bits },
        { type: CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }, { type: CKA_VERIFY, value: true },
      ], [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, ...targetAttrs(lbl, f), { type: CKA_SIGN, value: true }]);
      return { handle: pair.privateKey, publicKey: rsaPublic(pair.publicKey) };
    },
    generateEc(lbl, curve, f = {}) {
      const pair = p11.C_GenerateKeyPair(session, { mechanism: CKM_EC_KEY_PAIR_GEN }, [
        { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, ...publicAttrs(lbl, f), { type: CKA_EC_PARAMS, value: b(EC_PARAMS[curve]) }, { type: CKA_VERIFY, value: true },
      ], [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, ...targetAttrs(lbl, f), { type: CKA_SIGN, value: true }]);
      return { handle: pair.privateKey, publicKey: ecPublic(pair.publicKey, curve) };
    },
    generateAes(lbl, bits, f = {}) {
      const h = p11.C_GenerateKey(session, { mechanism: CKM_AES_KEY_GEN }, [
        { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, { type: CKA_VALUE_LEN, value: bits / 8 },
        ...targetAttrs(lbl, f), { type: CKA_ENCRYPT, value: true },
      ]);
      return { handle: h };
    },
    generateDes3(lbl) {
      return { handle: p11.C_GenerateKey(session, { mechanism: CKM_DES3_KEY_GEN }, [{ type: CKA_CLASS, value: CKO_SECRET_KEY }, ...targetAttrs(lbl)]) };
    },
    importPrivate(lbl, key, f = {}) {
      const j = key.export({ format: 'jwk' });
      const pub = createPublicKey(key);
      if (j.kty === 'RSA') {
        const h = p11.C_CreateObject(session, [
          { type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_KEY_TYPE, value: CKK_RSA }, ...targetAttrs(lbl, f), { type: CKA_SIGN, value: true }, ...rsaPrivateAttrs(j),
        ]);
        return { handle: h, publicKey: pub };
      }
      const curve = ({ 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521', secp256k1: 'secp256k1' } as const)[j.crv as 'P-256'];
      const h = p11.C_CreateObject(session, [
        { type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_KEY_TYPE, value: CKK_EC }, ...targetAttrs(lbl, f), { type: CKA_SIGN, value: true },
        { type: CKA_EC_PARAMS, value: b(EC_PARAMS[curve]) }, { type: CKA_VALUE, value: jwkBytes(j.d) },
      ]);
      const point = Buffer.concat([Buffer.from([4]), jwkBytes(j.x), jwkBytes(j.y)]);
      p11.C_CreateObject(session, [
        { type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_KEY_TYPE, value: CKK_EC }, ...publicAttrs(lbl, f),
        { type: CKA_EC_PARAMS, value: b(EC_PARAMS[curve]) }, { type: CKA_EC_POINT, value: Buffer.concat([Buffer.from([4]), derLen(point.length), point]) },
      ]);
      return { handle: h, publicKey: pub };
    },
    importAes(lbl, value, f = {}) {
      return {
        handle: p11.C_CreateObject(session, [
          { type: CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, ...targetAttrs(lbl, f), { type: CKA_ENCRYPT, value: true }, { type: CKA_VALUE, value },
        ]),
      };
    },
    tokenObjects() {
      p11.C_FindObjectsInit(session, [{ type: CKA_TOKEN, value: true }]);
      const hs = p11.C_FindObjects(session, 10_000);
      p11.C_FindObjectsFinal(session);
      return hs.map((h) => {
        const [cls, lbl, id] = p11.C_GetAttributeValue(session, h, [{ type: CKA_CLASS }, { type: CKA_LABEL }, { type: CKA_ID }]);
        return `${cls!.value.readUInt32LE(0)}/${lbl!.value.toString('utf8')}/${id!.value.toString('hex')}`;
      }).sort();
    },
    close() {
      try {
        p11.C_CloseSession(session);
      } catch {
        /* the lab finalizes the library next */
      }
    },
  };
  return t;
}

function rsaPrivateAttrs(j: { n?: string; e?: string; d?: string; p?: string; q?: string; dp?: string; dq?: string; qi?: string }): Pkcs11Types.Template {
  return [
    { type: CKA_MODULUS, value: jwkBytes(j.n) }, { type: CKA_PUBLIC_EXPONENT, value: jwkBytes(j.e) },
    { type: CKA_PRIVATE_EXPONENT, value: jwkBytes(j.d) }, { type: CKA_PRIME_1, value: jwkBytes(j.p) }, { type: CKA_PRIME_2, value: jwkBytes(j.q) },
    { type: CKA_EXPONENT_1, value: jwkBytes(j.dp) }, { type: CKA_EXPONENT_2, value: jwkBytes(j.dq) }, { type: CKA_COEFFICIENT, value: jwkBytes(j.qi) },
  ];
}

function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}
