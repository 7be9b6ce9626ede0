// What identifies a key without revealing it, to confirm after an import that the cloud holds the key
// you meant (and for `byok batch` to tell whether an existing output was made from the key a manifest
// names now): the SHA-256 of the public key (SubjectPublicKeyInfo DER) for RSA, EC and Ed25519 keys — what
// `openssl pkey -pubout -outform DER | sha256sum` prints — for AES keys the standard key check value, the
// first 3 bytes of AES-ECB(key, 0^128), which HSMs print beside a key, and for HMAC keys the first 3 bytes of
// HMAC-SHA256(key, 0^32) (RFC 2104, over the core's SHA-256): no cloud defines a check value for them.
import { hex } from '@scure/base';
import { getCore } from '../core/index.js';
import type { TargetKey } from '../keys/index.js';

export type KeyCheck =
  | { readonly kind: 'public-key-sha256'; readonly hex: string }
  | { readonly kind: 'aes-kcv'; readonly hex: string }
  | { readonly kind: 'hmac-kcv'; readonly hex: string };

/** HMAC-SHA256(key, 32 zero bytes), first 3 bytes; every buffer that held key-derived bytes is wiped. */
function hmacKcv(key: Uint8Array): Uint8Array {
  const core = getCore();
  const block = 64;
  const k0 = new Uint8Array(block);
  const hashed = key.length > block ? core.sha256(key) : undefined;
  k0.set(hashed ?? key);
  hashed?.fill(0);
  const inner = new Uint8Array(block + 32);
  const outer = new Uint8Array(block + 32);
  for (let i = 0; i < block; i++) {
    inner[i] = k0[i]! ^ 0x36;
    outer[i] = k0[i]! ^ 0x5c;
  }
  const ih = core.sha256(inner);
  outer.set(ih, block);
  const mac = core.sha256(outer);
  const kcv = mac.slice(0, 3);
  for (const b of [k0, inner, outer, ih, mac]) b.fill(0);
  return kcv;
}

export function keyCheck(key: TargetKey): KeyCheck {
  if (key.kind === 'oct') {
    return key.keyType === 'hmac'
      ? { kind: 'hmac-kcv', hex: hex.encode(hmacKcv(key.material)) }
      : { kind: 'aes-kcv', hex: hex.encode(getCore().aesKcv(key.material)) };
  }
  // rsa, ec and ed25519 keys from intake always carry their SubjectPublicKeyInfo
  return { kind: 'public-key-sha256', hex: hex.encode(getCore().sha256(key.publicKey!)) };
}
