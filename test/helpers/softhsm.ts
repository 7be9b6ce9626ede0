// SoftHSM v2 as the importing HSM (issue 4 "Proof"), driven through pkcs11js. A private token folder
// (SOFTHSM2_CONF → a temp config) keeps tests away from any real token. SoftHSM 2.6 has no native
// CKM_RSA_AES_KEY_WRAP, so a .byok ciphertext is opened the way Azure's spec allows (byok-formats §3.5):
// C_UnwrapKey(CKM_RSA_PKCS_OAEP SHA-1/MGF1-SHA-1/empty label) with the token's own private KEK gives
// the AES key object, then C_UnwrapKey(CKM_AES_KEY_WRAP_PAD = 0x210A, RFC 5649 in SoftHSM) imports the
// target. Key material never leaves the token except where a test explicitly creates a readable object
// (the RFC 5649 conformance check).
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
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

// PKCS#11 constants used here (byok-formats §3.1; pkcs11.h).
const CKO_SECRET_KEY = 4, CKO_PRIVATE_KEY = 3, CKO_PUBLIC_KEY = 2;
const CKK_RSA = 0, CKK_EC = 3, CKK_GENERIC_SECRET = 0x10, CKK_AES = 0x1f;
const CKA_CLASS = 0, CKA_TOKEN = 1, CKA_PRIVATE = 2, CKA_VALUE = 0x11, CKA_KEY_TYPE = 0x100, CKA_SENSITIVE = 0x103,
  CKA_ENCRYPT = 0x104, CKA_DECRYPT = 0x105, CKA_WRAP = 0x106, CKA_UNWRAP = 0x107, CKA_SIGN = 0x108,
  CKA_MODULUS = 0x120, CKA_MODULUS_BITS = 0x121, CKA_PUBLIC_EXPONENT = 0x122, CKA_EXTRACTABLE = 0x162;
export const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0, CKM_RSA_PKCS_OAEP = 0x9, CKM_SHA256_RSA_PKCS = 0x40,
  CKM_SHA256_RSA_PKCS_PSS = 0x43, CKM_SHA_1 = 0x220, CKM_SHA256 = 0x250, CKM_ECDSA = 0x1041, CKM_AES_ECB = 0x1081,
  CKM_AES_KEY_WRAP_PAD = 0x210a;
const CKG_MGF1_SHA1 = 1, CKG_MGF1_SHA256 = 2, CKZ_DATA_SPECIFIED = 1;
const CKF_RW_SESSION = 2, CKF_SERIAL_SESSION = 4, CKU_USER = 1;

export type TargetKind = 'rsa' | 'ec' | 'oct';

export interface SoftHsmKek {
  readonly bits: number;
  /** SubjectPublicKeyInfo PEM of the token's KEK, as `az keyvault key download` would give it. */
  readonly publicPem: string;
  readonly privateHandle: Buffer;
}

export interface SoftHsm {
  readonly library: string;
  /** Generates an RSA key pair inside the token: the private half is sensitive and not extractable. */
  generateKek(bits: number): SoftHsmKek;
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
  close(): void;
}

/** Starts SoftHSM with a fresh token in a temporary folder. Call close() in afterAll. */
export function openSoftHsm(): SoftHsm {
  const library = findSoftHsmLibrary();
  if (!library) throw new Error('SoftHSM library not found');
  const dir = mkdtempSync(join(tmpdir(), 'byok-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  const pin = '1234';
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'byok-test', '--so-pin', '5678', '--pin', pin], {
    env: { ...process.env, SOFTHSM2_CONF: conf }, encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}`);

  const pkcs11js = require('pkcs11js') as typeof Pkcs11Types;
  const p11 = new pkcs11js.PKCS11();
  p11.load(library);
  p11.C_Initialize();
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'byok-test');
  if (!slot) throw new Error('initialized SoftHSM token not found');
  const session = p11.C_OpenSession(slot, CKF_RW_SESSION | CKF_SERIAL_SESSION);
  p11.C_Login(session, CKU_USER, pin);

  const oaepSha1 = { mechanism: CKM_RSA_PKCS_OAEP, parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: CKM_SHA_1, mgf: CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED } };

  const targetTemplate = (kind: TargetKind): Pkcs11Types.Template => {
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

  return {
    library,
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
      const [n, e] = p11.C_GetAttributeValue(session, pair.publicKey, [{ type: CKA_MODULUS }, { type: CKA_PUBLIC_EXPONENT }]);
      const publicPem = createPublicKey({ key: { kty: 'RSA', n: n!.value.toString('base64url'), e: e!.value.toString('base64url') }, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' }) as string;
      return { bits, publicPem, privateHandle: pair.privateKey };
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
        return p11.C_UnwrapKey(session, { mechanism: CKM_AES_KEY_WRAP_PAD }, aes, ct.subarray(k), targetTemplate(kind));
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
    close() {
      try {
        p11.C_Logout(session);
        p11.C_CloseSession(session);
        p11.C_Finalize();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
