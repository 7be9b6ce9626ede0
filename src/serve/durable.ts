// Crash-safe files for `byok serve`. Every state change is one whole file written beside its final name
// (`.NAME.RANDOM.tmp`, mode 0600), fsync'd, renamed over the final name (or linked, when the name must
// not exist yet), and then the folder is fsync'd so the rename itself is on disk. A caller answers its
// client only after the returned promise settles, so an acknowledged change survives a crash or a power
// cut. A crash at any moment leaves the old file or the new one, never a mix, plus at most a stray
// temporary: recovery rule, applied at start-up by removeStaleTemporaries, is "a temporary was never
// acknowledged: delete it".
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fdatasync, fsyncSync, linkSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP = /^\..+\.[0-9a-f]{16}\.tmp$/;

function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

/** fsync of a folder: makes the names created, renamed or removed in it durable. */
export function syncDirSync(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * A sync shared between concurrent writers (group commit). Whatever was written before a sync starts is
 * durable when it ends, so a writer joins the next sync to start — the one in flight may have begun
 * before its write — and every writer waiting then shares it. Under load this is one fsync per round
 * instead of one per change, and fewer trips through the thread pool that also runs the KEKs' RSA
 * operations. A failed sync fails every writer that waited for it.
 */
export function sharedSync(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p: Promise<void> = run().finally(() => {
      if (inFlight === p) inFlight = undefined;
    });
    inFlight = p;
    return p;
  };
  return () => {
    if (next !== undefined) return next;
    if (inFlight === undefined) return start();
    const n = inFlight.then(noop, noop).then(() => {
      next = undefined;
      return start();
    });
    next = n;
    return n;
  };
}

const folderSyncs = new Map<string, () => Promise<void>>();

function syncDirShared(dir: string): Promise<void> {
  let sync = folderSyncs.get(dir);
  if (sync === undefined) {
    sync = sharedSync(() => syncDir(dir));
    folderSyncs.set(dir, sync);
  }
  return sync();
}

const noop = (): void => undefined;

/** write(2) until every byte is written (a regular file may take fewer bytes than given). */
export function writeAll(fd: number, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

export const fdatasyncAsync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * Replaces (or creates) `path` with `data`, durably. The small steps (create, write, close, rename) run
 * on the event loop — page-cache operations of microseconds — and only the two waits for the disk leave
 * it: the file's fdatasync (a fresh file: its data and size are all there is) and the shared folder fsync.
 */
export async function writeDurable(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const tmp = tempBeside(path);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeAll(fd, data);
    await fdatasyncAsync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  await syncDirShared(dirname(path));
}

/** Removes `path` durably (a missing file is not an error). */
export async function removeDurable(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await syncDirShared(dirname(path));
}

function writeTempSync(path: string, data: Uint8Array | string, mode: number): string {
  const tmp = tempBeside(path);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let written = false;
  try {
    writeAll(fd, data);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) unlinkSync(tmp);
  }
  return tmp;
}

/** Synchronous writeDurable, for set-up and the CLI's `principal add`. */
export function writeDurableSync(path: string, data: Uint8Array | string, mode = 0o600): void {
  const tmp = writeTempSync(path, data, mode);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  syncDirSync(dirname(path));
}

/**
 * Creates `path` with `data` only if no file has that name (link(2) fails with EEXIST otherwise), durably.
 * Returns false when the name was taken.
 */
export function createDurableSync(path: string, data: Uint8Array | string, mode = 0o600): boolean {
  const tmp = writeTempSync(path, data, mode);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
  syncDirSync(dirname(path));
  return true;
}

/** The start-up recovery rule: temporaries were never acknowledged, so they are deleted. */
export function removeStaleTemporaries(dir: string): number {
  let removed = 0;
  for (const f of readdirSync(dir)) {
    if (TEMP.test(f)) {
      unlinkSync(join(dir, f));
      removed++;
    }
  }
  if (removed > 0) syncDirSync(dir);
  return removed;
}
