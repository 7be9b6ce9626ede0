// Opening a `.byok` blob the way the HSM does on import, with node:crypto only — deliberately independent
// of the Wasm core that wrapped it, so a rehearsal against `byok serve` checks the toolkit against another
// implementation. Layers (byok-formats.md): JSON { schema_version, header: { kid, alg: "dir",
// enc: "CKM_RSA_AES_KEY_WRAP" }, ciphertext }, ciphertext = RSA-OAEP(SHA-1, MGF1-SHA-1, empty label) of an
// AES-256 key under the KEK || AES Key Wrap with Padding (RFC 5649) of the key (PKCS#8 or raw AES bytes).
//
// Each failure says which layer failed, because that is what a user rehearsing an import needs to know.
// The RSA-OAEP decryption runs in WebCrypto (OpenSSL, on the thread pool, one error whatever failed).
import { createDecipheriv, createPrivateKey, type KeyObject } from 'node:crypto';
import { badParameter } from './errors.js';
import { materialFromAesKey, materialFromPrivateKey, materialFromRsaPkcs1, type Kty, type Material } from './key-material.js';
import { rsaPkcs1Of, type RsaPkcs1View } from './rsa-pkcs8.js';

const KWP_IV = Buffer.from('a65959a6', 'hex'); // RFC 5649 §3 alternative initial value
const MAX_BLOB = 64 * 1024;

/** The KEK a blob names, as the key store resolves it. */
export interface KekForImport {
  readonly kid: string;
  readonly keyOps: readonly string[];
  readonly kty: string;
  readonly enabled: boolean;
  readonly bits: number;
  /** RSA-OAEP with SHA-1 under the KEK's private key. */
  decrypt(ciphertext: Uint8Array): Promise<ArrayBuffer>;
}

interface ParsedBlob {
  readonly kid: string;
  readonly ciphertext: Buffer;
}

function invalid(why: string): never {
  throw badParameter(`The BYOK blob (key_hsm) is not valid: ${why}.`, 'InvalidByokBlob');
}

/** key_hsm: the whole .byok file, base64url (the SDK's encoding) or standard base64. */
export function parseBlob(keyHsm: unknown): ParsedBlob {
  if (typeof keyHsm !== 'string' || keyHsm.length === 0) invalid('"key_hsm" must be the base64url encoding of the .byok file');
  if (keyHsm.length > MAX_BLOB || !/^[A-Za-z0-9_\-+/]+=*$/.test(keyHsm)) invalid('"key_hsm" is not base64url');
  let file: unknown;
  try {
    file = JSON.parse(Buffer.from(keyHsm, 'base64url').toString('utf8'));
  } catch {
    invalid('its decoded bytes are not JSON (give the .byok file\'s bytes, base64url-encoded once)');
  }
  const f = file as { schema_version?: unknown; header?: { kid?: unknown; alg?: unknown; enc?: unknown }; ciphertext?: unknown } | null;
  if (f === null || typeof f !== 'object') invalid('it is not a JSON object');
  if (f.schema_version !== '1.0.0') invalid(`schema_version is ${JSON.stringify(f.schema_version ?? null)}, expected "1.0.0"`);
  if (f.header === null || typeof f.header !== 'object') invalid('"header" is missing');
  if (typeof f.header.kid !== 'string') invalid('"header.kid" is missing');
  if (f.header.alg !== 'dir') invalid(`header.alg is ${JSON.stringify(f.header.alg ?? null)}, expected "dir"`);
  if (f.header.enc !== 'CKM_RSA_AES_KEY_WRAP') invalid(`header.enc is ${JSON.stringify(f.header.enc ?? null)}, expected "CKM_RSA_AES_KEY_WRAP"`);
  if (typeof f.ciphertext !== 'string' || !/^[A-Za-z0-9_-]+=*$/.test(f.ciphertext)) invalid('"ciphertext" is missing or not base64url');
  return { kid: f.header.kid, ciphertext: Buffer.from(f.ciphertext, 'base64url') };
}

