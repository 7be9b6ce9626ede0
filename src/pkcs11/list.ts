// `byok pkcs11 list [URI]` as data: the tokens of a module, then the keys of the token the URI selects
// (or of the only token), with what decides whether each can be wrapped out, which clouds import its type,
// and a URI that names exactly it.
import { ByokError, isByokError } from '../errors.js';
import { expectUri, openOptionsArg } from './args.js';
import { releaseModule } from './binding.js';
import { destinationsFor, type DestinationId } from './clouds.js';
import { hex, type TokenKey } from './keys.js';
import { acquireModuleFor, describeModule, openInternals, tokensOf, type ModuleDescription, type OpenTokenOptions, type TokenDescription } from './session.js';
import { formatPkcs11Uri, type Pkcs11Uri } from './uri.js';

export interface ListedToken extends TokenDescription {
  /** A URI that selects this token. */
  readonly uri: string;
}

export interface ListedKey {
  readonly class: TokenKey['class'];
  readonly keyType: string;
  readonly kind?: TokenKey['kind'];
  readonly bits?: number;
  readonly curve?: string;
  readonly label?: string;
  /** CKA_ID in hex ('' when empty). */
  readonly id: string;
  readonly extractable: boolean;
  readonly sensitive: boolean;
  readonly neverExtractable: boolean;
  readonly alwaysSensitive: boolean;
  readonly wrapWithTrusted: boolean;
  /** Whether byok can wrap it out of this token: extractable, not CKA_WRAP_WITH_TRUSTED, of an importable type. */
  readonly wrappable: boolean;
  /** Why not, when it cannot. */
  readonly why?: string;
  /** Destinations that import its type and size. */
  readonly clouds: readonly DestinationId[];
  /** A URI that names exactly this key. */
  readonly uri: string;
}

export interface Pkcs11Listing {
  readonly module: ModuleDescription;
  readonly tokens: readonly ListedToken[];
  /** The token whose keys are listed, when the URI (or the module) names exactly one. */
  readonly token?: ListedToken;
  readonly loggedIn?: boolean;
  readonly keys?: readonly ListedKey[];
  /** What was not listed and why (several tokens and none chosen; not logged in). */
  readonly notes: readonly string[];
}

const TOKEN_ATTRS: readonly (keyof Pkcs11Uri)[] = ['token', 'manufacturer', 'serial', 'model', 'slotDescription', 'slotManufacturer', 'slotId'];

function listedKey(k: TokenKey, token: TokenDescription, modulePath: string): ListedKey {
  const why = !k.extractable ? 'CKA_EXTRACTABLE is false'
    : k.wrapWithTrusted ? 'CKA_WRAP_WITH_TRUSTED is true'
      : k.kind === undefined ? `${k.keyType} keys are not imported by any cloud HSM byok writes for`
        : destinationsFor(k).length === 0 ? 'no cloud imports this size or curve' : undefined;
  return {
    class: k.class, keyType: k.keyType,
    ...(k.kind === undefined ? {} : { kind: k.kind }),
    ...(k.bits === undefined ? {} : { bits: k.bits }),
    ...(k.curve === undefined ? {} : { curve: k.curve }),
    ...(k.label === undefined ? {} : { label: k.label }),
    id: hex(k.id),
    extractable: k.extractable, sensitive: k.sensitive, neverExtractable: k.neverExtractable, alwaysSensitive: k.alwaysSensitive,
    wrapWithTrusted: k.wrapWithTrusted,
    wrappable: why === undefined, ...(why === undefined ? {} : { why }),
    clouds: destinationsFor(k),
    uri: formatPkcs11Uri({
      token: token.label, ...(k.label === undefined ? {} : { object: k.label }), ...(k.id.length === 0 ? {} : { id: k.id }),
      type: k.class === 'private' ? 'private' : 'secret-key', modulePath,
    }),
  };
}

export async function listPkcs11(uriOrText: Pkcs11Uri | string, options: OpenTokenOptions = {}): Promise<Pkcs11Listing> {
  expectUri('listPkcs11', 'uri', uriOrText);
  openOptionsArg('listPkcs11', options);
  const { u, path: modulePath, api } = await acquireModuleFor(uriOrText, options);
  let module: ModuleDescription;
  let tokens: ListedToken[];
  try {
    module = describeModule(api, modulePath);
    tokens = tokensOf(api).map(({ token }) => ({ ...token, uri: formatPkcs11Uri({ token: token.label, serial: token.serial, modulePath }) }));
  } finally {
    releaseModule(modulePath);
  }
  const notes: string[] = [];
  const initialized = tokens.filter((t) => t.initialized);
  const chosen = TOKEN_ATTRS.some((a) => u[a] !== undefined);
  if (!chosen && initialized.length !== 1) {
    if (initialized.length > 1) notes.push('several tokens: add token=LABEL to the URI to list the keys of one');
    return { module, tokens, notes };
  }
  let session;
  try {
    session = await openInternals(u, options);
  } catch (e) {
    if (!isByokError(e, 'PKCS11_PIN_REQUIRED')) throw e;
    session = await openInternals(u, { ...options, login: false });
    notes.push('not logged in (no PIN given): private keys are not shown; give pin-source=, BYOK_PKCS11_PIN or answer the prompt');
  }
  try {
    const token = tokens.find((t) => t.slotId === session.token.slotId);
    if (token === undefined) throw new ByokError('PKCS11_TOKEN_NOT_FOUND', 'the token went away while it was being listed');
    const keys = session.listKeys().map((k) => listedKey(k, session.token, modulePath));
    return { module, tokens, token, loggedIn: session.loggedIn, keys, notes };
  } finally {
    session.close();
  }
}
