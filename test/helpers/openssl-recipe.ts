// The clouds' OpenSSL CLI recipes (byok-formats.md §5 for Azure; AWS's, Google's, Oracle's and HashiCorp's
// published ones differ only in the OAEP hash, the MGF1 flag, the key's encoding and direct vs RSA-AES), used
// as an independent implementation: blobs we make must open with them run backwards, and blobs they make must
// open with us. Test keys only: the ephemeral AES key travels as a hex command-line argument, as in the
// published recipes.
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

/** How a cloud's published recipe calls OpenSSL: the OAEP hash, whether it sets MGF1's too, direct or RSA-AES. */
export interface RecipeScheme {
  readonly hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** false: one OAEP step of the material itself (AWS RSAES_OAEP_*, Google RSA_OAEP_*_SHA256, OCI RSA_OAEP_SHA256). */
  readonly aes: boolean;
  /** OCI's recipe sets only rsa_oaep_md and leaves MGF1 to OpenSSL's default (the same digest). */
  readonly mgf1Flag?: boolean;
  /** AWS's recipe reads PublicKey.bin as DER (-keyform DER). */
  readonly derKey?: boolean;
}

const AZURE: RecipeScheme = { hash: 'sha1', aes: true };

function oaepOpts(s: RecipeScheme): string[] {
  return ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${s.hash}`, ...(s.mgf1Flag === false ? [] : ['-pkeyopt', `rsa_mgf1_md:${s.hash}`])];
}

/**
 * The recipe forward: rand 32 → enc -id-aes256-wrap-pad -iv A65959A6 → pkeyutl -encrypt OAEP → cat (or the one
 * pkeyutl -encrypt of the material for a direct scheme). `kekPub` is PEM, or DER with `derKey`.
 */
export function opensslRecipeWrapWith(dir: string, kekPub: string, materialFile: string, s: RecipeScheme): Buffer {
  const key = ['-pubin', '-inkey', kekPub, ...(s.derKey === true ? ['-keyform', 'DER'] : [])];
  if (!s.aes) return openssl(['pkeyutl', '-encrypt', ...key, '-in', materialFile, ...oaepOpts(s)]);
  const aes = join(dir, 'aes.bin');
  writeFileSync(aes, openssl(['rand', '32']));
  const hex = readFileSync(aes).toString('hex');
  const kwp = openssl(['enc', '-id-aes256-wrap-pad', '-K', hex, '-iv', 'A65959A6', '-in', materialFile]);
  const oaep = openssl(['pkeyutl', '-encrypt', ...key, '-in', aes, ...oaepOpts(s)]);
  writeFileSync(aes, Buffer.alloc(32));
  return Buffer.concat([oaep, kwp]);
}

/** The recipe run backwards with the wrapping key's private half: split at k, pkeyutl -decrypt, enc -d. */
export function opensslRecipeUnwrapWith(dir: string, kekPrivPem: string, kekBits: number, blob: Uint8Array, s: RecipeScheme): Buffer {
  const k = kekBits / 8;
  const oaepFile = join(dir, 'part1.oaep');
  writeFileSync(oaepFile, blob.subarray(0, k));
  const first = openssl(['pkeyutl', '-decrypt', '-inkey', kekPrivPem, '-in', oaepFile, ...oaepOpts(s)]);
  if (!s.aes) {
    if (blob.length !== k) throw new Error(`a direct OAEP blob is ${k} bytes, not ${blob.length}`);
    return first;
  }
  if (first.length !== 32) throw new Error(`OAEP part decrypted to ${first.length} bytes, expected a 32-byte AES key`);
  const kwpFile = join(dir, 'part2.kwp');
  writeFileSync(kwpFile, blob.subarray(k));
  return openssl(['enc', '-d', '-id-aes256-wrap-pad', '-K', first.toString('hex'), '-iv', 'A65959A6', '-in', kwpFile]);
}

/** Azure's recipe (byok-formats.md §5): OAEP SHA-1 / MGF1 SHA-1 + AES-256 KWP. */
export function opensslRecipeWrap(dir: string, kekPubPem: string, materialFile: string): Buffer {
  return opensslRecipeWrapWith(dir, kekPubPem, materialFile, AZURE);
}

/** Opens an Azure ciphertext with the OpenSSL CLI alone; returns the wrapped material. */
export function opensslRecipeUnwrap(dir: string, kekPrivPem: string, kekBits: number, ciphertext: Uint8Array): Buffer {
  return opensslRecipeUnwrapWith(dir, kekPrivPem, kekBits, ciphertext, AZURE);
}
