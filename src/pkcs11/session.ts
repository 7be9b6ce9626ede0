// Opening a token as a URI names it: module, slot and token selection, a read-only session, login with a
// PIN from pin-source or the caller, and bookkeeping of every session object we create, so each one is
// destroyed on every path (close(), an error, or closeAllTokenSessions() from a signal handler).
//
// Read-only on purpose: a R/O session can create session objects (the KEK public key, the ephemeral AES
// key) but no token objects, so the token's contents cannot change whatever happens here.
import { readFileSync, statSync } from 'node:fs';
import { ByokError } from '../errors.js';
import { expectString } from '../arguments.js';
import { expectUri, openOptionsArg } from './args.js';
import { acquireModule, finalizeAllModules, loadBinding, releaseModule, type Pkcs11Api, type Pkcs11Binding } from './binding.js';
import {
  CKF_LOGIN_REQUIRED, CKF_PROTECTED_AUTHENTICATION_PATH, CKF_SERIAL_SESSION, CKF_TOKEN_INITIALIZED, CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED, CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE, CKR_PIN_LOCKED, CKR_USER_ALREADY_LOGGED_IN, CKU_USER,
} from './constants.js';
import { asPkcs11Error, pkcs11Failure } from './errors.js';
import { findKey, keyDirectory, listKeys, type Conn, type KeyDirectory, type TokenKey } from './keys.js';
import { resolveModulePath } from './module-path.js';
import { checkUsable, parsePkcs11Uri, type Pkcs11Uri } from './uri.js';

export interface TokenDescription {
  /** CK_SLOT_ID in decimal (it may exceed 2^53). */
  readonly slotId: string;
  readonly slotDescription: string;
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serial: string;
  readonly flags: number;
  readonly initialized: boolean;
  readonly loginRequired: boolean;
  readonly pinLocked: boolean;
}

export interface ModuleDescription {
  readonly path: string;
  readonly description: string;
  readonly manufacturer: string;
  readonly version: string;
  readonly cryptokiVersion: string;
}

/**
 * Where the PIN comes from when the URI names no pin-source: a value (copied; the caller wipes its own),
 * or a function called once when the token needs a login, whose result is wiped after C_Login (return
 * undefined when there is none).
 */
export type PinInput = Uint8Array | ((token: TokenDescription) => Promise<Uint8Array | undefined>);

export interface OpenTokenOptions {
  readonly pin?: PinInput;
  /** Module when the URI has neither module-path nor module-name (the CLI passes BYOK_PKCS11_MODULE). */
  readonly defaultModule?: string;
  /** Log in when the token asks for it (default true; `byok pkcs11 list` without a PIN passes false). */
  readonly login?: boolean;
  /**
   * Module-specific C_Initialize parameters (CK_C_INITIALIZE_ARGS.pReserved), for the few modules that
   * need them, e.g. NSS softokn: "configdir='sql:/path' certPrefix='' keyPrefix='' secmod='secmod.db'".
   */
  readonly moduleParameters?: string;
  /**
   * The session will look up many keys (a batch): read the token's key directory at the first lookup
   * instead of searching for the first key by its label (default: search first, directory from the second).
   */
  readonly manyKeys?: boolean;
}

export interface TokenSession {
  readonly module: ModuleDescription;
  readonly token: TokenDescription;
  /** Whether this session is in a user state (logged in, by us or before us): private keys are visible only then. */
  readonly loggedIn: boolean;
  /**
   * The one key the URI names (object=, id=, type=). From the second call on (the first with
   * OpenTokenOptions.manyKeys), keys are looked up in a directory of the token's keys read once (each
   * key's attributes in one call), not searched again each time.
   */
  findKey(uri: Pkcs11Uri | string): TokenKey;
  listKeys(): TokenKey[];
  /** Destroys every session object created through this session, closes it, releases the module. */
  close(): void;
}

/** Internals shared with wrap.ts and kat.ts: the connection and the session object registry. */
export interface SessionInternals extends TokenSession {
  readonly conn: Conn;
  readonly binding: Pkcs11Binding;
  /** Creates a session object (CKA_TOKEN must be false in `template`) and remembers it. */
  createObject(template: { type: number; value: number | boolean | Buffer }[]): Buffer;
  generateKey(mechanism: number, template: { type: number; value: number | boolean | Buffer }[]): Buffer;
  destroy(h: Buffer): void;
  /** Per-session memo (KAT results, the KEK object): cleared with the session. */
  readonly memo: Map<string, unknown>;
}

const open = new Set<SessionInternals>();

