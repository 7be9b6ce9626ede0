// Byte helpers of the attestation verifier. Everything they touch is public (certificates, signatures,
// attested public keys), so plain comparisons are fine.

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** "78adcba1…cd41": a fingerprint shortened for one-line messages (the full value is in the result). */
export const short = (h: string): string => `${h.slice(0, 8)}…${h.slice(-4)}`;

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A big-endian integer without its leading zero bytes (a view; one zero byte stays for zero). */
export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function bitLength(b: Uint8Array): number {
  const s = stripZeros(b);
  return s[0] === 0 ? 0 : (s.length - 1) * 8 + (32 - Math.clz32(s[0]!));
}
