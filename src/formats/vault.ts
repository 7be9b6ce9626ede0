// HashiCorp Vault / OpenBao transit key import (byok-formats.md §2.4): hash_function as the scheme's OAEP
// hash, the key types transit imports, and how the ciphertext is submitted — `vault write
// transit/keys/NAME/import ciphertext=@FILE hash_function=… type=…` and the HTTP body of
// POST /v1/transit/keys/:name/import. Pure data.
//
// Sources: hashicorp/vault builtin/logical/transit/path_import.go (the server splits the ciphertext at
// EncryptedKeyBytes = 512, so the wrapping key is RSA-4096; standard base64, base64.StdEncoding; the ephemeral
// AES key must be 256-bit; hash_function SHA1/SHA224/SHA256 (default)/SHA384/SHA512, OAEP and MGF1 alike) and
// sdk/helper/keysutil/policy.go (aes128-gcm96 16 bytes, aes256-gcm96 and chacha20-poly1305 32 bytes, hmac
// 32 to 512 bytes, asymmetric keys as PKCS#8).
import { base64 } from '@scure/base';
import { ByokError } from '../errors.js';
import { shellQuote } from './azure-import.js';
import { base64Encode } from './base64url.js';
import { rsaAesKwp, type OaepHash, type WrappingScheme } from './scheme.js';
import { notImported, targetType, type TargetDescription } from './target.js';

export const VAULT_HASH_FUNCTIONS = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'] as const;
export type VaultHashFunction = (typeof VAULT_HASH_FUNCTIONS)[number];

/** path_import.go: `wrappedEphKey := ciphertext[:EncryptedKeyBytes]` with EncryptedKeyBytes = 512. */
export const VAULT_WRAPPING_KEY_BITS = 4096;

const HASHES: Readonly<Record<VaultHashFunction, OaepHash>> = { SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

export const vaultScheme = (h: VaultHashFunction): WrappingScheme => rsaAesKwp(HASHES[h]);

/** SHA256 (Vault's default) unless another is requested. Case as Vault prints it; Vault itself ignores case. */
export function vaultHashFunction(requested: string | undefined): VaultHashFunction {
  if (requested === undefined) return 'SHA256';
  const h = requested.toUpperCase();
  if (!(VAULT_HASH_FUNCTIONS as readonly string[]).includes(h)) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `${JSON.stringify(requested.slice(0, 40))} is not a Vault hash_function; use SHA256 (default), SHA1, SHA384 or SHA512`);
  }
  return h as VaultHashFunction;
}

export function checkVaultWrappingKey(bits: number): void {
  if (bits !== VAULT_WRAPPING_KEY_BITS) {
    throw new ByokError('KEK_UNSUPPORTED_SIZE', `the wrapping key is RSA-${bits}; Vault's transit wrapping key is RSA-4096 (the server takes the first 512 bytes of the ciphertext as the wrapped AES key): read it again with vault read transit/wrapping_key`);
  }
}

export type VaultKeyType =
  | 'aes128-gcm96' | 'aes256-gcm96' | 'chacha20-poly1305' | 'hmac' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096'
  | 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ed25519';

/**
 * What transit would refuse (AES-192, secp256k1, HMAC keys outside 32..512 bytes, other RSA sizes); returns
 * the `type`. A 32-byte key is aes256-gcm96 unless `chacha20-poly1305` is asked for.
 */
export function vaultKeyType(t: TargetDescription, requested?: string): VaultKeyType {
  const imports = 'AES-128 and AES-256 keys (aes128-gcm96, aes256-gcm96, chacha20-poly1305), HMAC keys of 32 to 512 bytes, RSA 2048/3072/4096, ECDSA P-256/P-384/P-521 and Ed25519';
  let type: VaultKeyType;
  switch (targetType(t)) {
    case 'aes':
      if (t.bits === 128) type = 'aes128-gcm96';
      else if (t.bits === 256) type = requested === 'chacha20-poly1305' ? 'chacha20-poly1305' : 'aes256-gcm96';
      else throw notImported('Vault transit', t, imports, 'UNSUPPORTED_TARGET_SIZE');
      break;
    case 'hmac':
      if (t.bits < 256 || t.bits > 4096) throw notImported('Vault transit', t, imports, 'UNSUPPORTED_TARGET_SIZE');
      type = 'hmac';
      break;
    case 'rsa':
      if (![2048, 3072, 4096].includes(t.bits)) throw notImported('Vault transit', t, imports, 'UNSUPPORTED_TARGET_SIZE');
      type = `rsa-${t.bits}` as VaultKeyType;
      break;
    case 'ec': {
      const c = ({ 'P-256': 'ecdsa-p256', 'P-384': 'ecdsa-p384', 'P-521': 'ecdsa-p521' } as Record<string, VaultKeyType>)[t.curve ?? ''];
      if (c === undefined) throw notImported('Vault transit', t, imports, 'UNSUPPORTED_CURVE');
      type = c;
      break;
    }
    default:
      type = 'ed25519';
  }
  if (requested !== undefined && requested !== type) {
    throw new ByokError('UNSUPPORTED_ALGORITHM', `the key cannot be imported as type ${JSON.stringify(requested.slice(0, 40))}; it is imported as ${type}`);
  }
  return type;
}

/** The body of POST /v1/<mount>/keys/<name>/import. */
export interface VaultImportBody {
  readonly ciphertext: string;
  readonly hash_function: VaultHashFunction;
  readonly type: VaultKeyType;
}

/** Standard base64 with padding: what path_import.go decodes (base64.StdEncoding). */
export const vaultCiphertext = (blob: Uint8Array): string => base64Encode(blob);

export interface VaultImportArgs {
  readonly keyName?: string;
  /** The transit mount path (default "transit"). */
  readonly mount?: string;
  readonly ciphertextPath?: string;
  readonly hashFunction: VaultHashFunction;
  readonly type: VaultKeyType;
}

export function vaultImportCommand(a: VaultImportArgs): string {
  const mount = (a.mount ?? 'transit').replace(/^\/+|\/+$/g, '');
  return [
    'vault', 'write', `${mount}/keys/${a.keyName ?? '<key-name>'}/import`,
    `ciphertext=@${a.ciphertextPath ?? 'ciphertext.b64'}`, `hash_function=${a.hashFunction}`, `type=${a.type}`,
  ].map(shellQuote).join(' ');
}

/** The blob of a ciphertext file (for rehearsals): standard padded base64, surrounding whitespace allowed. */
export function parseVaultCiphertext(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new ByokError('INVALID_ARGUMENT', '"wrapped" expected the Vault ciphertext file: its bytes (Uint8Array) or text (string)');
  const text = (typeof input === 'string' ? input : new TextDecoder().decode(input)).trim();
  try {
    return base64.decode(text);
  } catch {
    throw new ByokError('WRAPPED_KEY_MALFORMED', 'not a Vault ciphertext file: it holds one line of standard base64 with padding (what vault write … ciphertext=@FILE reads)');
  }
}
