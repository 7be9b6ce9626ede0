// The trust anchors of a Marvell key attestation, pinned by the SHA-256 of their SubjectPublicKeyInfo
// (kek-attestation.md §A.3): keys, not certificates, because Marvell's LS1 root certificate of 2015
// expired in 2025 and was re-issued in 2024 with the same key; both certificates verify the same cards.
//
// Azure's bundle does not include the Marvell root and Google's chains include neither root, so the
// toolkit carries the LS1, LS2 and Hawksbill root certificates (src/attest/builtin-roots.ts, per provider); others
// (a re-issued certificate) the user gives (`roots`, `byok attest --roots FILE`). Whatever certificate
// carries the key, only its key's hash decides whether it is trusted, and only its key is used.
//
// Microsoft's owner root is per Managed HSM pool and self-signed (§1): it cannot be pinned here. A user who
// has its fingerprint from another channel pins it with `anchors.microsoft` (`--owner-root SHA256`).
import { ByokError } from '../errors.js';

/** Marvell LiquidSecurity roots: LS1 (localca.liquidsecurity.cavium.com, RSA-2048) and LS2 (RSA-4096). */
export const MARVELL_ROOT_PINS: readonly string[] = [
  '78adcba1f38bee304bc44d6a086503f2940037d4b3d58a1bf66a3282ef58cd41', // LS1 (2015 and 2024 certificates)
  'f84b0610f2ca68f1f936c12c37a22794b59a2afa54f55f8d3c977232c5b97d7c', // LS2 cavium-liquidsecurity-ls2
];

/** Google's owner root for Cloud HSM: "Hawksbill Root v1 prod" (RSA-2048). */
export const GOOGLE_ROOT_PINS: readonly string[] = [
  '11fa0c80423f28ee497a189bed4f7043629be7a7642d20eee9347a73c1ff46e8',
];

/** A pin list in canonical form: lower-case hex, 64 digits, spaces and colons dropped. */
export function normalizePins(pins: readonly string[], what: string): string[] {
  return pins.map((p) => {
    const h = typeof p === 'string' ? p.replace(/[\s:]/g, '').toLowerCase() : '';
    if (!/^[0-9a-f]{64}$/.test(h)) throw new ByokError('INVALID_ARGUMENT', `${what}: expected SHA-256 values of 64 hexadecimal digits (the SubjectPublicKeyInfo's SHA-256)`);
    return h;
  });
}
