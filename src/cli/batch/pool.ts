// Batch worker threads, started before the CLI has loaded its own modules. A worker takes tens of
// milliseconds to start, load the key-reading code and instantiate the Wasm core (~100 ms before the
// executable was bundled); started by main.ts as soon as it sees `byok batch`, they do that while this
// thread loads the CLI, reads the KEK and the manifest. Unclaimed workers are unref'd, so a batch that
// fails its checks still exits at once.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// scripts/build-cli.mjs defines BYOK_BUNDLED_WORKER in the bundled executable, whose worker is a bundle
// beside it; scripts/build-sea.mjs defines BYOK_WORKER_SOURCE in the single executable, which has no files
// beside it: the worker's own bundle is embedded as source text and run with `eval`. In the unbundled
// dist/ both are undeclared (typeof gives 'undefined') and the worker is ./worker.js.
declare const BYOK_BUNDLED_WORKER: string | undefined;
declare const BYOK_WORKER_SOURCE: string | undefined;

// A worker's stdio is not piped into this process's streams: each pipe adds an 'error' listener to
// process.stdout/stderr, and from the 11th on Node printed a MaxListenersExceededWarning (--jobs 11).
// Workers print nothing (stdout may carry --json); should a claimed one write to stderr anyway, it is
// copied over (listening to its streams keeps this process alive, so only claimed workers are listened to).
const STDIO = { stdout: true, stderr: true } as const;

function newWorker(): Worker {
  return typeof BYOK_WORKER_SOURCE === 'string'
    ? new Worker(BYOK_WORKER_SOURCE, { eval: true, ...STDIO })
    : new Worker(typeof BYOK_BUNDLED_WORKER === 'string'
      ? new URL(BYOK_BUNDLED_WORKER, import.meta.url)
      : new URL('./worker.js', import.meta.url), STDIO);
}

let started: Worker[] = [];
const exited = new WeakSet<Worker>();

/** Largest --jobs: beyond this, threads only add start-up time on any machine this runs on. */
export const MAX_JOBS = 64;

/** Default --jobs: the CPU count, at most 8 (the README and `byok batch --help` say so). */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), 8);
}

/** The --jobs value as given on the command line when it is a plain number in range, else the default. */
export function jobsFromArgv(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a === '--jobs' ? argv[i + 1] : a.startsWith('--jobs=') ? a.slice(7) : undefined;
    if (v !== undefined) return /^[0-9]{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_JOBS ? Number(v) : defaultJobs();
  }
  return defaultJobs();
}

function spawn(): Worker {
  const w = newWorker();
  w.unref();
  // A worker that fails to load reports it when claimed (its 'error' is re-emitted to the listeners then).
  w.on('error', () => undefined);
  w.once('exit', () => exited.add(w));
  return w;
}

/** Starts `count` workers now. */
export function prestartWorkers(count: number): void {
  if (count < 1 || started.length > 0) return;
  for (let i = 0; i < count; i++) started.push(spawn());
}

/**
 * `count` workers: the prestarted ones first, new ones for the rest; unneeded prestarted ones end. One that
 * already died (it failed to load) is replaced, so the failure is reported by its replacement's events.
 */
export function claimWorkers(count: number): Worker[] {
  const alive = started.filter((w) => !exited.has(w));
  const out = alive.slice(0, count);
  for (const w of alive.slice(count)) void w.terminate();
  started = [];
  while (out.length < count) out.push(spawn());
  for (const w of out) {
    w.ref();
    w.stdout.resume();
    w.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  }
  return out;
}
