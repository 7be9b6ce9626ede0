// The OpenSSL CLI recipe for Azure BYOK (byok-formats.md §5), used as an independent implementation:
// blobs we make must open with it, and blobs it makes must open with us. Test keys only: the ephemeral
// AES key travels as a hex command-line argument, as in the published recipe.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function opensslUsable(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  // enc -id-aes256-wrap-pad needs OpenSSL 3 (1.1 needs a patch).
  return r.status === 0 && /^OpenSSL 3\./.test(r.stdout);
}

function openssl(args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync('openssl', args, { input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed (${r.status}): ${r.stderr.toString().trim().split('\n')[0]}`);
  return r.stdout;
}

/** `openssl pkcs8 -topk8 -nocrypt -outform DER` of a PEM or DER private key file (mandatory -topk8, §1.8). */
export function opensslPkcs8Der(keyFile: string): Buffer {
  return openssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyFile, '-outform', 'DER']);
}

/**
 * Wraps `materialFile` (PKCS#8 DER or raw AES bytes) for the KEK public key in `kekPubPem` exactly as §5:
 * rand 32 → enc -id-aes256-wrap-pad -iv A65959A6 → pkeyutl -encrypt OAEP SHA-1/MGF1-SHA-1 → cat.
 */
export function opensslRecipeWrap(dir: string, kekPubPem: string, materialFile: string): Buffer {
  const aes = join(dir, 'aes.bin');
  writeFileSync(aes, openssl(['rand', '32']));
  const hex = readFileSync(aes).toString('hex');
  const kwp = openssl(['enc', '-id-aes256-wrap-pad', '-K', hex, '-iv', 'A65959A6', '-in', materialFile]);
  const oaep = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', kekPubPem, '-in', aes,
    '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1']);
  writeFileSync(aes, Buffer.alloc(32));
  return Buffer.concat([oaep, kwp]);
}

/**
 * Opens a ciphertext with the OpenSSL CLI alone: split at k = kekBits/8, pkeyutl -decrypt (OAEP SHA-1),
 * enc -d -id-aes256-wrap-pad -iv A65959A6. Returns the wrapped material.
 */
export function opensslRecipeUnwrap(dir: string, kekPrivPem: string, kekBits: number, ciphertext: Uint8Array): Buffer {
  const k = kekBits / 8;
  const oaepFile = join(dir, 'part1.oaep');
  const kwpFile = join(dir, 'part2.kwp');
  writeFileSync(oaepFile, ciphertext.subarray(0, k));
  writeFileSync(kwpFile, ciphertext.subarray(k));
  const aes = openssl(['pkeyutl', '-decrypt', '-inkey', kekPrivPem, '-in', oaepFile,
    '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1']);
  if (aes.length !== 32) throw new Error(`OAEP part decrypted to ${aes.length} bytes, expected a 32-byte AES key`);
  return openssl(['enc', '-d', '-id-aes256-wrap-pad', '-K', aes.toString('hex'), '-iv', 'A65959A6', '-in', kwpFile]);
}
