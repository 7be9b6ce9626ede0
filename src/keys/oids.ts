// Object identifiers of key intake, and the curve table Azure imports (byok-formats.md §1.6).
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  rsaesOaep: '1.2.840.113549.1.1.7',
  ecPublicKey: '1.2.840.10045.2.1',
  ecDH: '1.3.132.1.12',
  dsa: '1.2.840.10040.4.1',
  dhKeyAgreement: '1.2.840.113549.1.3.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  sm2: '1.2.156.10197.1.301',
  pkcs7Data: '1.2.840.113549.1.7.1',
} as const;

export type AzureCurve = 'P-256' | 'P-384' | 'P-521' | 'P-256K';

export interface CurveInfo {
  readonly name: AzureCurve;
  readonly oid: string;
  /** Field size in bits (what TargetKey.bits reports for EC). */
  readonly bits: number;
  /** Scalar length in octets (the ECPrivateKey privateKey is padded to it, RFC 5915 §3). */
  readonly scalarLen: number;
}

export const CURVES: readonly CurveInfo[] = [
  { name: 'P-256', oid: '1.2.840.10045.3.1.7', bits: 256, scalarLen: 32 },
  { name: 'P-384', oid: '1.3.132.0.34', bits: 384, scalarLen: 48 },
  { name: 'P-521', oid: '1.3.132.0.35', bits: 521, scalarLen: 66 },
  { name: 'P-256K', oid: '1.3.132.0.10', bits: 256, scalarLen: 32 },
];

/** Names of curves we recognise but Azure does not import, for clear refusals. */
export const OTHER_CURVES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.1': 'P-192 (secp192r1)',
  '1.3.132.0.33': 'P-224 (secp224r1)',
  '1.3.132.0.31': 'secp192k1',
  '1.3.132.0.32': 'secp224k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.2.156.10197.1.301': 'SM2',
};

/** Names of key algorithms we recognise but Azure does not import. */
export const OTHER_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448',
  [OID.x25519]: 'X25519',
  [OID.x448]: 'X448',
  [OID.dsa]: 'DSA',
  [OID.dhKeyAgreement]: 'Diffie-Hellman',
  [OID.ecDH]: 'ECDH-only EC',
  [OID.rsaesOaep]: 'RSAES-OAEP-restricted RSA',
};

export function curveByOid(oid: string): CurveInfo | undefined {
  return CURVES.find((c) => c.oid === oid);
}

export function curveByName(name: string): CurveInfo | undefined {
  // RFC 8812 registers "secp256k1" as the JOSE name; Azure calls the same curve "P-256K".
  const n = name === 'secp256k1' ? 'P-256K' : name;
  return CURVES.find((c) => c.name === n);
}
