// Where a key file's password comes from: --password-file (first line), BYOK_PASSWORD, or a no-echo
// prompt on the terminal. Passwords are kept as bytes so they can be wiped; never printed or logged.
import { ByokError } from '../errors.js';
import { utf16ToUtf8 } from '../keys/utf16.js';
import { readInputFile } from './files.js';

export interface PasswordSource {
  /** Where `given` came from; 'none' when nothing was given up front. */
  readonly origin: 'file' | 'env' | 'none';
  /** A fresh copy of the password given up front (UTF-8), or undefined. The caller wipes it. */
  given(): Uint8Array | undefined;
  /** True when a terminal is attached to prompt on. */
  readonly canPrompt: boolean;
  /** Asks on the terminal without echo. The caller wipes the result. */
  /** `signal` (Ctrl-C handled by the command, e.g. a batch) cancels a prompt waiting: INTERRUPTED. */
  prompt(question: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Wipes what this source holds. */
  wipe(): void;
}

const MAX_PASSWORD_BYTES = 4096;

export interface PasswordIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
}

/**
 * A password file's password, like OpenSSL's `-passin file:`: the first line, without its line ending,
 * as UTF-8 (a UTF-16 file, as Windows PowerShell 5.1 writes for `"…" > pass.txt`, is transcoded). The
 * caller wipes the result.
 */
export function readPasswordFile(path: string): Uint8Array {
  const raw = readInputFile(path, 'password file', 64 * 1024);
  const utf16 = utf16ToUtf8(raw);
  const text = utf16 ?? raw;
  try {
    let end = text.indexOf(0x0a);
    if (end < 0) end = text.length;
    if (end > 0 && text[end - 1] === 0x0d) end--;
    return Uint8Array.from(text.subarray(0, end));
  } finally {
    raw.fill(0);
    utf16?.fill(0);
  }
}

export function passwordSource(passwordFile: string | undefined, io: PasswordIo): PasswordSource {
  let held: Uint8Array | undefined;
  let origin: PasswordSource['origin'] = 'none';
  if (passwordFile !== undefined) {
    held = readPasswordFile(passwordFile);
    origin = 'file';
  } else if (io.env['BYOK_PASSWORD'] !== undefined) {
    held = new TextEncoder().encode(io.env['BYOK_PASSWORD']);
    origin = 'env';
  }
  const canPrompt = io.stdin.isTTY === true && io.stderr.isTTY === true;
  return {
    origin,
    canPrompt,
    given: () => (held === undefined ? undefined : Uint8Array.from(held)),
    prompt: (q, signal) => {
      if (!canPrompt) throw new ByokError('PASSWORD_REQUIRED', 'a password is needed and there is no terminal to ask on: use --password-file FILE or BYOK_PASSWORD');
      return promptHidden(q, io.stdin, io.stderr, signal);
    },
    wipe: () => held?.fill(0),
  };
}

/** Reads one line from a TTY in raw mode, echoing nothing. Ctrl-C or Ctrl-D cancels. */
function promptHidden(question: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, signal?: AbortSignal): Promise<Uint8Array> {
  if (signal?.aborted === true) return Promise.reject(interrupted());
  const buf = new Uint8Array(MAX_PASSWORD_BYTES);
  let len = 0;
  const wasRaw = stdin.isRaw;
  // Echo off before the prompt appears: whatever is typed in answer to it is never shown.
  stdin.setRawMode(true);
  stdin.resume();
  stderr.write(question);
  return new Promise<Uint8Array>((resolve, reject) => {
    const onAbort = (): void => done(interrupted());
    const done = (err?: ByokError): void => {
      signal?.removeEventListener('abort', onAbort);
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (err) {
        buf.fill(0);
        reject(err);
      } else {
        const out = buf.slice(0, len);
        buf.fill(0);
        resolve(out);
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        for (const b of chunk) {
          if (b === 0x0d || b === 0x0a) return done();
          if (b === 0x03 || (b === 0x04 && len === 0)) return done(new ByokError('USAGE', 'password prompt cancelled'));
          if (b === 0x7f || b === 0x08) {
            // Drop one UTF-8 character: continuation bytes, then the lead byte.
            while (len > 0 && (buf[len - 1]! & 0xc0) === 0x80) buf[--len] = 0;
            if (len > 0) buf[--len] = 0;
          } else if (b === 0x15) {
            buf.fill(0, 0, len);
            len = 0;
          } else if (b >= 0x20 || b === 0x09) {
            if (len >= buf.length) return done(new ByokError('USAGE', `password longer than ${MAX_PASSWORD_BYTES} bytes`));
            buf[len++] = b;
          }
        }
      } finally {
        chunk.fill(0);
      }
    };
    stdin.on('data', onData);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function interrupted(): ByokError {
  return new ByokError('INTERRUPTED', 'interrupted at the prompt');
}
