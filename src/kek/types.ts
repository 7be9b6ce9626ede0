// Public types of the KEK exchange (docs/ARCHITECTURE.md, "Key intake API").

/** Where a KEK came from ('x509' is a certificate, PEM or DER; '<cloud>-json' that cloud's CLI or API JSON). */
export type KekSource =
  | 'spki-pem' | 'spki-der' | 'pkcs1-pem' | 'pkcs1-der' | 'x509' | 'jwk' | 'azure-json' | 'azure-sdk'
  | 'aws-json' | 'aws-sdk' | 'gcp-json' | 'oci-json' | 'vault-json';

/** The destinations byok-toolkit wraps for. 'vault' is HashiCorp Vault and OpenBao transit. */
export type Cloud = 'azure' | 'aws' | 'gcp' | 'oci' | 'vault';

export const CLOUDS: readonly Cloud[] = ['azure', 'aws', 'gcp', 'oci', 'vault'];

/** Names for messages. */
export const CLOUD_NAMES: Readonly<Record<Cloud, string>> = {
  azure: 'Azure Key Vault / Managed HSM',
  aws: 'AWS KMS',
  gcp: 'Google Cloud KMS',
  oci: 'OCI Vault',
  vault: 'HashiCorp Vault / OpenBao transit',
};

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

/** What the service said about the wrapping key's lifetime, judged against this machine's clock. */
export interface WrappingKeyValidity {
  /** AWS ParametersValidTo, Google Cloud expireTime: after this the key and its token cannot be used. */
  readonly expiresAt?: Date;
  /** The service's own state word: Google Cloud ImportJob state, OCI lifecycle-state. */
  readonly state?: string;
  /**
   * Why the key may not be usable (expired by this machine's clock, a state other than ACTIVE/ENABLED).
   * Empty when nothing is known against it. The clock of an offline machine may be wrong: these are warnings.
   */
  readonly warnings: readonly string[];
}

interface WrappingKeyBase extends Kek {
  readonly cloud: Cloud;
  readonly validity: WrappingKeyValidity;
}

export interface AzureWrappingKey extends WrappingKeyBase {
  readonly cloud: 'azure';
}

/** `aws kms get-parameters-for-import` output, or a bare SubjectPublicKeyInfo (PublicKey.bin). */
export interface AwsWrappingKey extends WrappingKeyBase {
  readonly cloud: 'aws';
  readonly aws: {
    /** The KMS key ARN the parameters were issued for. */
    readonly keyId?: string;
    /** Goes with the public key: ImportKeyMaterial needs exactly these bytes. */
    readonly importToken?: Uint8Array;
    readonly parametersValidTo?: Date;
  };
}

/** Google Cloud KMS import method (ImportJob.ImportMethod, google/cloud/kms/v1/resources.proto). */
export type GcpImportMethod =
  | 'RSA_OAEP_3072_SHA1_AES_256' | 'RSA_OAEP_4096_SHA1_AES_256' | 'RSA_OAEP_3072_SHA256_AES_256'
  | 'RSA_OAEP_4096_SHA256_AES_256' | 'RSA_OAEP_3072_SHA256' | 'RSA_OAEP_4096_SHA256';

/** `gcloud kms import-jobs describe --format=json` (or the REST ImportJob), or a bare PEM public key. */
export interface GcpWrappingKey extends WrappingKeyBase {
  readonly cloud: 'gcp';
  readonly gcp: {
    /** projects/…/locations/…/keyRings/…/importJobs/… */
    readonly importJob?: string;
    readonly importMethod?: GcpImportMethod;
    readonly state?: string;
    readonly protectionLevel?: string;
    readonly expireTime?: Date;
  };
}

/** `oci kms management wrapping-key get` output (or the REST WrappingKey), or a bare PEM public key. */
export interface OciWrappingKey extends WrappingKeyBase {
  readonly cloud: 'oci';
  readonly oci: {
    readonly keyId?: string;
    readonly vaultId?: string;
    readonly compartmentId?: string;
    readonly lifecycleState?: string;
    readonly timeCreated?: Date;
  };
}

/** `vault read -format=json transit/wrapping_key` (or the HTTP response), or a bare PEM public key. */
export interface VaultWrappingKey extends WrappingKeyBase {
  readonly cloud: 'vault';
  readonly vault: {
    readonly requestId?: string;
    readonly mountType?: string;
  };
}

/** A cloud's key-exchange ("wrapping") key, with what its source said about it. */
export type WrappingKey = AzureWrappingKey | AwsWrappingKey | GcpWrappingKey | OciWrappingKey | VaultWrappingKey;

export interface ReadWrappingKeyOptions extends ReadKekOptions {
  /**
   * The destination. Required to read a bare PEM/DER public key for another cloud than Azure; with a cloud's
   * JSON it must agree with the cloud the JSON comes from (KEK_WRONG_CLOUD otherwise).
   */
  readonly cloud?: Cloud;
  /** The time validity is judged against (default: now). */
  readonly now?: Date;
}
