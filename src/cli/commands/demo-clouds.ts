// `byok demo`, the other clouds: the demo's keys wrapped for AWS KMS, Google Cloud KMS, OCI Vault and Vault
// transit with local test wrapping keys, each file opened again by the Wasm core (verifyFor) and independently
// by node:crypto (OpenSSL), and the command that would import it.
import { constants, createDecipheriv, privateDecrypt, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { CLOUD_NAMES, readWrappingKey } from '../../kek/index.js';
import type { TargetKey } from '../../keys/index.js';
import { splitParts } from '../../formats/scheme.js';
import { verifyFor, wrapFor, type CloudWrapResult, type WrapOptions } from '../../transfer/index.js';
import { CLOUD_EXTENSIONS, type OtherCloud } from './wrap-cloud.js';

/** Opens a blob with node:crypto only: OAEP with the scheme's hash, then id-aes256-wrap-pad (or the OAEP block itself). */
export function openWithNodeCrypto(kekPrivate: KeyObject, kekBits: number, blob: Uint8Array, hash: string, direct = false): Buffer {
  const k = kekBits / 8;
  const first = privateDecrypt({ key: kekPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, blob.subarray(0, k));
  if (direct) return first;
  try {
    const d = createDecipheriv('id-aes256-wrap-pad', first, Buffer.from('A65959A6', 'hex'));
    return Buffer.concat([d.update(blob.subarray(k)), d.final()]);
  } finally {
    first.fill(0);
  }
}

export interface DemoCloudKeys {
  /** RSA-2048 test wrapping key (AWS, OCI) and RSA-4096 (Google's 4096-bit import methods, Vault). */
  readonly rsa2048: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
  readonly rsa4096: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
}

interface CloudCase {
  readonly cloud: OtherCloud;
  readonly key: string;
  readonly bits: 2048 | 4096;
  readonly options: WrapOptions;
}

const CASES: readonly CloudCase[] = [
  { cloud: 'aws', key: 'rsa-3072', bits: 2048, options: { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' } },
  { cloud: 'gcp', key: 'ec-p256', bits: 4096, options: { algorithm: 'RSA_OAEP_4096_SHA256_AES_256', keyName: 'ec-p256' } },
  { cloud: 'oci', key: 'aes-256', bits: 2048, options: { displayName: 'aes-256' } },
  { cloud: 'vault', key: 'ec-p256', bits: 4096, options: { keyName: 'ec-p256' } },
];

/** Wraps, writes and checks one file per cloud; returns the --json records. */
export function demoClouds(
  dir: string, keks: DemoCloudKeys, targets: ReadonlyMap<string, TargetKey>,
  write: (name: string, data: Uint8Array | string) => string, say: (line?: string) => void,
): Record<string, unknown>[] {
  const pub = (bits: 2048 | 4096): string => (bits === 2048 ? keks.rsa2048 : keks.rsa4096).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const priv = (bits: 2048 | 4096): KeyObject => (bits === 2048 ? keks.rsa2048 : keks.rsa4096).privateKey;
  const kekFiles = { 2048: write('wrapping-key-2048.pem', pub(2048)), 4096: write('wrapping-key-4096.pem', pub(4096)) };
  // The private halves, for rehearsals with byok verify --for (the 2048-bit one is the demo KEK, kek-private.pem).
  write('wrapping-key-4096-private.pem', priv(4096).export({ type: 'pkcs8', format: 'pem' }) as string);
  const privDer = { 2048: new Uint8Array(priv(2048).export({ type: 'pkcs8', format: 'der' })), 4096: new Uint8Array(priv(4096).export({ type: 'pkcs8', format: 'der' })) };
  const results: Record<string, unknown>[] = [];
  try {
    for (const c of CASES) {
      const target = targets.get(c.key)!;
      const kek = readWrappingKey(pub(c.bits), { cloud: c.cloud });
      const out = join(dir, `${c.key}${CLOUD_EXTENSIONS[c.cloud]}`);
      const paths = { aws: { materialPath: out }, gcp: { wrappedKeyPath: out }, oci: { wrappedKeyPath: out }, vault: { ciphertextPath: out } }[c.cloud];
      const r = wrapFor(c.cloud, kek, target, { ...c.options, ...paths } as WrapOptions) as CloudWrapResult;
      write(`${c.key}${CLOUD_EXTENSIONS[c.cloud]}`, r.bytes);
      const ours = verifyFor(c.cloud, r.bytes, privDer[c.bits], target, { algorithm: r.algorithm });
      const blob = r.cloud === 'oci' ? Buffer.from(r.wrappedImportKey.keyMaterial, 'base64') : r.cloud === 'vault' ? Buffer.from(r.ciphertext, 'base64') : r.bytes;
      splitParts(r.scheme, blob, c.bits); // the shape every cloud checks first
      const opened = openWithNodeCrypto(priv(c.bits), c.bits, blob, r.scheme.oaepHash, r.scheme.mechanism === 'rsa-oaep');
      const independent = opened.equals(target.material);
      opened.fill(0);
      if (!independent) throw new Error(`node:crypto opened ${out} to different bytes`);
      say(`     ✓ ${CLOUD_NAMES[c.cloud]}: ${c.key} as ${r.summary.target.importAs}, ${r.algorithm}; Wasm core and node:crypto open it to the key`);
      say(`         ${out}  (${r.bytes.length} bytes; test wrapping key ${kekFiles[c.bits]})`);
      say(`         ${r.command}`);
      results.push({ cloud: c.cloud, key: c.key, file: out, bytes: r.bytes.length, algorithm: r.algorithm, importAs: r.summary.target.importAs, command: r.command, verified: ours.match, nodeCryptoMatch: independent });
    }
  } finally {
    privDer[2048].fill(0);
    privDer[4096].fill(0);
  }
  return results;
}
