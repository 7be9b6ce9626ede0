// Public types of key intake (docs/ARCHITECTURE.md, "Key intake API").
import type { AzureCurve } from './oids.js';
import type { SymmetricKeyType } from './private-key.js';
import type { RawEncoding } from './raw.js';

export type { AzureCurve } from './oids.js';
export type { SymmetricKeyType } from './private-key.js';
export type { RawEncoding } from './raw.js';

export type KeyFormat = 'pkcs8' | 'pkcs8-encrypted' | 'pkcs1' | 'sec1' | 'pkcs12' | 'jwk' | 'raw' | 'wrapped';

export type AzureKty = 'RSA-HSM' | 'EC-HSM' | 'oct-HSM';

export interface TargetKey {
  readonly kind: 'rsa' | 'ec' | 'ed25519' | 'oct';
  /** RSA modulus bits, EC field bits, 256 for Ed25519, symmetric key bits. */
  readonly bits: number;
  /** Azure crv name (EC only). */
  readonly curve?: AzureCurve;
  /** oct only: an AES key or an HMAC / generic secret key. */
  readonly keyType?: SymmetricKeyType;
  /** What gets wrapped: canonical PKCS#8 DER (rsa, ec, ed25519) or the raw key (oct). Wipe with wipeTargetKey. */
  readonly material: Uint8Array;
  /** SubjectPublicKeyInfo DER (rsa, ec, ed25519). */
  readonly publicKey?: Uint8Array;
  /**
   * The Azure key type, curve and default key operations, for the key types Azure imports (RSA, EC, AES);
   * absent for Ed25519 and HMAC keys. Kept for existing callers: src/formats/azure-import.ts holds the rule.
   */
  readonly azure?: { readonly kty: AzureKty; readonly crv?: string; readonly keyOps: string[] };
  readonly source: KeySource;
}

export interface KeySource {
  readonly format: KeyFormat;
  /**
   * How the key was held: 'pem' | 'der' | 'json' | 'binary' | 'hex' | 'base64' | 'pkcs12';
   * for format 'wrapped': 'aes-kw' | 'aes-kwp'.
   */
  readonly container?: string;
  /** Index of the key in its container (PEM blocks, PKCS#12 key bags, JWK Set). */
  readonly index?: number;
  readonly friendlyName?: string;
  /** For 'wrapped': the format of the unwrapped key (an addition to the contract). */
  readonly inner?: KeyFormat;
  /** True when the key itself was password-encrypted (PKCS#8, DEK-Info PEM); PKCS#12 is not tracked (an addition to the contract). */
  readonly encrypted?: boolean;
}

export interface ReadTargetKeyOptions {
  /** Skip content detection and read the input as this format. */
  readonly format?: KeyFormat;
  readonly password?: string | Uint8Array;
  /** Which key of a container holding several (PKCS#12, PEM bundle, JWK Set). */
  readonly keyIndex?: number;
  readonly friendlyName?: string;
  /** An HSM export wrapped under this AES transport key (16/24/32 bytes). */
  readonly transportKey?: Uint8Array;
  /** 'kw' (RFC 3394) or 'kwp' (RFC 5649); both are tried (KWP first) when omitted. */
  readonly transportWrap?: 'kw' | 'kwp';
  /** Raw symmetric keys: force the text/binary reading instead of the detection rule (an addition). */
  readonly rawEncoding?: RawEncoding;
  /**
   * What a symmetric key (raw, hex, base64, JWK oct) is: 'aes' (16/24/32 bytes) or 'hmac' (14 to 1024 bytes).
   * Default: a JWK whose "alg" is HS256/384/512 is HMAC, anything else AES. Given, the file must hold a
   * symmetric key of that type (FORMAT_MISMATCH otherwise).
   */
  readonly keyType?: SymmetricKeyType;
  /**
   * true (default): refuse what Azure does not import (RSA other than 2048/3072/4096 bits) with
   * UNSUPPORTED_TARGET_SIZE. false: parse and check the key only, e.g. to inspect an RSA-1024 key;
   * checkTargetForAzure applies the same rules later. (An addition to the contract.)
   */
  readonly azureChecks?: boolean;
  /**
   * RSA targets: also run a pairwise consistency test in the core (OAEP-encrypt a random message with
   * (n, e), CRT-decrypt it, compare), which refuses a composite "prime" that every relation check accepts.
   * Default false: it costs one private-key operation per key (~1.5–2 ms at 2048 bits) and guards only
   * against a faulty key generator, not against damage (docs/ARCHITECTURE.md, "RSA target check").
   */
  readonly pairwiseTest?: boolean;
}

export interface KeyFileInfo {
  readonly format: KeyFormat;
  /** A password is needed to read the key(s). */
  readonly encrypted: boolean;
  /** The keys in the file, when they can be listed without a password. */
  readonly keys?: { index: number; friendlyName?: string }[];
}

export interface KeyListing {
  readonly index: number;
  readonly friendlyName?: string;
  /** 'rsa' | 'ec' | 'ed25519' | 'oct', or 'unsupported (<type>)'. */
  readonly kind: string;
}
