// What identifies a key without revealing it, to confirm after an import that the cloud holds the key
// you meant (and for `byok batch` to tell whether an existing output was made from the key a manifest
// names now): the SHA-256 of the public key (SubjectPublicKeyInfo DER) for RSA and EC keys — what
// `openssl pkey -pubout -outform DER | sha256sum` prints — and for AES keys the standard key check value,
// the first 3 bytes of AES-ECB(key, 0^128), which HSMs print beside a key.
import { hex } from '@scure/base';
import { getCore } from '../core/index.js';
import type { TargetKey } from '../keys/index.js';

export type KeyCheck =
  | { readonly kind: 'public-key-sha256'; readonly hex: string }
  | { readonly kind: 'aes-kcv'; readonly hex: string };

export function keyCheck(key: TargetKey): KeyCheck {
  if (key.kind === 'oct') return { kind: 'aes-kcv', hex: hex.encode(getCore().aesKcv(key.material)) };
  // rsa and ec keys from intake always carry their SubjectPublicKeyInfo
  return { kind: 'public-key-sha256', hex: hex.encode(getCore().sha256(key.publicKey!)) };
}
