// Wraps of keys held in a PKCS#11 token, for any cloud, through the same three steps as the software path
// (cloud-wrap.ts): prepareWrap(cloud, kek, the key's description, options) does every check and refusal,
// the token makes the parts (src/pkcs11: tokenParts, never host crypto), completeWrap encodes them. Also
// the rehearsal check of a blob against a token key, by its public half (RSA, EC) or by one block
// encrypted in the token (AES).
import { getCore, type RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import type { WrappedParts } from '../formats/scheme.js';
import { invalid } from '../arguments.js';
import type { Cloud } from '../kek/index.js';
import { checkCloud } from '../kek/wrapping-key.js';
import { readTargetKey, wipeTargetKey, type TargetKey } from '../keys/index.js';
import {
  describeTokenTarget, openTokenSession, tokenParts, zeroPaddingWarning,
  type OpenTokenOptions, type Pkcs11Uri, type TokenKey, type TokenSession, type WrapInTokenOptions,
} from '../pkcs11/index.js';
import { expectSession, expectTokenKey, openOptionsArg } from '../pkcs11/args.js';
import { encryptBlockInToken } from '../pkcs11/use.js';
import { completeWrap, prepareWrap, type WrapOptions, type WrapPlan, type WrapResult, type WrappingKeyInput } from './cloud-wrap.js';
import { unwrapFor, type CloudUnwrapOptions, type WrappedInput } from './cloud-unwrap.js';
import { equalConstantTime, readUnwrappedMaterial, type VerifyResult } from './unwrap.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from './version.js';
import type { AzurePlan } from './wrap.js';

export type WrapTokenKeyOptions = WrapOptions & WrapInTokenOptions;

/** `generator` of an Azure token wrap: names the token's model and manufacturer (not its label or serial). */
export function tokenGenerator(session: TokenSession): string {
  expectSession('tokenGenerator', 'session', session);
  return `${TOOLKIT_NAME} ${TOOLKIT_VERSION}; key wrapped inside PKCS#11 token ${session.token.model} (${session.token.manufacturer})`;
}

export function describeTokenKey(key: TokenKey): string {
  expectTokenKey('describeTokenKey', 'key', key);
  const what = key.kind === 'rsa' ? `RSA-${key.bits ?? '?'} private key` : key.kind === 'ec' ? `EC ${key.curve ?? ''} private key` : key.kind === 'oct' ? `AES-${key.bits ?? '?'} key` : `${key.keyType} ${key.class} key`;
  return `${what}${key.label === undefined ? '' : ` ${JSON.stringify(key.label)}`}`;
}

/**
 * prepareWrap for a key in a token: the cloud's checks on the key's type and size (from its public
 * attributes), the token's generator for Azure, and the token's zero-padding warning when accepted.
 */
export function prepareTokenWrap(cloud: 'azure', kek: WrappingKeyInput, session: TokenSession, key: TokenKey, options?: WrapTokenKeyOptions): AzurePlan;
export function prepareTokenWrap(cloud: Cloud, kek: WrappingKeyInput, session: TokenSession, key: TokenKey, options?: WrapTokenKeyOptions): WrapPlan;
export function prepareTokenWrap(cloud: Cloud, kek: WrappingKeyInput, session: TokenSession, key: TokenKey, options: WrapTokenKeyOptions = {}): WrapPlan {
  expectSession('prepareTokenWrap', 'session', session);
  expectTokenKey('prepareTokenWrap', 'key', key);
  openOptionsArg('prepareTokenWrap', options);
  const target = describeTokenTarget(key);
  if (target === undefined) {
    throw new ByokError('PKCS11_UNSUPPORTED_KEY', `${describeTokenKey(key)} cannot be imported by any cloud HSM byok writes for: RSA, EC and AES keys can be`);
  }
  // The plan keeps its options: none of the token's (a PIN among them) goes into it.
  const { allowZeroPaddedKwp: _allow, pin: _pin, defaultModule: _module, login: _login, moduleParameters: _parameters, manyKeys: _many, ...wrapOptions } = options as WrapTokenKeyOptions & OpenTokenOptions;
  const opts = cloud === 'azure' && !('generator' in wrapOptions) ? { ...wrapOptions, generator: tokenGenerator(session) } : wrapOptions;
  const plan = prepareWrap(cloud, kek, target, opts);
  const warning = options.allowZeroPaddedKwp === true ? zeroPaddingWarning(session, key, plan.scheme) : undefined;
  // targetFormat 'pkcs11' in the summary: the key was never read, the token wrapped it.
  return { ...plan, targetFormat: 'pkcs11', ...(warning === undefined ? {} : { warnings: [...plan.warnings, warning] }) };
}

/**
 * Wraps a key an open session found for `cloud`'s wrapping key `kek`, inside the token. The parts come from
 * tokenParts (the `(plan) => WrappedParts` step), the encoding from completeWrap as for the software path.
 */
export function wrapTokenKeyFor(cloud: Cloud, kek: WrappingKeyInput, session: TokenSession, key: TokenKey, options: WrapTokenKeyOptions = {}): WrapResult {
  const plan = prepareTokenWrap(cloud, kek, session, key, options);
  const parts: WrappedParts = tokenParts(session, key, options)(plan);
  return completeWrap(plan, parts);
}

/**
 * Opens the token a pkcs11: URI names, wraps the key it names for `cloud` inside the token, closes the
 * session (destroying every session object). PIN: the URI's pin-source, else `options.pin`.
 */
export async function wrapForInToken(cloud: Cloud, kek: WrappingKeyInput, uri: string | Pkcs11Uri, options: WrapTokenKeyOptions & OpenTokenOptions = {}): Promise<WrapResult> {
  prepareWrapArgs(cloud, kek, options);
  const session = await openTokenSession(uri, options);
  try {
    return wrapTokenKeyFor(cloud, kek, session, session.findKey(uri), options);
  } finally {
    session.close();
  }
}

/** The checks prepareWrap makes of its own arguments, before a token is opened (wrapForInToken). */
function prepareWrapArgs(cloud: Cloud, kek: WrappingKeyInput, options: unknown): void {
  openOptionsArg('wrapForInToken', options);
  checkCloud(cloud);
  if (kek === undefined || kek === null || (typeof kek !== 'object' && typeof kek !== 'string')) throw invalid('wrapForInToken', 'kek', 'a wrapping key (readWrappingKey or readKek result, or what they read)', kek);
}

export interface TokenVerifyResult extends VerifyResult {
  /** Zero bytes after the key's encoding, from a token that zero-pads before RFC 5649 (SoftHSM < 2.7). */
  readonly zeroPadding?: number;
}

/**
 * Rehearsal: opens a blob made for `cloud` with the test wrapping key's private key (unwrapFor) and checks
 * it holds the token key: the same public key (RSA, EC), or (AES) a key that encrypts a random block as the
 * token's key does. The token's own PKCS#8 encoding is not known outside it, so a match is 'same-key'. A
 * PKCS#8 key followed by 1 to 7 zero bytes matches with `zeroPadding` set. BYOK_KEY_MISMATCH otherwise.
 */
export function verifyTokenKeyFor(
  cloud: Cloud, wrapped: WrappedInput, kekPrivateKey: Uint8Array | RsaPrivateKey, session: TokenSession, key: TokenKey, options: CloudUnwrapOptions = {},
): TokenVerifyResult {
  expectSession('verifyTokenKeyFor', 'session', session);
  expectTokenKey('verifyTokenKeyFor', 'key', key);
  const material = unwrapFor(cloud, wrapped, kekPrivateKey, options);
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
  return new ByokError('BYOK_KEY_MISMATCH', 'the blob opens, but to a different key than the one in the token: check that you compare with the key you wrapped');
}
