// Typed access to the key-container manifests of test/vectors/{pyca,rustcrypto,mbedtls}.
import { readJsonVector, readVector, vectorPath } from './vectors.js';

export interface ManifestEntry {
  readonly set: 'pyca' | 'rustcrypto' | 'mbedtls';
  readonly file: string;
  readonly kind: string;
  readonly password: string | null;
  readonly keyType: string | null;
  readonly notes: string;
  readonly expectError: boolean | null;
  readonly opensslOpens: boolean | null;
  readonly opensslNeedsLegacy: boolean | null;
}

export const VECTOR_SETS = ['pyca', 'rustcrypto', 'mbedtls'] as const;

export function manifest(set: (typeof VECTOR_SETS)[number]): ManifestEntry[] {
  return readJsonVector<Omit<ManifestEntry, 'set'>[]>(set, 'manifest.json').map((e) => ({ ...e, set }));
}

export function allEntries(): ManifestEntry[] {
  return VECTOR_SETS.flatMap((s) => manifest(s));
}

export function entryBytes(e: ManifestEntry): Uint8Array {
  return Uint8Array.from(readVector(e.set, e.file));
}

export function entryPath(e: ManifestEntry): string {
  return vectorPath(e.set, e.file);
}

/** Short id used in test names: "pyca/pkcs8/enc-rsa-pkcs8.pem". */
export const entryId = (e: ManifestEntry): string => `${e.set}/${e.file}`;
