// Loads a Wasm build of the core and gives typed access to its memory map and status codes.
// The core never grows its memory, so one Uint8Array view stays valid for the instance's life.
import { ByokError } from '../errors.js';
import { fillRandom } from './random.js';

/** Status codes of assembly/abi.ts. */
export const STATUS = {
  OK: 0,
  ERR_ARG: -1,
  ERR_DECRYPT: -2,
  ERR_KEY: -3,
  ERR_MSG_TOO_LONG: -4,
  ERR_SELFTEST: -5,
  ERR_FAULT: -6,
} as const;

/** Hash identifiers of assembly/abi.ts. */
export const HASH_ID = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 } as const;

export interface WasmCore {
  readonly build: string;
  readonly sha256: string;
  /** Raw exports; binders cast them to the signatures they use. */
  readonly exports: WebAssembly.Exports;
  readonly memory: WebAssembly.Memory;
  /** A view of the whole linear memory. */
  readonly mem: Uint8Array;
  readonly ioBase: number;
  readonly ioSize: number;
  readonly arenaEnd: number;
}

/** One message for every decryption and integrity failure, whatever the cause. */
export const DECRYPT_FAILED_MESSAGE =
  'decryption failed: the data is corrupt or was not made for this key (check the key and the file)';

/** Turns a negative status into the matching ByokError; returns non-negative statuses unchanged. */
export function checkStatus(status: number, what: string): number {
  if (status >= 0) return status;
  switch (status) {
    case STATUS.ERR_DECRYPT:
      throw new ByokError('DECRYPT_FAILED', DECRYPT_FAILED_MESSAGE);
    case STATUS.ERR_KEY:
      throw new ByokError(
        'INVALID_PRIVATE_KEY',
        `${what}: the RSA private key is inconsistent (p*q, d, dp, dq or qi do not match); re-export the key`,
      );
    case STATUS.ERR_MSG_TOO_LONG:
      throw new ByokError('MESSAGE_TOO_LONG', `${what}: the message is too long for this RSA key and hash`);
    case STATUS.ERR_SELFTEST:
      throw new ByokError(
        'CORE_SELFTEST_FAILED',
        'the crypto core failed its known-answer self-tests and refuses to run; reinstall byok-toolkit',
      );
    case STATUS.ERR_FAULT:
      throw new ByokError(
        'FAULT_DETECTED',
        `${what}: the private-key operation failed its consistency check; nothing was released (retry; if it persists, the key or the machine is faulty)`,
      );
    case STATUS.ERR_ARG:
      throw new ByokError('CORE_BAD_ARGUMENT', `${what}: an argument is out of range for the crypto core`);
    default:
      throw new ByokError('CORE_INTERNAL', `${what}: the crypto core returned unknown status ${status}`);
  }
}

type CoreFn = (...args: number[]) => number;
type CoreFn5 = (a?: number, b?: number, c?: number, d?: number, e?: number) => number;

// Per core: whether an export has not returned normally — an exception escaped from inside it (a trap, a
// stack overflow, a debug build's assertion) and skipped the wipes every export does before it returns.
// A plain flag on an object fetched once per binding: set and cleared around every call at no real cost.
interface CallState {
  interrupted: boolean;
}
const states = new WeakMap<WasmCore, CallState>();

function stateOf(core: WasmCore): CallState {
  let s = states.get(core);
  if (s === undefined) {
    s = { interrupted: false };
    states.set(core, s);
  }
  return s;
}

function lookup<F>(core: WasmCore, name: string): F {
  const f = core.exports[name];
  if (typeof f !== 'function') throw new ByokError('CORE_INTERNAL', `the crypto core has no export "${name}"`);
  return f as F;
}

/**
 * Zeroes the whole arena of an interrupted core — not only the I/O region a caller's frame wipes — and has
 * the core reset its scratch allocator. Runs where the exception passes (the finally around the export,
 * then the caller's frame wipe: right after a stack overflow the first may itself run out of stack) and,
 * failing those, before the core's next call.
 */
function recoverIfInterrupted(core: WasmCore, state: CallState): void {
  if (!state.interrupted) return;
  core.mem.fill(0, core.ioBase, core.arenaEnd);
  lookup<() => void>(core, 'arenaReset')();
  state.interrupted = false;
}

/** The export `name`, resolved on first call (binding a core without it fails only when it is used). */
export function coreExport(core: WasmCore, name: string): CoreFn {
  const state = stateOf(core);
  let f: CoreFn | undefined;
  return (...args) => {
    f ??= lookup<CoreFn>(core, name);
    recoverIfInterrupted(core, state);
    state.interrupted = true;
    try {
      const r = f(...args);
      state.interrupted = false;
      return r;
    } finally {
      recoverIfInterrupted(core, state);
    }
  };
}

