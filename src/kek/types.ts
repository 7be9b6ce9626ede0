// Public types of the KEK exchange (docs/ARCHITECTURE.md, "Key intake API").

/** Where a KEK came from ('x509' is a certificate, PEM or DER). */
export type KekSource = 'spki-pem' | 'spki-der' | 'pkcs1-pem' | 'pkcs1-der' | 'x509' | 'jwk' | 'azure-json' | 'azure-sdk';

export interface KekFingerprint {
  /** SHA-256 of the SubjectPublicKeyInfo DER. */
  readonly sha256: Uint8Array;
  /** Lowercase hex without spaces: what `sha256sum` prints for the SubjectPublicKeyInfo DER. */
  readonly hex: string;
  /** The same in upper-case groups of four, "AB12 CD34 …", to read aloud. */
  readonly grouped: string;
  /** Standard base64 with padding (what `openssl … | base64` shows). */
  readonly base64: string;
}

export interface Kek {
  /** Modulus, big-endian, no leading zero octets. */
  readonly n: Uint8Array;
  /** Public exponent, big-endian, no leading zero octets. */
  readonly e: Uint8Array;
  readonly bits: number;
  /** Versioned key identifier (from the input or opts.kid). */
  readonly kid?: string;
  /** key_ops as given by the input (JWK, az/REST JSON, SDK). */
  readonly keyOps?: string[];
  /** kty as given by the input (JWK, az/REST JSON, SDK). */
  readonly kty?: string;
  /** SubjectPublicKeyInfo DER, canonical (rsaEncryption, NULL parameters): what OpenSSL writes. */
  readonly spki: Uint8Array;
  readonly fingerprint: KekFingerprint;
  readonly source: KekSource;
}

export interface ReadKekOptions {
  /** The KEK's versioned key identifier, when the input does not carry it (e.g. a PEM download). */
  readonly kid?: string;
}

export interface CheckKekOptions {
  /** Refuse a KEK without a kid (a .byok file needs it). Default false. */
  readonly requireKid?: boolean;
}
