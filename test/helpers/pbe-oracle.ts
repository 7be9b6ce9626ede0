// Independent implementations of the legacy ciphers, for checking src/keys/pbe/des.ts and rc2.ts:
// - node:crypto (OpenSSL default provider): des-ede3-cbc, des-ede-cbc;
// - node:crypto in a child `node --openssl-legacy-provider` (DES-CBC and RC2 live only in OpenSSL's legacy
//   provider, which a running Node cannot load): des-cbc, rc2-40-cbc, rc2-64-cbc, rc2-cbc;
// - node-forge for RC2 with an effective key length different from the key length (OpenSSL's RC2 EVP
//   ciphers tie the two together).
import { spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import forge from 'node-forge';

export interface CipherCase {
  cipher: string; // an OpenSSL cipher name
  key: Uint8Array;
  iv: Uint8Array;
  pt: Uint8Array;
  padding?: boolean; // default false: raw CBC of whole blocks
}

const CHILD = `
const c = require('node:crypto');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((k) => {
    const e = c.createCipheriv(k.cipher, Buffer.from(k.key, 'hex'), Buffer.from(k.iv, 'hex'));
    e.setAutoPadding(k.padding);
    return Buffer.concat([e.update(Buffer.from(k.pt, 'hex')), e.final()]).toString('hex');
  });
  process.stdout.write(JSON.stringify(out));
});`;

/** Encrypts every case with OpenSSL through a child Node process that has the legacy provider loaded. */
export function legacyEncrypt(cases: readonly CipherCase[]): Uint8Array[] {
  const payload = cases.map((k) => ({
    cipher: k.cipher,
    key: Buffer.from(k.key).toString('hex'),
    iv: Buffer.from(k.iv).toString('hex'),
    pt: Buffer.from(k.pt).toString('hex'),
    padding: k.padding ?? false,
  }));
  const r = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    input: JSON.stringify(payload),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`legacy-provider child failed: ${r.stderr.toString()}`);
  return (JSON.parse(r.stdout.toString()) as string[]).map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
}

/** Whether this Node/OpenSSL can load the legacy provider at all. */
export function hasLegacyProvider(): boolean {
  try {
    legacyEncrypt([{ cipher: 'des-cbc', key: new Uint8Array(8), iv: new Uint8Array(8), pt: new Uint8Array(8) }]);
    return true;
  } catch {
    return false;
  }
}

/** Encrypts with node:crypto in this process (default-provider ciphers only). */
export function nodeEncrypt(k: CipherCase): Uint8Array {
  const e = createCipheriv(k.cipher, k.key, k.iv);
  e.setAutoPadding(k.padding ?? false);
  return Uint8Array.from(Buffer.concat([e.update(k.pt), e.final()]));
}

/** RC2-CBC encryption with node-forge, any effective key bits; raw CBC over whole blocks. */
export function forgeRc2Encrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, pt: Uint8Array): Uint8Array {
  const cipher = forge.rc2.createEncryptionCipher(forge.util.createBuffer(Buffer.from(key).toString('binary')), effectiveBits);
  cipher.start(forge.util.createBuffer(Buffer.from(iv).toString('binary')));
  cipher.update(forge.util.createBuffer(Buffer.from(pt).toString('binary')));
  // forge pads with PKCS#7 on finish; drop the pad block it adds to whole-block input.
  cipher.finish();
  const out = Buffer.from(cipher.output.getBytes(), 'binary');
  return Uint8Array.from(out.subarray(0, pt.length));
}