/** coreExport for exports of at most five arguments, without a rest array per call (one-block key wraps). */
export function coreExport5(core: WasmCore, name: string): CoreFn5 {
  const state = stateOf(core);
  let f: CoreFn5 | undefined;
  return (a = 0, b = 0, c = 0, d = 0, e = 0) => {
    f ??= lookup<CoreFn5>(core, name);
    recoverIfInterrupted(core, state);
    state.interrupted = true;
    try {
      const r = f(a, b, c, d, e);
      state.interrupted = false;
      return r;
    } finally {
      recoverIfInterrupted(core, state);
    }
  };
}

export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function importsFor(getMemory: () => WebAssembly.Memory | undefined): WebAssembly.Imports {
  // Only the debug build imports `abort` (assertions). Its message pointers are AssemblyScript strings.
  return {
    env: {
      abort(msg: number, file: number, line: number, col: number): never {
        const mem = getMemory();
        const str = (p: number): string => {
          if (!mem || !p) return '?';
          const view = new DataView(mem.buffer);
          const len = view.getUint32(p - 4, true) >>> 1;
          let s = '';
          for (let i = 0; i < len; i++) s += String.fromCharCode(view.getUint16(p + 2 * i, true));
          return s;
        };
        throw new ByokError('CORE_INTERNAL', `core assertion failed: ${str(msg)} at ${str(file)}:${line}:${col}`);
      },
    },
  };
}

function wrap(instance: WebAssembly.Instance, build: string, sha256: string): WasmCore {
  const exports = instance.exports;
  const memory = exports['memory'] as WebAssembly.Memory;
  const fn = (name: string): (() => number) => exports[name] as () => number;
  const core: WasmCore = {
    build,
    sha256,
    exports,
    memory,
    mem: new Uint8Array(memory.buffer),
    ioBase: fn('ioBase')(),
    ioSize: fn('ioSize')(),
    arenaEnd: fn('arenaEnd')(),
  };
  const st = fn('selfTestStatus')();
  if (st !== 1) checkStatus(st < 0 ? st : STATUS.ERR_SELFTEST, 'self-test');
  return core;
}

export function instantiateCoreSync(bytes: Uint8Array<ArrayBuffer>, build: string, sha256: string): WasmCore {
  let memory: WebAssembly.Memory | undefined;
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, importsFor(() => memory));
  memory = instance.exports['memory'] as WebAssembly.Memory;
  return wrap(instance, build, sha256);
}

export async function instantiateCore(bytes: Uint8Array<ArrayBuffer>, build: string, sha256: string): Promise<WasmCore> {
  let memory: WebAssembly.Memory | undefined;
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, importsFor(() => memory));
  memory = instance.exports['memory'] as WebAssembly.Memory;
  return wrap(instance, build, sha256);
}

/**
 * Sequential allocator over the I/O region for one call. `wipe()` zeroes everything handed out; call it
 * in a `finally` so inputs and outputs (which may be key material) never outlive the call in Wasm memory.
 */
export interface IoFrame {
  /** Copies bytes into the I/O region and returns their address. */
  put(bytes: Uint8Array): number;
  /** Reserves n zeroed bytes and returns their address. */
  reserve(n: number): number;
  /** Reserves n bytes filled from the host's CSPRNG in place: secrets drawn here never exist in a JS buffer. */
  random(n: number): number;
  /** Copies n bytes out of Wasm memory. */
  read(ptr: number, n: number): Uint8Array;
  wipe(): void;
}

// A class rather than closures: every core call makes a frame, and methods on a prototype cost one small
// allocation per call instead of five closures (measurable on one-block key wraps).
class Frame implements IoFrame {
  private used = 0;
  constructor(private readonly core: WasmCore) {}

  private take(n: number): number {
    const ptr = this.core.ioBase + this.used;
    const next = this.used + ((n + 15) & ~15);
    if (next > this.core.ioSize) {
      throw new ByokError('BAD_DATA_LENGTH', `input too large for the crypto core (${n} bytes)`);
    }
    this.used = next;
    return ptr;
  }

  put(bytes: Uint8Array): number {
    const ptr = this.take(bytes.length);
    this.core.mem.set(bytes, ptr);
    return ptr;
  }

  reserve(n: number): number {
    return this.take(n);
  }

  random(n: number): number {
    const ptr = this.take(n);
    fillRandom(this.core.mem.subarray(ptr, ptr + n));
    return ptr;
  }

  read(ptr: number, n: number): Uint8Array {
    return this.core.mem.slice(ptr, ptr + n);
  }

  wipe(): void {
    this.core.mem.fill(0, this.core.ioBase, this.core.ioBase + this.used);
    this.used = 0;
    recoverIfInterrupted(this.core, stateOf(this.core));
  }
}

export function ioFrame(core: WasmCore): IoFrame {
  return new Frame(core);
}
