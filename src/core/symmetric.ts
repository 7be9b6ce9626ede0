// Typed wrappers of the symmetric core (hashes, AES-KW, AES-KWP). Placeholder until it lands.
import { ByokError } from '../errors.js';
import type { WasmCore } from './instance.js';
import type { CoreApi } from './types.js';

export type SymmetricApi = Pick<
  CoreApi,
  'sha1' | 'sha256' | 'sha384' | 'sha512' | 'aesKwWrap' | 'aesKwUnwrap' | 'aesKwpWrap' | 'aesKwpUnwrap'
>;

export function bindSymmetric(_core: WasmCore): SymmetricApi {
  const missing = (): never => {
    throw new ByokError('CORE_INTERNAL', 'not implemented yet');
  };
  return {
    sha1: missing, sha256: missing, sha384: missing, sha512: missing,
    aesKwWrap: missing, aesKwUnwrap: missing, aesKwpWrap: missing, aesKwpUnwrap: missing,
  };
}
