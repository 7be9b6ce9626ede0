// Typed access to the key-file manifests of test/vectors/{pyca,rustcrypto,mbedtls}/manifest.json and
// the outcome each file's manifest entry leads one to expect from key intake.
import { readJsonVector, vectorPath } from './vectors.js';

export interface ManifestEntry {
  readonly set: string;
  readonly file: string;
  readonly kind: string;
  readonly password: string | null;
  readonly keyType: string | null;
  readonly notes: string;
  readonly expectError?: boolean;
  readonly opensslOpens?: boolean | null;
  readonly opensslNeedsLegacy?: boolean | null;
  readonly path: string;
}

export const KEY_SETS = ['pyca', 'rustcrypto', 'mbedtls'] as const;

export function loadManifest(set: string): ManifestEntry[] {
  const raw = readJsonVector<Omit<ManifestEntry, 'set' | 'path'>[]>(set, 'manifest.json');
  return raw.map((e) => ({ ...e, set, path: vectorPath(set, e.file) }));
}

/** Entries that are not key files (NIST KW text, OAEP vectors, READMEs), with the reason. */
export function notAKeyFile(e: ManifestEntry): string | undefined {
  if (e.kind.startsWith('nist-')) return 'NIST key-wrap vector text (read by the core tests)';
  if (e.kind.startsWith('oaep')) return 'RSA-OAEP vector text (read by the core tests)';
  if (e.kind === 'readme') return 'README text';
  return undefined;
}

export const isPublicOnly = (e: ManifestEntry): boolean => /^(spki-public|pkcs1-public|x509-cert)/.test(e.kind);

/**
 * The outcome of readTargetKey (default Azure checks) the manifest leads one to expect: 'ok' or an
 * error code, with the reason taken from keyType/notes.
 */
export function expectedTargetOutcome(e: ManifestEntry, all: readonly ManifestEntry[] = []): { outcome: string; why: string } {
  // "DER of x.pem": the same key and encryption as x.pem, whose notes say more.
  const twin = /^DER of (\S+)/.exec(e.notes)?.[1];
  const same = twin === undefined ? undefined : all.find((o) => o.file === twin || o.file.endsWith(`/${twin}`));
  const kt = e.keyType ?? same?.keyType ?? '';
  const notes = `${e.notes} ${same?.notes ?? ''}`;
  if (isPublicOnly(e)) return { outcome: 'NOT_A_PRIVATE_KEY', why: 'public key or certificate only' };
  // Negative vectors first: the manifest's notes name the defect.
  if (e.expectError === true) {
    if (/iterationCount = 0/.test(notes)) return { outcome: 'INVALID_PBE_PARAMETERS', why: 'PBKDF2 iteration count 0' };
    if (/garbage encryption algorithm OID/.test(notes)) return { outcome: 'UNSUPPORTED_ENCRYPTION', why: 'unknown encryption OID' };
    if (/ECPrivateKey version is 17/.test(notes)) return { outcome: 'MALFORMED_KEY', why: 'ECPrivateKey version 17' };
    if (/unregistered named-curve OID/.test(notes)) return { outcome: 'UNSUPPORTED_CURVE', why: 'unregistered curve OID' };
    if (/q = 2/.test(notes)) return { outcome: 'INVALID_RSA_KEY', why: 'q = 2 (not a valid RSA key)' };
    throw new Error(`no expectation rule for negative vector ${e.set}/${e.file}`);
  }
  if (/AES-\d+-GCM/.test(notes)) return { outcome: 'UNSUPPORTED_ENCRYPTION', why: 'PBES2 with AES-GCM (not in PKCS#5; OpenSSL refuses it too)' };
  if (/pbeWithSHAAnd128BitRC4/.test(notes)) return { outcome: 'UNSUPPORTED_ENCRYPTION', why: 'RC4 PBE (refused by name)' };
  if (/no private key|NO key/.test(kt + notes) && e.kind === 'pkcs12') return { outcome: 'KEY_NOT_FOUND', why: 'PKCS#12 without a key' };
  if (/3 primes/.test(kt)) return { outcome: 'MULTI_PRIME_RSA', why: 'three-prime RSA' };
  if (/RSASSA-PSS/.test(kt)) return { outcome: 'UNSUPPORTED_KEY_TYPE', why: 'RSASSA-PSS-restricted key' };
  if (/explicit-params/.test(kt)) return { outcome: 'EXPLICIT_CURVE_PARAMETERS', why: 'explicit curve parameters' };
  if (/P-192/.test(kt)) return { outcome: 'UNSUPPORTED_CURVE', why: 'P-192 is not an Azure curve' };
  if (/X25519/.test(kt)) return { outcome: 'UNSUPPORTED_KEY_TYPE', why: 'X25519 key (no cloud imports it)' };
  // Every Ed25519 sample of the set, the v2 OneAsymmetricKey and the N=32768 scrypt file included (their notes
  // name no key type; they hold RFC 8410's example key).
  if (/Ed25519/.test(kt) || /OneAsymmetricKey.*version 2|v2 OneAsymmetricKey/.test(notes) || /scrypt \(N=32768/.test(notes)) {
    return { outcome: 'ok', why: 'Ed25519 (RFC 8410)' };
  }
  const rsa = /^RSA-(\d+)/.exec(kt);
  if (rsa !== null) {
    const bits = Number(rsa[1]);
    return [2048, 3072, 4096].includes(bits)
      ? { outcome: 'ok', why: `RSA-${bits}` }
      : { outcome: 'UNSUPPORTED_TARGET_SIZE', why: `RSA-${bits} is not an Azure size` };
  }
  if (/^EC P-(256|384|521)$/.test(kt)) return { outcome: 'ok', why: kt };
  throw new Error(`no expectation rule for ${e.set}/${e.file} (${kt}: ${notes})`);
}
