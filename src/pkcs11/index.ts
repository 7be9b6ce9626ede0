// PKCS#11 tokens as the key source (issue 11): RFC 7512 URIs, sessions, key lookup, the in-token wrap.
// Node only; the binding (pkcs11js, optional) is loaded on first use, never at import.
export {
  parsePkcs11Uri, isPkcs11Uri, formatPkcs11Uri, redactPkcs11Uri, PIN_VALUE_MESSAGE,
  type Pkcs11Uri, type Pkcs11ObjectType,
} from './uri.js';
export {
  openTokenSession, closeAllTokenSessions, readPinFile,
  type TokenSession, type TokenDescription, type ModuleDescription, type OpenTokenOptions, type PinInput,
} from './session.js';
export type { TokenKey } from './keys.js';
export { tokenParts, wrapInToken, checkWrappable, zeroPaddingWarning, type TokenWrapPlan, type WrapInTokenOptions } from './wrap.js';
export { listPkcs11, type Pkcs11Listing, type ListedKey, type ListedToken } from './list.js';
export { METHODS, destinationsFor, describeTokenTarget, type DestinationId, type DestinationMethod } from './clouds.js';