/**
 * Closes every open token session (destroying its session objects), then finalizes every module this
 * process initialized, including one a session is still being opened on. For signal handlers and exit.
 */
export function closeAllTokenSessions(): void {
  for (const s of [...open]) s.close();
  finalizeAllModules();
}

function trimmed(s: string): string {
  return s.replace(/[\s\0]+$/, '');
}

function slotNumber(slot: Buffer): string {
  return String(slot.length === 8 ? slot.readBigUInt64LE(0) : slot.readUInt32LE(0));
}

function describeToken(api: Pkcs11Api, slot: Buffer): TokenDescription {
  const si = api.C_GetSlotInfo(slot);
  const ti = api.C_GetTokenInfo(slot);
  return {
    slotId: slotNumber(slot), slotDescription: trimmed(si.slotDescription),
    label: trimmed(ti.label), manufacturer: trimmed(ti.manufacturerID), model: trimmed(ti.model), serial: trimmed(ti.serialNumber),
    flags: ti.flags,
    initialized: (ti.flags & CKF_TOKEN_INITIALIZED) !== 0,
    loginRequired: (ti.flags & CKF_LOGIN_REQUIRED) !== 0,
    pinLocked: (ti.flags & CKF_USER_PIN_LOCKED) !== 0,
  };
}

export function describeModule(api: Pkcs11Api, path: string): ModuleDescription {
  const i = api.C_GetInfo();
  return {
    path, description: trimmed(i.libraryDescription), manufacturer: trimmed(i.manufacturerID),
    version: `${i.libraryVersion.major}.${i.libraryVersion.minor}`, cryptokiVersion: `${i.cryptokiVersion.major}.${i.cryptokiVersion.minor}`,
  };
}

/** Every slot with a token present: its handle and description. */
export function tokensOf(api: Pkcs11Api): { slot: Buffer; token: TokenDescription }[] {
  let slots: Buffer[];
  try {
    slots = api.C_GetSlotList(true);
  } catch (e) {
    throw pkcs11Failure(e, 'listing the slots');
  }
  return slots.map((slot) => ({ slot, token: describeToken(api, slot) }));
}

function matchesToken(u: Pkcs11Uri, t: TokenDescription): boolean {
  return (u.token === undefined || u.token === t.label)
    && (u.manufacturer === undefined || u.manufacturer === t.manufacturer)
    && (u.serial === undefined || u.serial === t.serial)
    && (u.model === undefined || u.model === t.model)
    && (u.slotDescription === undefined || u.slotDescription === t.slotDescription)
    && (u.slotId === undefined || String(u.slotId) === t.slotId);
}

function checkLibrary(u: Pkcs11Uri, m: ModuleDescription): void {
  const wrong = (what: string, want: string, got: string): ByokError =>
    new ByokError('PKCS11_TOKEN_NOT_FOUND', `the URI asks for ${what} ${JSON.stringify(want)} but the module ${JSON.stringify(m.path)} reports ${JSON.stringify(got)}: check module-path`);
  if (u.libraryManufacturer !== undefined && u.libraryManufacturer !== m.manufacturer) throw wrong('library-manufacturer', u.libraryManufacturer, m.manufacturer);
  if (u.libraryDescription !== undefined && u.libraryDescription !== m.description) throw wrong('library-description', u.libraryDescription, m.description);
  if (u.libraryVersion !== undefined && `${u.libraryVersion.major}.${u.libraryVersion.minor}` !== m.version) {
    throw wrong('library-version', `${u.libraryVersion.major}.${u.libraryVersion.minor}`, m.version);
  }
}

/** The one initialized token the URI's token and slot attributes select. */
export function selectToken(api: Pkcs11Api, u: Pkcs11Uri, slotManufacturerOf: (slot: Buffer) => string): { slot: Buffer; token: TokenDescription } {
  const all = tokensOf(api).filter((x) => x.token.initialized);
  const hits = all.filter((x) => matchesToken(u, x.token) && (u.slotManufacturer === undefined || u.slotManufacturer === slotManufacturerOf(x.slot)));
  const labels = all.map((x) => JSON.stringify(x.token.label)).join(', ');
  if (hits.length === 0) {
    throw new ByokError('PKCS11_TOKEN_NOT_FOUND', all.length === 0
      ? 'the module shows no initialized token: check that the HSM is connected and the token initialized'
      : `no token matches the URI's token attributes; this module has ${labels}: check token= (byok pkcs11 list shows them)`);
  }
  if (hits.length > 1) {
    throw new ByokError('PKCS11_TOKEN_AMBIGUOUS', `${hits.length} tokens match the URI (${hits.map((x) => JSON.stringify(x.token.label)).join(', ')}): add token=LABEL or serial=… so it names exactly one`);
  }
  return hits[0]!;
}

