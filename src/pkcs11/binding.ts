// Loading the PKCS#11 binding (pkcs11js, an optional dependency with a native part) and PKCS#11 modules.
//
// Nothing here runs at import: the binding is required the first time a pkcs11: URI is used, so the
// library, the browser tool and an install on a machine without a compiler (where npm skips the optional
// dependency) work as before. The name is not a literal `import`, so bundlers (the CLI's esbuild bundle,
// the browser build) leave it out instead of trying to inline a native module.
//
// One module (shared object) is loaded and C_Initialize'd once per process and path, with a reference
// count: PKCS#11 state is per process, and a second C_Initialize of the same library returns
// CKR_CRYPTOKI_ALREADY_INITIALIZED. When someone else in the process initialized it first, we use it and
// leave C_Finalize to them.
import { existsSync, statSync } from 'node:fs';
import { isSea } from 'node:sea';
import type * as Pkcs11Js from 'pkcs11js';
import { ByokError } from '../errors.js';
import { CKR_CRYPTOKI_ALREADY_INITIALIZED } from './constants.js';
import { asPkcs11Error, pkcs11Failure } from './errors.js';

export type Pkcs11Api = Pkcs11Js.PKCS11;
export type Pkcs11Binding = typeof Pkcs11Js;

const BINDING = 'pkcs11js';
let binding: Pkcs11Binding | undefined;

/** What a single executable says when asked for a token: it cannot load pkcs11js's native part. */
export const SEA_MESSAGE = 'this single-file byok executable cannot load native modules, so it cannot talk to a PKCS#11 token (pkcs11: keys need the pkcs11js binding): install the npm package (npm install -g byok-toolkit, with make and a C++ compiler for pkcs11js) and run byok from there, or wrap an exported key file';

/** The pkcs11js module, loaded on first use; PKCS11_UNAVAILABLE with the fix when it cannot be. */
export async function loadBinding(singleExecutable: () => boolean = isSea): Promise<Pkcs11Binding> {
  // A single executable (Node SEA) has no node_modules and loads no addon from disk.
  if (singleExecutable()) throw new ByokError('PKCS11_UNAVAILABLE', SEA_MESSAGE);
  if (binding !== undefined) return binding;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  try {
    binding = require(BINDING) as Pkcs11Binding;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    throw new ByokError(
      'PKCS11_UNAVAILABLE',
      missing
        ? 'the PKCS#11 binding (the optional dependency pkcs11js) is not installed, so pkcs11: URIs cannot be used: install it with `npm install pkcs11js@2.1.7` (needs make and a C++ compiler), or wrap an exported key file instead'
        : 'the PKCS#11 binding (pkcs11js) is installed but does not load (built for another Node version?): rebuild it with `npm rebuild pkcs11js`',
      { cause: e },
    );
  }
  return binding;
}

interface LoadedModule {
  readonly api: Pkcs11Api;
  refs: number;
  /** We called C_Initialize (and so call C_Finalize when the last user releases it). */
  owner: boolean;
}

// Loaded modules stay loaded (never dlclose'd) for the life of the process: unloading and reloading a
// module with static state (SoftHSM, OpenSSL inside it) is a crash risk for no gain in a short-lived CLI.
const modules = new Map<string, LoadedModule>();

/**
 * A module's API, loaded and initialized; release it with releaseModule(path). `parameters` goes to
 * C_Initialize as CK_C_INITIALIZE_ARGS.pReserved, for modules that need it (NSS softokn's configdir).
 */
export function acquireModule(b: Pkcs11Binding, path: string, parameters?: string): Pkcs11Api {
  let m = modules.get(path);
  if (m !== undefined && m.refs > 0) {
    m.refs++;
    return m.api;
  }
  if (m === undefined) {
    if (!existsSync(path)) {
      throw new ByokError('PKCS11_MODULE_NOT_FOUND', `PKCS#11 module ${JSON.stringify(path)} not found: check module-path in the URI (the vendor's library, e.g. /usr/lib/softhsm/libsofthsm2.so)`);
    }
    if (!statSync(path).isFile()) {
      throw new ByokError('PKCS11_MODULE_NOT_FOUND', `PKCS#11 module ${JSON.stringify(path)} is not a file: module-path names the vendor's library file`);
    }
    const api = new b.PKCS11();
    try {
      api.load(path);
    } catch (e) {
      throw new ByokError('PKCS11_MODULE_LOAD_FAILED', `${JSON.stringify(path)} does not load as a PKCS#11 module (${firstLine(e)}): check that it is the vendor's PKCS#11 library for this machine's architecture`, { cause: e });
    }
    m = { api, refs: 0, owner: false };
    modules.set(path, m);
  }
  try {
    m.api.C_Initialize(parameters === undefined ? undefined : { libraryParameters: parameters });
    m.owner = true;
  } catch (e) {
    if (asPkcs11Error(e)?.code !== CKR_CRYPTOKI_ALREADY_INITIALIZED) throw pkcs11Failure(e, `initializing the PKCS#11 module ${JSON.stringify(path)}`);
    m.owner = false;
  }
  m.refs = 1;
  return m.api;
}

/** Drops one reference; the last one finalizes the module when we initialized it. */
export function releaseModule(path: string): void {
  const m = modules.get(path);
  if (m === undefined || m.refs === 0) return;
  if (--m.refs > 0) return;
  try {
    if (m.owner) m.api.C_Finalize();
  } catch {
    /* finalizing is best effort: the process may be exiting */
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160);
}

/** Finalizes every module this process initialized, whatever its references (for signal handlers and exit). */
export function finalizeAllModules(): void {
  for (const m of modules.values()) {
    m.refs = 0;
    try {
      if (m.owner) m.api.C_Finalize();
    } catch {
      /* best effort on the way out */
    }
    m.owner = false;
  }
}
