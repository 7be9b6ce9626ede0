// Azure `.byok` files from keys held in a PKCS#11 token: the token wraps (src/pkcs11/wrap.ts, AZURE_SCHEME),
// this file encodes the parts with the same code as the software path (azureResult): the same layout,
// checks and encoding as `wrapForAzure`; the key inside is the token's own encoding of it (docs/
// ARCHITECTURE.md, "Wrap schemes and parts"). Also the rehearsal check of a blob against a token key, by
// its public half (RSA, EC) or by one block encrypted in the token (AES).
import { getCore, type RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import type { ParsedByok } from '../formats/azure.js';
import { checkKeyOps } from '../formats/azure-import.js';
import { checkTargetForAzure, DEFAULT_KEY_OPS, readTargetKey, wipeTargetKey, type AzureCurve, type TargetKey } from '../keys/index.js';
import { openTokenSession, wrapInToken, type OpenTokenOptions, type Pkcs11Uri, type TokenKey, type TokenSession, type WrapInTokenOptions } from '../pkcs11/index.js';
import { encryptBlockInToken } from '../pkcs11/use.js';
import { AZURE_SCHEME, joinParts } from './scheme.js';
import { readUnwrappedMaterial, unwrapByok, equalConstantTime, type UnwrapOptions, type VerifyResult } from './unwrap.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from './version.js';
import { azureResult, checkedAzureKek, type AzureTargetShape, type AzureWrapResult, type WrapForAzureOptions } from './wrap.js';
import type { KekInput } from './kek-input.js';

export type WrapTokenKeyOptions = Omit<WrapForAzureOptions, 'read'> & WrapInTokenOptions;

/** `generator` of a token wrap: names the token's model and manufacturer (not its label or serial). */
export function tokenGenerator(session: TokenSession): string {
  return `${TOOLKIT_NAME} ${TOOLKIT_VERSION}; key wrapped inside PKCS#11 token ${session.token.model} (${session.token.manufacturer})`;
}

/** The Azure view of a token key; PKCS11_UNSUPPORTED_KEY / Azure's size rules for what Azure refuses. */
export function azureShapeOfTokenKey(key: TokenKey): AzureTargetShape {
  if (key.kind === undefined || key.bits === undefined) {
    throw new ByokError('PKCS11_UNSUPPORTED_KEY', `${describeTokenKey(key)} cannot be imported into Azure: it imports RSA 2048/3072/4096, EC P-256/P-384/P-521/P-256K and AES 128/192/256 keys`);
  }
  const curve = key.kind === 'ec' ? key.curve as AzureCurve : undefined;
  checkTargetForAzure({ kind: key.kind, bits: key.bits, ...(curve === undefined ? {} : { curve }) });
  const kty = key.kind === 'rsa' ? 'RSA-HSM' : key.kind === 'ec' ? 'EC-HSM' : 'oct-HSM';
  return {
    kind: key.kind, bits: key.bits, format: 'pkcs11',
    ...(curve === undefined ? {} : { curve }),
    azure: { kty, keyOps: [...DEFAULT_KEY_OPS[key.kind]], ...(curve === undefined ? {} : { crv: curve }) },
  };
}

export function describeTokenKey(key: TokenKey): string {
  const what = key.kind === 'rsa' ? `RSA-${key.bits ?? '?'} private key` : key.kind === 'ec' ? `EC ${key.curve ?? ''} private key` : key.kind === 'oct' ? `AES-${key.bits ?? '?'} key` : `${key.keyType} ${key.class} key`;
  return `${what}${key.label === undefined ? '' : ` ${JSON.stringify(key.label)}`}`;
}

const ZERO_PADDED_WARNING = 'the token zero-padded the key\'s PKCS#8 encoding to a multiple of 8 bytes before its RFC 5649 wrap (SoftHSM < 2.7): the blob opens to the key followed by up to 7 zero bytes, and the importing HSM may refuse it';

/** Wraps a key the session found for an Azure KEK, inside the token, into a `.byok`. */
export function wrapTokenKeyForAzure(kek: KekInput, session: TokenSession, key: TokenKey, options: WrapTokenKeyOptions = {}): AzureWrapResult {
  const k = checkedAzureKek(kek, options.kid);
  const shape = azureShapeOfTokenKey(key);
  checkKeyOps(shape.azure.kty, options.keyOps ?? shape.azure.keyOps); // before the token does any work
  const parts = wrapInToken(session, key, { n: k.n, e: k.e }, AZURE_SCHEME, options);
  const padded = parts.mechanism === 'rsa-aes-kwp' && parts.targetZeroPadded === true;
  return azureResult(k, shape, joinParts(parts), options.generator ?? tokenGenerator(session), options, padded ? [ZERO_PADDED_WARNING] : undefined);
}

/**
 * Opens the token a pkcs11: URI names, wraps the key it names for an Azure KEK inside the token, closes
 * the session (destroying every session object). PIN: the URI's pin-source, else `options.pin`.
 */
export async function wrapForAzureInToken(kek: KekInput, uri: string | Pkcs11Uri, options: WrapTokenKeyOptions & OpenTokenOptions = {}): Promise<AzureWrapResult> {
  checkedAzureKek(kek, options.kid); // a bad KEK fails before the token is touched
  const session = await openTokenSession(uri, options);
  try {
    return wrapTokenKeyForAzure(kek, session, session.findKey(uri), options);
  } finally {
    session.close();
  }
}

export interface TokenVerifyResult extends VerifyResult {
  /** Zero bytes after the key's encoding, from a token that zero-pads before RFC 5649 (SoftHSM < 2.7). */
  readonly zeroPadding?: number;
}

/**
 * Rehearsal: opens the blob with the test KEK's private key and checks it holds the token key: the same
 * public key (RSA, EC), or (AES) a key that encrypts a random block as the token's key does. The token's
 * own PKCS#8 encoding is not known outside it, so a match is 'same-key'. A PKCS#8 key followed by 1 to 7
 * zero bytes (allowZeroPaddedKwp) matches with `zeroPadding` set. BYOK_KEY_MISMATCH otherwise.
 */
export function verifyByokAgainstTokenKey(byok: ParsedByok | Uint8Array | string, kekPrivateKey: Uint8Array | RsaPrivateKey, session: TokenSession, key: TokenKey, options: UnwrapOptions = {}): TokenVerifyResult {
  const material = unwrapByok(byok, kekPrivateKey, options);
  let u: TargetKey | undefined;
  let zeroPadding = 0;
  try {
    [u, zeroPadding] = readTokenMaterial(material, key.kind === 'oct');
    const describe = { kind: key.kind ?? 'oct', bits: key.bits ?? 0, ...(key.curve === undefined ? {} : { curve: key.curve }), ...(zeroPadding === 0 ? {} : { zeroPadding }) } as const;
    if (u === undefined || u.kind !== key.kind || u.bits !== key.bits) throw mismatch();
    if (key.kind === 'oct') {
      // AES_K(A65959A6 || 00000008 || P) is the whole RFC 5649 output for an 8-byte P: the core computes it
      // under the unwrapped key, the token under its own.
      const p = crypto.getRandomValues(new Uint8Array(8));
      const block = new Uint8Array(16);
      block.set([0xa6, 0x59, 0x59, 0xa6, 0, 0, 0, 8]);
      block.set(p, 8);
      if (!equalConstantTime(getCore().aesKwpWrap(u.material, p), encryptBlockInToken(session, key, block))) throw mismatch();
      return { match: 'same-key', ...describe };
    }
    if (key.publicKey === undefined) {
      throw new ByokError('PKCS11_ERROR', `the token shows no public key for ${describeTokenKey(key)} (for EC, a public key object with the same CKA_ID), so the blob cannot be compared with it`);
    }
    if (u.publicKey === undefined || !equalConstantTime(u.publicKey, key.publicKey)) throw mismatch();
    return { match: 'same-key', ...describe };
  } finally {
    material.fill(0);
    if (u !== undefined) wipeTargetKey(u);
  }
}

/** The key in unwrapped material, allowing up to 7 trailing zero bytes after a PKCS#8 key (and counting them). */
function readTokenMaterial(material: Uint8Array, secret: boolean): [TargetKey | undefined, number] {
  try {
    return [readUnwrappedMaterial(material), 0];
  } catch {
    if (secret) return [undefined, 0];
  }
  let end = material.length;
  while (end > 0 && material.length - end < 7 && material[end - 1] === 0) {
    end--;
    try {
      return [readTargetKey(material.subarray(0, end), { format: 'pkcs8' }), material.length - end];
    } catch {
      /* not yet a whole PKCS#8 structure: strip one more zero */
    }
  }
  return [undefined, 0];
}

function mismatch(): ByokError {
  return new ByokError('BYOK_KEY_MISMATCH', 'the .byok opens, but to a different key than the one in the token: check that you compare with the key you wrapped');
}
