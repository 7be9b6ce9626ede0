// Accepts a KEK either as intake's `Kek` record or as anything `readKek` reads, and applies a kid given
// separately (a PEM from `az keyvault key download` carries none).
import { optionalString } from '../arguments.js';
import { ByokError } from '../errors.js';
import { isKek } from '../kek/is-kek.js';
import { readKek, type Kek } from '../kek/index.js';

export { isKek };

/** What `readKek` accepts: PEM/DER text or bytes, a JWK, `az keyvault key show` JSON, an SDK KeyVaultKey. */
export type KekInput = Kek | Uint8Array | string | object;

/**
 * The KEK with `kid` applied. A kid given here must agree with one the KEK input already names: two
 * different kids mean one of them points at another key, and Azure would refuse the import.
 */
export function toKek(input: KekInput, kid?: string): Kek {
  optionalString('toKek', 'kid', kid);
  const kek = isKek(input) ? input : readKek(input as Uint8Array | string | object, kid === undefined ? undefined : { kid });
  if (kid === undefined || kek.kid === kid) return kek;
  if (kek.kid !== undefined) {
    throw new ByokError('BYOK_KID_MISMATCH', `the KEK names kid ${kek.kid} but ${kid} was given: use the kid of the KEK you downloaded (or omit --kid)`);
  }
  return { ...kek, kid };
}
