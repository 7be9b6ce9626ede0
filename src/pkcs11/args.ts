// Argument checks of the PKCS#11 source's public functions (as src/arguments.ts for the rest of the library):
// a wrong argument is INVALID_ARGUMENT naming the function and the argument, never a TypeError.
import { invalid, isRecord, optionalBoolean, optionalString, optionsArg } from '../arguments.js';
import type { TokenKey } from './keys.js';
import type { SessionInternals } from './session.js';
import type { Pkcs11Uri } from './uri.js';

export function expectSession(fn: string, name: string, v: unknown): SessionInternals {
  const ok = isRecord(v) && isRecord(v['conn']) && typeof v['createObject'] === 'function' && typeof v['findKey'] === 'function';
  if (!ok) throw invalid(fn, name, 'a session from openTokenSession', v);
  return v as unknown as SessionInternals;
}

export function expectTokenKey(fn: string, name: string, v: unknown): TokenKey {
  const ok = isRecord(v) && v['handle'] instanceof Uint8Array && (v['class'] === 'private' || v['class'] === 'secret')
    && typeof v['keyType'] === 'string' && v['id'] instanceof Uint8Array
    && ['extractable', 'sensitive', 'neverExtractable', 'alwaysSensitive', 'wrapWithTrusted'].every((k) => typeof v[k] === 'boolean');
  if (!ok) throw invalid(fn, name, 'a key as TokenSession.findKey returns it', v);
  return v as unknown as TokenKey;
}

/** A key's shape (kind, bits, curve), as a TokenKey has it. */
export function expectKeyShape(fn: string, name: string, v: unknown): Pick<TokenKey, 'kind' | 'bits' | 'curve'> {
  const ok = isRecord(v) && (v['kind'] === undefined || ['rsa', 'ec', 'oct'].includes(v['kind'] as string))
    && (v['bits'] === undefined || (typeof v['bits'] === 'number' && Number.isInteger(v['bits']) && v['bits'] > 0))
    && (v['curve'] === undefined || typeof v['curve'] === 'string');
  if (!ok) throw invalid(fn, name, "a TokenKey (or { kind: 'rsa' | 'ec' | 'oct', bits, curve? })", v);
  return v as Pick<TokenKey, 'kind' | 'bits' | 'curve'>;
}

/** A URI: its text, or parsePkcs11Uri's result. */
export function expectUri(fn: string, name: string, v: unknown): Pkcs11Uri | string {
  if (typeof v !== 'string' && !(isRecord(v) && Array.isArray(v['vendor']))) throw invalid(fn, name, 'a pkcs11: URI (string) or parsePkcs11Uri\'s result', v);
  return v as Pkcs11Uri | string;
}

export function openOptionsArg(fn: string, v: unknown): Record<string, unknown> {
  const o = optionsArg(fn, 'options', v);
  const pin = o['pin'];
  if (pin !== undefined && !(pin instanceof Uint8Array) && typeof pin !== 'function') throw invalid(fn, 'options.pin', 'a Uint8Array or an async function', pin);
  optionalString(fn, 'options.defaultModule', o['defaultModule']);
  optionalString(fn, 'options.moduleParameters', o['moduleParameters']);
  optionalBoolean(fn, 'options.login', o['login']);
  optionalBoolean(fn, 'options.manyKeys', o['manyKeys']);
  optionalBoolean(fn, 'options.allowZeroPaddedKwp', o['allowZeroPaddedKwp']);
  return o;
}

