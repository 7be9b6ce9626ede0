// `--key pkcs11:…` for the commands: opening the token a URI names with the CLI's PIN sources
// (pin-source in the URI, else BYOK_PKCS11_PIN, else a no-echo prompt on a terminal), the options that
// only make sense for files refused next to a URI, and cleanup on Ctrl-C: every open token session is
// closed (its session objects destroyed) before the process exits.
import { ByokError } from '../errors.js';
import { closeAllTokenSessions, isPkcs11Uri, openTokenSession, parsePkcs11Uri, type PinInput, type TokenKey, type TokenSession } from '../pkcs11/index.js';
import type { ArgValues } from './args.js';
import type { Ctx } from './context.js';
import { passwordSource } from './password.js';

export { isPkcs11Uri };

export const PIN_ENV = 'BYOK_PKCS11_PIN';
export const MODULE_ENV = 'BYOK_PKCS11_MODULE';

export const TOKEN_OPTIONS = {
  'allow-zero-padded-kwp': {
    type: 'boolean',
    help: 'pkcs11: keys: accept a token whose padded AES key wrap zero-pads the\nkey to 8 bytes first (SoftHSM < 2.7); such a blob opens to the PKCS#8\nkey followed by up to 7 zero bytes (see the README)',
  },
} as const;

/**
 * The PIN for a token whose URI has no pin-source: BYOK_PKCS11_PIN, else a prompt without echo (which
 * `signal` cancels with INTERRUPTED: a batch's Ctrl-C).
 */
export function cliPin(ctx: Ctx, signal?: AbortSignal): PinInput {
  return async (token) => {
    const env = ctx.io.env[PIN_ENV];
    // passwordSource reads BYOK_PASSWORD: hand it the PIN variable under that name, and nothing else.
    const src = passwordSource(undefined, { ...ctx.io, env: env === undefined ? {} : { BYOK_PASSWORD: env } });
    try {
      const given = src.given();
      if (given !== undefined) return given;
      if (!src.canPrompt) return undefined;
      return await src.prompt(`PIN for token ${JSON.stringify(token.label)}: `, signal);
    } finally {
      src.wipe();
    }
  };
}

/** Opens the token of a pkcs11: --key value and finds its key. The caller closes the session. */
export async function openTokenKey(uri: string, ctx: Ctx): Promise<{ session: TokenSession; key: TokenKey }> {
  const parsed = parsePkcs11Uri(uri);
  const session = await openTokenSession(parsed, { pin: cliPin(ctx), ...moduleDefault(ctx) });
  try {
    return { session, key: session.findKey(parsed) };
  } catch (e) {
    session.close();
    throw e;
  }
}

export function moduleDefault(ctx: Ctx): { defaultModule?: string } {
  const m = ctx.io.env[MODULE_ENV];
  return m === undefined || m === '' ? {} : { defaultModule: m };
}

/** Options that read key files; meaningless (so refused) with a pkcs11: key. */
const FILE_ONLY = ['password-file', 'key-index', 'friendly-name', 'transport-key', 'transport-wrap', 'pairwise-test'];

export function refuseFileOptions(values: ArgValues, command: string): void {
  const given = FILE_ONLY.filter((o) => values[o] !== undefined);
  if (given.length > 0) {
    throw new ByokError('USAGE', `--${given[0]} is for key files, not for a pkcs11: key (the token holds the key; its PIN comes from pin-source, ${PIN_ENV} or the prompt): see 'byok ${command} --help'`);
  }
}

/** Default output for a token key: its label (or id) as a file name, in the current folder. */
export function defaultTokenOutPath(key: TokenKey): string {
  const base = (key.label ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  if (base !== '') return `${base.slice(0, 120)}.byok`;
  if (key.id.length > 0) return `key-${Buffer.from(key.id).toString('hex').slice(0, 64)}.byok`;
  throw new ByokError('USAGE', 'the token key has no label or id to name the output after: give --out FILE');
}

/**
 * Runs `fn` with SIGINT and SIGTERM handled: open token sessions are closed (session objects destroyed)
 * before the process exits with 130 / 143, as a shell expects after Ctrl-C / kill.
 */
export async function withTokenCleanup<T>(fn: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    closeAllTokenSessions();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
