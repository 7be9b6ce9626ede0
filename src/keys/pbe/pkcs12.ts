// PKCS#12 reading (RFC 7292) — in progress: the signature is final, the body lands in the next commit.
import { ByokError } from '../../errors.js';

export interface Pkcs12Key {
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  /** PrivateKeyInfo DER. */
  readonly pkcs8: Uint8Array;
}

export interface Pkcs12Contents {
  readonly keys: Pkcs12Key[];
  /** DER X.509 certificates from certBags, in file order. */
  readonly certificates: Uint8Array[];
}

export function readPkcs12(der: Uint8Array, password: string | undefined): Pkcs12Contents {
  void der;
  void password;
  throw new ByokError('UNSUPPORTED_ENCRYPTION', 'PKCS#12 reading is not implemented yet');
}
