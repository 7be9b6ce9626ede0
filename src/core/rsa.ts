// Typed wrappers of the RSA core (OAEP, CKM_RSA_AES_KEY_WRAP). Placeholder until it lands.
import { ByokError } from '../errors.js';
import type { WasmCore } from './instance.js';
import type { CoreApi } from './types.js';

export type RsaApi = Pick<CoreApi, 'rsaOaepEncrypt' | 'rsaOaepDecrypt' | 'rsaAesKeyWrap' | 'rsaAesKeyUnwrap'>;

export function bindRsa(_core: WasmCore): RsaApi {
  const missing = (): never => {
    throw new ByokError('CORE_INTERNAL', 'not implemented yet');
  };
  return { rsaOaepEncrypt: missing, rsaOaepDecrypt: missing, rsaAesKeyWrap: missing, rsaAesKeyUnwrap: missing };
}
