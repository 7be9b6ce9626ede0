// The KEK fingerprint two people compare over the phone before a ceremony: SHA-256 of the canonical
// SubjectPublicKeyInfo DER — the same value as `openssl pkey -pubin -in kek.pem -outform DER | sha256sum`,
// which prints it as lowercase hex without spaces: so does every `byok` output; the grouped form
// ("AB12 CD34 …") is there to read aloud.
import { base64, hex } from '@scure/base';
import { expectBytes } from '../arguments.js';
import { getCore } from '../core/index.js';
import type { KekFingerprint } from './types.js';

/** "AB12 CD34 …": upper-case hex in groups of two bytes. */
export function groupedHex(bytes: Uint8Array): string {
  expectBytes('groupedHex', 'bytes', bytes);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  return hex.match(/.{1,4}/g)?.join(' ') ?? '';
}

export function kekFingerprint(spki: Uint8Array): KekFingerprint {
  const sha256 = getCore().sha256(spki);
  return { sha256, hex: hex.encode(sha256), grouped: groupedHex(sha256), base64: base64.encode(sha256) };
}
