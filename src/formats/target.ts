// The target key as the clouds' rules see it: its type and size, never its material. A TargetKey from intake
// gives one (describeTarget); a PKCS#11 source builds one from the token's attributes.
import { expectTargetKey, invalid, isRecord } from '../arguments.js';
import { ByokError } from '../errors.js';
import type { TargetKey } from '../keys/index.js';

export interface TargetDescription {
  readonly kind: TargetKey['kind'];
  /** RSA modulus bits, EC field bits, 256 for Ed25519, symmetric key bits. */
  readonly bits: number;
  /** EC curve (intake's names: P-256, P-384, P-521, P-256K). */
  readonly curve?: string;
  /** oct only: 'aes' or 'hmac'. */
  readonly keyType?: 'aes' | 'hmac';
  /** Bytes that get wrapped: the canonical PKCS#8 DER (asymmetric) or the raw key (symmetric). */
  readonly materialLength: number;
}

export type TargetType = 'rsa' | 'ec' | 'ed25519' | 'aes' | 'hmac';

/** A target's shape as describeTarget (or a PKCS#11 source) gives it: a known kind and a number of bits. */
export function expectDescription(fn: string, name: string, v: unknown): TargetDescription {
  const ok = isRecord(v) && ['rsa', 'ec', 'ed25519', 'oct'].includes(v['kind'] as string) && typeof v['bits'] === 'number'
    && (v['curve'] === undefined || typeof v['curve'] === 'string') && (v['keyType'] === undefined || v['keyType'] === 'aes' || v['keyType'] === 'hmac');
  if (!ok) throw invalid(fn, name, 'a TargetKey (readTargetKey) or a TargetDescription (describeTarget)', v);
  return v as unknown as TargetDescription;
}

export function describeTarget(t: TargetKey): TargetDescription {
  expectTargetKey('describeTarget', 't', t);
  return {
    kind: t.kind, bits: t.bits, materialLength: t.material.length,
    ...(t.curve === undefined ? {} : { curve: t.curve }),
    ...(t.kind === 'oct' ? { keyType: t.keyType ?? 'aes' } : {}),
  };
}

export function targetType(t: Pick<TargetDescription, 'kind' | 'keyType'>): TargetType {
  if (!isRecord(t) || !['rsa', 'ec', 'ed25519', 'oct'].includes(t['kind'] as string)) throw invalid('targetType', 't', 'a TargetKey or TargetDescription', t);
  return t.kind === 'oct' ? (t.keyType ?? 'aes') : t.kind;
}

/** "RSA-2048", "EC P-384", "Ed25519", "AES-256", "HMAC key of 48 bytes". */
export function targetLabel(t: Pick<TargetDescription, 'kind' | 'bits' | 'curve' | 'keyType'>): string {
  expectDescription('targetLabel', 't', t);
  switch (targetType(t)) {
    case 'rsa': return `RSA-${t.bits}`;
    case 'ec': return `EC ${t.curve === 'P-256K' ? 'secp256k1' : t.curve ?? '(no curve)'}`;
    case 'ed25519': return 'Ed25519';
    case 'aes': return `AES-${t.bits}`;
    default: return `HMAC key of ${t.bits / 8} bytes`;
  }
}

/** The refusal for a key type or size a cloud does not import: the rule, and what it does import. */
export function notImported(cloud: string, t: Pick<TargetDescription, 'kind' | 'bits' | 'curve' | 'keyType'>, imports: string, code: 'UNSUPPORTED_KEY_TYPE' | 'UNSUPPORTED_TARGET_SIZE' | 'UNSUPPORTED_CURVE' = 'UNSUPPORTED_KEY_TYPE'): ByokError {
  return new ByokError(code, `${cloud} does not import ${targetLabel(t)} keys; it imports ${imports}`);
}
