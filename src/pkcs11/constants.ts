// PKCS#11 constants this folder uses (PKCS#11 v2.40 / v3.0 headers; byok-formats.md §3.1), and the names
// of return values for error messages. Only public protocol numbers: nothing here is secret.

// Object classes (CKO_*) and key types (CKK_*).
export const CKO_PUBLIC_KEY = 2;
export const CKO_PRIVATE_KEY = 3;
export const CKO_SECRET_KEY = 4;
export const CKK_RSA = 0x0;
export const CKK_DSA = 0x1;
export const CKK_DH = 0x2;
export const CKK_EC = 0x3;
export const CKK_GENERIC_SECRET = 0x10;
export const CKK_DES3 = 0x15;
export const CKK_AES = 0x1f;
export const CKK_EC_EDWARDS = 0x40;

// Attributes (CKA_*).
export const CKA_CLASS = 0x0;
export const CKA_TOKEN = 0x1;
export const CKA_PRIVATE = 0x2;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_SENSITIVE = 0x103;
export const CKA_ENCRYPT = 0x104;
export const CKA_DECRYPT = 0x105;
export const CKA_WRAP = 0x106;
export const CKA_MODULUS = 0x120;
export const CKA_PUBLIC_EXPONENT = 0x122;
export const CKA_VALUE_LEN = 0x161;
export const CKA_EXTRACTABLE = 0x162;
export const CKA_NEVER_EXTRACTABLE = 0x164;
export const CKA_ALWAYS_SENSITIVE = 0x165;
export const CKA_EC_PARAMS = 0x180;
export const CKA_EC_POINT = 0x181;
export const CKA_WRAP_WITH_TRUSTED = 0x210;

// Mechanisms (CKM_*).
export const CKM_RSA_PKCS_OAEP = 0x9;
export const CKM_RSA_AES_KEY_WRAP = 0x1054;
export const CKM_AES_KEY_GEN = 0x1080;
export const CKM_AES_ECB = 0x1081;
export const CKM_AES_CBC = 0x1082;
export const CKM_AES_KEY_WRAP = 0x2109;
export const CKM_AES_KEY_WRAP_PAD = 0x210a;
export const CKM_AES_KEY_WRAP_KWP = 0x210b;
/** Thales/SafeNet Luna vendor CKM_AES_KWP (byok-formats.md §3.1). */
export const CKM_VENDOR_LUNA_AES_KWP = 0x80000171;
export const CKM_SHA_1 = 0x220;
export const CKM_SHA256 = 0x250;
export const CKM_SHA384 = 0x260;
export const CKM_SHA512 = 0x270;

// OAEP parameters.
export const CKG_MGF1_SHA1 = 1;
export const CKG_MGF1_SHA256 = 2;
export const CKG_MGF1_SHA384 = 3;
export const CKG_MGF1_SHA512 = 4;
export const CKZ_DATA_SPECIFIED = 1;

// Sessions, users, flags.
export const CKF_SERIAL_SESSION = 0x4;
export const CKU_USER = 1;
export const CKF_WRAP = 0x20000;
export const CKF_TOKEN_PRESENT = 0x1;
export const CKF_LOGIN_REQUIRED = 0x4;
export const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
export const CKF_TOKEN_INITIALIZED = 0x400;
export const CKF_USER_PIN_COUNT_LOW = 0x10000;
export const CKF_USER_PIN_FINAL_TRY = 0x20000;
export const CKF_USER_PIN_LOCKED = 0x40000;

// Return values the code branches on (CKR_*).
export const CKR_MECHANISM_INVALID = 0x70;
export const CKR_MECHANISM_PARAM_INVALID = 0x71;
export const CKR_ARGUMENTS_BAD = 0x7;
export const CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
export const CKR_PIN_INCORRECT = 0xa0;
export const CKR_PIN_LEN_RANGE = 0xa2;
export const CKR_PIN_LOCKED = 0xa4;
export const CKR_USER_ALREADY_LOGGED_IN = 0x100;
export const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
export const CKR_KEY_UNEXTRACTABLE = 0x6a;
export const CKR_KEY_NOT_WRAPPABLE = 0x69;

export type OaepHashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** CKM_* hash and CKG_MGF1_* for each OAEP hash (MGF1 always uses the OAEP hash: byok-formats.md §0). */
export const OAEP_HASHES: Readonly<Record<OaepHashName, { readonly hashAlg: number; readonly mgf: number; readonly label: string }>> = {
  sha1: { hashAlg: CKM_SHA_1, mgf: CKG_MGF1_SHA1, label: 'SHA-1' },
  sha256: { hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, label: 'SHA-256' },
  sha384: { hashAlg: CKM_SHA384, mgf: CKG_MGF1_SHA384, label: 'SHA-384' },
  sha512: { hashAlg: CKM_SHA512, mgf: CKG_MGF1_SHA512, label: 'SHA-512' },
};

const MECHANISM_NAMES: Readonly<Record<number, string>> = {
  [CKM_RSA_PKCS_OAEP]: 'CKM_RSA_PKCS_OAEP',
  [CKM_RSA_AES_KEY_WRAP]: 'CKM_RSA_AES_KEY_WRAP',
  [CKM_AES_KEY_GEN]: 'CKM_AES_KEY_GEN',
  [CKM_AES_ECB]: 'CKM_AES_ECB',
  [CKM_AES_CBC]: 'CKM_AES_CBC',
  [CKM_AES_KEY_WRAP]: 'CKM_AES_KEY_WRAP',
  [CKM_AES_KEY_WRAP_PAD]: 'CKM_AES_KEY_WRAP_PAD',
  [CKM_AES_KEY_WRAP_KWP]: 'CKM_AES_KEY_WRAP_KWP',
  [CKM_VENDOR_LUNA_AES_KWP]: 'CKM_AES_KWP (Luna vendor 0x80000171)',
};

export function mechanismName(m: number): string {
  return MECHANISM_NAMES[m] ?? `mechanism 0x${m.toString(16)}`;
}

const KEY_TYPE_NAMES: Readonly<Record<number, string>> = {
  [CKK_RSA]: 'RSA', [CKK_DSA]: 'DSA', [CKK_DH]: 'DH', [CKK_EC]: 'EC', [CKK_GENERIC_SECRET]: 'generic secret',
  [CKK_DES3]: 'DES3', [CKK_AES]: 'AES', [CKK_EC_EDWARDS]: 'EdDSA',
};

export function keyTypeName(t: number): string {
  return KEY_TYPE_NAMES[t] ?? `key type 0x${t.toString(16)}`;
}