/** A plain RSA PKCS#8 loaded as PKCS#1 (rsa-pkcs8.ts says why); undefined sends it to the PKCS#8 decoder. */
function rsaFromPkcs1(plain: Buffer): { key: KeyObject; view: RsaPkcs1View } | undefined {
  const view = rsaPkcs1Of(plain);
  if (view === undefined) return undefined;
  try {
    const der = Buffer.from(view.pkcs1.buffer, view.pkcs1.byteOffset, view.pkcs1.byteLength);
    return { key: createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }), view };
  } catch {
    return undefined;
  }
}

/**
 * Opens the blob with the KEK it names and checks the key inside against `kty` (and `crv`): the
 * Material to store, whose secret the caller seals and wipes.
 */
export async function unwrapBlob(blob: ParsedBlob, kek: KekForImport, kty: Kty, crv: unknown): Promise<Material> {
  if (kek.kty !== 'RSA-HSM' || kek.keyOps.length !== 1 || kek.keyOps[0] !== 'import') {
    throw badParameter(`The key ${kek.kid} named in the BYOK blob is not a key-exchange key: its key_ops are ${JSON.stringify(kek.keyOps)}, a KEK's are exactly ["import"]. Create the KEK with key_ops ["import"] and wrap for it.`, 'KekNotImportKey');
  }
  if (!kek.enabled) throw badParameter(`The key-exchange key ${kek.kid} is disabled: enable it (update its attributes) before importing.`, 'KekDisabled');
  const k = kek.bits / 8;
  const wrappedLength = blob.ciphertext.length - k;
  if (wrappedLength < 16 || wrappedLength % 8 !== 0) {
    throw badParameter(`The BYOK blob's ciphertext is ${blob.ciphertext.length} bytes; for the RSA-${kek.bits} key-exchange key it must be ${k} bytes of RSA-OAEP followed by a key wrap of at least 16 bytes in 8-byte steps (the blob was made for a KEK of another size, or cut).`, 'InvalidByokBlob');
  }
  let aesKey: Buffer;
  try {
    aesKey = Buffer.from(await kek.decrypt(blob.ciphertext.subarray(0, k)));
  } catch {
    throw badParameter(`The BYOK blob could not be opened with the key-exchange key ${kek.kid}: its RSA-OAEP layer does not decrypt (the blob was wrapped for another KEK, or its first ${k} bytes were altered).`, 'ByokRsaLayerFailed');
  }
  let plain: Buffer;
  try {
    if (aesKey.length !== 32) {
      throw badParameter(`The BYOK blob's RSA-OAEP layer holds ${aesKey.length} bytes, not an AES-256 key.`, 'InvalidByokBlob');
    }
    try {
      const d = createDecipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
      plain = Buffer.concat([d.update(blob.ciphertext.subarray(k)), d.final()]);
    } catch {
      throw badParameter('The BYOK blob\'s AES key-wrap layer failed its integrity check (RFC 5649): the blob was altered after it was wrapped.', 'ByokKeyWrapLayerFailed');
    }
  } finally {
    aesKey.fill(0);
  }
  let handedOver = false;
  try {
    if (kty === 'oct-HSM') {
      const m = materialFromAesKey(kty, plain);
      handedOver = true;
      return m;
    }
    const fast = kty === 'RSA-HSM' ? rsaFromPkcs1(plain) : undefined;
    if (fast !== undefined) {
      const m = materialFromRsaPkcs1(kty, fast.key, fast.view, plain);
      handedOver = true;
      return m;
    }
    let key;
    try {
      key = createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
    } catch {
      const hint = [16, 24, 32].includes(plain.length) ? ` (it is ${plain.length} bytes, the size of an AES key: import it with kty "oct-HSM")` : '';
      throw badParameter(`The key inside the BYOK blob is not a PKCS#8 private key${hint}.`, 'ByokKeyMismatch');
    }
    const m = materialFromPrivateKey(kty, key, crv, plain);
    handedOver = true;
    return m;
  } finally {
    if (!handedOver) plain.fill(0); // otherwise it is the Material's secret, which the caller wipes
  }
}