/** Reads a pin-source file: its first line, without the line ending (like --password-file). */
export function readPinFile(path: string): Uint8Array {
  expectString('readPinFile', 'path', path);
  let raw: Buffer;
  try {
    if (statSync(path).size > 64 * 1024) throw new ByokError('FILE_READ_FAILED', `pin-source ${JSON.stringify(path)} is larger than 64 KB: it should hold only the PIN`);
    raw = readFileSync(path);
  } catch (e) {
    if (e instanceof ByokError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ByokError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_FAILED', `cannot read the PIN file named by pin-source ${JSON.stringify(path)} (${code ?? 'error'}): check the path and its permissions`);
  }
  let end = raw.indexOf(0x0a);
  if (end < 0) end = raw.length;
  if (end > 0 && raw[end - 1] === 0x0d) end--;
  const pin = Uint8Array.from(raw.subarray(0, end));
  raw.fill(0);
  return pin;
}

async function pinFor(u: Pkcs11Uri, token: TokenDescription, given: PinInput | undefined): Promise<Uint8Array | undefined> {
  if (u.pinSource !== undefined) return readPinFile(u.pinSource);
  if (given === undefined) return undefined;
  if (given instanceof Uint8Array) return Uint8Array.from(given);
  return given(token);
}

export function login(api: Pkcs11Api, session: Buffer, slot: Buffer, token: TokenDescription, pin: Uint8Array | undefined): boolean {
  if (token.pinLocked) {
    throw new ByokError('PKCS11_PIN_LOCKED', `the user PIN of token ${JSON.stringify(token.label)} is locked (too many wrong PINs): the token's security officer must unlock it`);
  }
  const pinpad = (token.flags & CKF_PROTECTED_AUTHENTICATION_PATH) !== 0;
  if (pin === undefined && !pinpad) {
    throw new ByokError('PKCS11_PIN_REQUIRED', `token ${JSON.stringify(token.label)} needs the user PIN: give it with pin-source=file:/path in the URI, the BYOK_PKCS11_PIN environment variable, or at the prompt on a terminal`);
  }
  // pkcs11js takes the PIN as a JS string; it lives until the garbage collector reclaims it (README, Security model).
  const text = pin === undefined ? undefined : new TextDecoder().decode(pin);
  try {
    api.C_Login(session, CKU_USER, text);
    return true;
  } catch (e) {
    const p = asPkcs11Error(e);
    if (p?.code === CKR_USER_ALREADY_LOGGED_IN) return false;
    if (p?.code === CKR_PIN_INCORRECT || p?.code === CKR_PIN_LEN_RANGE) {
      const after = describeToken(api, slot);
      const warn = (after.flags & CKF_USER_PIN_LOCKED) !== 0 ? ' The PIN is now locked.' : (after.flags & CKF_USER_PIN_FINAL_TRY) !== 0 ? ' One more wrong PIN locks it.' : '';
      throw new ByokError('PKCS11_PIN_INCORRECT', `wrong PIN for token ${JSON.stringify(token.label)} (${p.name}): check pin-source or BYOK_PKCS11_PIN.${warn}`);
    }
    if (p?.code === CKR_PIN_LOCKED) {
      throw new ByokError('PKCS11_PIN_LOCKED', `the user PIN of token ${JSON.stringify(token.label)} is locked (CKR_PIN_LOCKED): the token's security officer must unlock it`);
    }
    throw pkcs11Failure(e, `logging in to token ${JSON.stringify(token.label)}`);
  }
}

/**
 * Opens the token the URI names: loads the binding and the module, selects exactly one initialized token,
 * opens a read-only session and logs in when the token asks for it. Object attributes of the URI are
 * not used here (findKey uses them).
 */
export async function openTokenSession(uriOrText: Pkcs11Uri | string, options: OpenTokenOptions = {}): Promise<TokenSession> {
  expectUri('openTokenSession', 'uri', uriOrText);
  openOptionsArg('openTokenSession', options);
  return openInternals(uriOrText, options);
}

/**
 * The URI parsed and checked, and its module loaded and initialized: the caller releases it
 * (releaseModule(path)) when done.
 */
export async function acquireModuleFor(uriOrText: Pkcs11Uri | string, options: OpenTokenOptions): Promise<{ u: Pkcs11Uri; path: string; binding: Pkcs11Binding; api: Pkcs11Api }> {
  const u = typeof uriOrText === 'string' ? parsePkcs11Uri(uriOrText) : uriOrText;
  checkUsable(u);
  const binding = await loadBinding(); // first: without the binding, nothing about the module matters
  const path = resolveModulePath(u, options.defaultModule);
  return { u, path, binding, api: acquireModule(binding, path, options.moduleParameters) };
}

export async function openInternals(uriOrText: Pkcs11Uri | string, options: OpenTokenOptions = {}): Promise<SessionInternals> {
  const { u, path, binding, api } = await acquireModuleFor(uriOrText, options);
  let session: Buffer | undefined;
  let loggedIn = false;
  let pin: Uint8Array | undefined;
  try {
    const module = describeModule(api, path);
    checkLibrary(u, module);
    const { slot, token } = selectToken(api, u, (s) => trimmed(api.C_GetSlotInfo(s).manufacturerID));
    try {
      session = api.C_OpenSession(slot, CKF_SERIAL_SESSION);
    } catch (e) {
      throw pkcs11Failure(e, `opening a session on token ${JSON.stringify(token.label)}`);
    }
    if (options.login !== false && token.loginRequired) {
      pin = await pinFor(u, token, options.pin);
      loggedIn = login(api, session, slot, token, pin);
    }
    return makeSession(binding, api, path, module, token, slot, session, loggedIn, inUserState(api, session), options.manyKeys === true);
  } catch (e) {
    if (session !== undefined) closeQuietly(api, session, loggedIn);
    releaseModule(path);
    throw e;
  } finally {
    pin?.fill(0);
  }
}

// CKS_RO_USER_FUNCTIONS and CKS_RW_USER_FUNCTIONS (PKCS#11 §5.6.1).
function inUserState(api: Pkcs11Api, session: Buffer): boolean {
  try {
    const state = api.C_GetSessionInfo(session).state;
    return state === 1 || state === 3;
  } catch {
    return false;
  }
}

function closeQuietly(api: Pkcs11Api, session: Buffer, loggedIn: boolean): void {
  try {
    if (loggedIn) api.C_Logout(session);
  } catch {
    /* best effort on the way out */
  }
  try {
    api.C_CloseSession(session);
  } catch {
    /* as above */
  }
}

function makeSession(
  binding: Pkcs11Binding, api: Pkcs11Api, path: string, module: ModuleDescription, token: TokenDescription,
  slot: Buffer, session: Buffer, ownLogin: boolean, loggedIn: boolean, manyKeys: boolean,
): SessionInternals {
  const conn: Conn = { api, session, slot, lacking: new Set() };
  const objects = new Map<string, Buffer>();
  let closed = false;
  // The first lookup searches the token; from the second on (a batch), a directory read once (keys.ts).
  let lookups = manyKeys ? 1 : 0;
  let directory: KeyDirectory | undefined;
  const track = (h: Buffer): Buffer => {
    objects.set(h.toString('hex'), h);
    return h;
  };
  const checkOpen = (): void => {
    if (closed) throw new ByokError('INVALID_ARGUMENT', 'this token session is closed: open a new one');
  };
  const s: SessionInternals = {
    module, token, loggedIn, conn, binding, memo: new Map(),
    findKey(uri) {
      checkOpen();
      const u = typeof uri === 'string' ? parsePkcs11Uri(uri) : uri;
      checkUsable(u);
      if (++lookups === 2) directory = keyDirectory(conn);
      return findKey(conn, u, directory);
    },
    listKeys() {
      checkOpen();
      return listKeys(conn);
    },
    createObject(template) {
      checkOpen();
      return track(api.C_CreateObject(session, template));
    },
    generateKey(mechanism, template) {
      checkOpen();
      return track(api.C_GenerateKey(session, { mechanism }, template));
    },
    destroy(h) {
      const k = h.toString('hex');
      if (!objects.has(k)) return;
      objects.delete(k);
      api.C_DestroyObject(session, h);
    },
    close() {
      if (closed) return;
      closed = true;
      open.delete(s);
      s.memo.clear();
      try {
        for (const h of objects.values()) {
          try {
            api.C_DestroyObject(session, h);
          } catch {
            /* closing the session below destroys what is left (PKCS#11 §5.6: session objects end with it) */
          }
        }
        objects.clear();
        closeQuietly(api, session, ownLogin);
      } finally {
        releaseModule(path);
      }
    },
  };
  open.add(s);
  return s;
}
